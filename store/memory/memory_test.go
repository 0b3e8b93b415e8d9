package memory_test

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/store/internal/storetest"
	"github.com/oauthkit/oauthkit/store/memory"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, ttl time.Duration) (a, b oauthkit.TokenStore) {
		s := &memory.Store{LeaseTTL: ttl}
		return s, s
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	tok := storetest.Token(1)
	s := memory.New(tok)
	tok.AccessToken = "changed by the caller"
	got, err := s.Load(t.Context())
	if err != nil || got == nil || got.AccessToken != storetest.Token(1).AccessToken {
		t.Fatalf("Load() = %v, %v; want the token New was given", got, err)
	}
}
