package oauthkit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
)

// saveFailing is a store whose Save fails as save says.
type saveFailing struct {
	oauthkit.TokenStore
	save func(ctx context.Context, prev, next *oauthkit.Token) error
}

func (s *saveFailing) Save(ctx context.Context, _ oauthkit.Lease, prev, next *oauthkit.Token) error {
	return s.save(ctx, prev, next)
}

// Errors through a store carry the "oauthkit: " prefix once, match the
// store's sentinels, and read as one sentence.
func TestSession_Store_errorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// wrap makes the session's store from the shared memory store.
		wrap      func(e *storeEnv) oauthkit.TokenStore
		wantIs    []error
		wantError string
	}{
		{
			"store down",
			func(e *storeEnv) oauthkit.TokenStore {
				cs := &countingStore{TokenStore: e.mem}
				cs.failSaves.Store(1 << 20)
				return cs
			},
			[]error{oauthkit.ErrStoreUnavailable, errDown},
			"oauthkit: token store unavailable: save: store down",
		},
		{
			"lease lost in the memory store",
			func(e *storeEnv) oauthkit.TokenStore {
				return &saveFailing{e.mem, func(ctx context.Context, prev, next *oauthkit.Token) error {
					return e.mem.Save(ctx, oauthkit.Lease{Fence: "gone", Deadline: time.Now().Add(time.Minute)}, prev, next)
				}}
			},
			[]error{oauthkit.ErrLeaseLost},
			"oauthkit: new token not saved to the token store: memory store: save: lease lost",
		},
		{
			"bare sentinel from a store of the user's",
			func(e *storeEnv) oauthkit.TokenStore {
				return &saveFailing{e.mem, func(context.Context, *oauthkit.Token, *oauthkit.Token) error {
					return fmt.Errorf("my store: %w", oauthkit.ErrTokenConflict)
				}}
			},
			[]error{oauthkit.ErrTokenConflict},
			"oauthkit: new token not saved to the token store: my store: stored token changed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			e.mem.LeaseTTL = 200 * time.Millisecond
			e.login(t, e.session(t, nil))
			e.store = tt.wrap(e)
			s := e.session(t, nil)
			_, err := s.Refresh(t.Context())
			if err == nil {
				t.Fatal("Refresh() error = nil")
			}
			if err.Error() != tt.wantError {
				t.Errorf("Refresh() error = %q, want %q", err, tt.wantError)
			}
			if n := strings.Count(err.Error(), "oauthkit: "); n != 1 {
				t.Errorf("error %q has the oauthkit prefix %d times, want once", err, n)
			}
			for _, want := range tt.wantIs {
				if !errors.Is(err, want) {
					t.Errorf("Refresh() error = %v, does not match %v", err, want)
				}
			}
		})
	}
}
