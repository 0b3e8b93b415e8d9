// Package memory is an in-memory [oauthkit.TokenStore]: sessions of one
// process that share it renew their token once per expiry. It is also
// the reference for the store protocol, and a store for tests.
//
// For processes on one machine use store/file; across machines, store/redis.
package memory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/storeerr"
	"github.com/oauthkit/oauthkit/store/internal/sealed"
)

// DefaultLeaseTTL is the lease lifetime when Store.LeaseTTL is zero.
const DefaultLeaseTTL = 30 * time.Second

// Store is an in-memory token store. The zero value is an empty store
// ready to use.
//
// A Store is safe for concurrent use by multiple goroutines.
type Store struct {
	// LeaseTTL is how long a lease lasts unless released. Zero means
	// DefaultLeaseTTL. Set it before first use.
	LeaseTTL time.Duration
	// Now is the clock of lease deadlines. Nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex      // guards the fields below
	tok     *oauthkit.Token // the stored token, never handed out
	lease   oauthkit.Lease  // the current lease; zero when none
	changed chan struct{}   // closed and replaced on every change
}

var _ oauthkit.TokenStore = (*Store)(nil)

// New returns an empty store holding tok, if not nil.
func New(tok *oauthkit.Token) *Store {
	return &Store{tok: tok.Clone()}
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Load returns a copy of the stored token, or nil.
func (s *Store) Load(ctx context.Context) (*oauthkit.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory store: load: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok.Clone(), nil
}

// Acquire takes the lease unless another holder has it.
func (s *Store) Acquire(ctx context.Context) (oauthkit.Lease, error) {
	if err := ctx.Err(); err != nil {
		return oauthkit.Lease{}, fmt.Errorf("memory store: acquire: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.held(now) {
		return oauthkit.Lease{}, storeerr.Errorf("memory store: %w until %s", oauthkit.ErrLeaseHeld, s.lease.Deadline.Format(time.RFC3339Nano))
	}
	ttl := s.LeaseTTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	s.lease = oauthkit.Lease{Fence: sealed.NewFence(), Deadline: now.Add(ttl)}
	return s.lease, nil
}

// held reports whether a lease is current at now. Called with s.mu held.
func (s *Store) held(now time.Time) bool {
	return !s.lease.IsZero() && now.Before(s.lease.Deadline)
}

// Save stores a copy of next if l is the current lease and prev the
// stored token.
func (s *Store) Save(ctx context.Context, l oauthkit.Lease, prev, next *oauthkit.Token) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory store: save: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.held(s.now()) || s.lease.Fence != l.Fence {
		return storeerr.Errorf("memory store: save: %w", oauthkit.ErrLeaseLost)
	}
	if !sealed.Same(s.tok, prev) {
		return storeerr.Errorf("memory store: save: %w", oauthkit.ErrTokenConflict)
	}
	s.tok = next.Clone()
	s.wakeLocked()
	return nil
}

// Release ends l if it is the current lease.
func (s *Store) Release(ctx context.Context, l oauthkit.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lease.Fence == l.Fence {
		s.lease = oauthkit.Lease{}
		s.wakeLocked()
	}
	return nil
}

// wakeLocked wakes every waiter. Called with s.mu held.
func (s *Store) wakeLocked() {
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
}

// Wait returns when the stored token is not prev, when no lease is
// held, at the lease deadline, or when ctx ends.
func (s *Store) Wait(ctx context.Context, prev *oauthkit.Token) error {
	s.mu.Lock()
	now := s.now()
	if !sealed.Same(s.tok, prev) || !s.held(now) {
		s.mu.Unlock()
		return nil
	}
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	changed, left := s.changed, s.lease.Deadline.Sub(now)
	s.mu.Unlock()
	t := time.NewTimer(left)
	defer t.Stop()
	select {
	case <-changed:
		return nil
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("memory store: wait: %w", context.Cause(ctx))
	}
}
