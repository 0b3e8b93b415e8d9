package storeerr_test

import (
	"errors"
	"fmt"
	"testing"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/storeerr"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestErrorfAndTrim(t *testing.T) {
	t.Parallel()
	plain := errors.New("dial tcp: connection refused")
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"sentinel", storeerr.Errorf("redis store: save: %w", oauthkit.ErrLeaseLost), "redis store: save: lease lost", oauthkit.ErrLeaseLost},
		{"sentinel with detail", storeerr.Errorf("memory store: %w until %s", oauthkit.ErrLeaseHeld, "noon"), "memory store: lease held by another holder until noon", oauthkit.ErrLeaseHeld},
		{"no sentinel", storeerr.Errorf("file store: %w", plain), "file store: dial tcp: connection refused", plain},
		{"trim a bare sentinel", storeerr.Trim(oauthkit.ErrTokenConflict), "stored token changed", oauthkit.ErrTokenConflict},
		{"trim keeps other prefixes", storeerr.Trim(fmt.Errorf("x: %w", oauthkit.ErrStoreUnavailable)), "x: oauthkit: token store unavailable", oauthkit.ErrStoreUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err.Error() != tt.want {
				t.Errorf("message = %q, want %q", tt.err, tt.want)
			}
			if !errors.Is(tt.err, tt.is) {
				t.Errorf("%v does not match %v", tt.err, tt.is)
			}
		})
	}
}
