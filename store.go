package oauthkit

import (
	"context"
	"errors"
	"time"
)

// TokenStore keeps one token that several sessions share, in one process
// or in many (replicas of a service, concurrent runs of a command-line
// tool), and coordinates its renewal so that exactly one of them talks to
// the token endpoint when the token is due. Set it in [Config.Store].
//
// The protocol, which the session follows and docs/token-stores.md
// draws:
//
//  1. A session whose token is due calls Load first: when another session
//     has stored a token that is not due, it uses that one. Otherwise it
//     calls Acquire. One caller gets the lease; the others get
//     [ErrLeaseHeld] and call Wait, then start again from Load.
//  2. The holder calls Load again (another holder may have renewed the
//     token meanwhile; then it uses that one and renews nothing), renews
//     the token from the stored one, and calls Save with the loaded token
//     as prev, before its lease deadline.
//  3. The holder calls Release, which wakes the waiters. A holder that
//     dies loses its lease at the deadline, and another takes over.
//
// Implementations: store/memory (one process), store/file (processes on
// one machine, with flock), store/redis (many machines).
//
// A TokenStore must be safe for concurrent use by multiple goroutines.
// Every method takes a context and must return when it ends.
type TokenStore interface {
	// Load returns the stored token, or nil and no error when none is
	// stored yet.
	Load(ctx context.Context) (*Token, error)

	// Acquire takes the refresh lease, or returns an error wrapping
	// [ErrLeaseHeld] when another holder has it. The lease ends at its
	// Deadline unless released before.
	Acquire(ctx context.Context) (Lease, error)

	// Save stores next, on two conditions checked atomically with the
	// write: l is still the current lease ([ErrLeaseLost] otherwise), and
	// the stored token is still prev, compared by access and refresh
	// token, nil meaning that none is stored ([ErrTokenConflict]
	// otherwise). A store may wake waiters after a Save; it must after a
	// Release.
	Save(ctx context.Context, l Lease, prev, next *Token) error

	// Release gives up the lease l and wakes the waiters. Releasing a
	// lease that has expired or was already released is not an error.
	Release(ctx context.Context, l Lease) error

	// Wait blocks until the stored token may differ from prev, or the
	// lease may be free (released, or past its deadline), or ctx ends.
	// It may return early; callers check again with Load and Acquire.
	// Stores that can notify must not poll.
	Wait(ctx context.Context, prev *Token) error
}

// Lease is the right to renew a stored token until Deadline, granted by
// [TokenStore.Acquire].
type Lease struct {
	// Fence identifies this lease: Save and Release check it, so that a
	// holder whose lease has expired cannot overwrite the token saved by
	// the holder that took over.
	Fence string
	// Deadline is when the lease ends unless released before. The
	// holder does not save after it.
	Deadline time.Time
}

// IsZero reports whether l is the zero Lease, which no store grants.
func (l Lease) IsZero() bool { return l.Fence == "" && l.Deadline.IsZero() }

// Errors of token stores and of sessions that use one, matchable with
// [errors.Is].
var (
	// ErrLeaseHeld means another holder has the refresh lease of a
	// [TokenStore].
	ErrLeaseHeld = errors.New("oauthkit: token store: lease held by another holder")
	// ErrLeaseLost means a lease is no longer the store's current lease:
	// it expired, and perhaps another holder took it.
	ErrLeaseLost = errors.New("oauthkit: token store: lease lost")
	// ErrTokenConflict means a [TokenStore.Save] found another token
	// stored than the one it was to replace.
	ErrTokenConflict = errors.New("oauthkit: token store: stored token changed")
	// ErrStoreUnavailable means a session needed its [TokenStore] to
	// renew a token, and the store failed or could not be reached. The
	// session renewed nothing (an uncoordinated refresh could burn a
	// rotating refresh token) and kept the token it had, which callers
	// go on using while it is valid. The message is "oauthkit: token
	// store unavailable: " and the operation, then the store's error.
	ErrStoreUnavailable = errors.New("oauthkit: token store unavailable")
)
