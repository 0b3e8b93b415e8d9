package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthkit/oauthkit/internal/storeerr"
)

// The store protocol as the session runs it; [TokenStore] describes it
// and docs/token-stores.md draws it.

// releaseTimeout bounds the release of a lease, which runs even when the
// renewal's context has ended.
const releaseTimeout = 5 * time.Second

// pending is a token this session obtained but could not save to the
// store: it is saved under the next lease, before anything else, so that
// a rotated refresh token is not lost.
type pending struct {
	prev, tok *Token
}

// executeShared carries pl out through Config.Store: it takes the lease
// (or adopts the token another holder saves meanwhile), renews under it
// (renewLeased), releases it, and then reports the new token to
// OnTokenUpdate: the token is in the store by then, so waiters need not
// wait for the report, and the report gets the renewal's context, not
// one that ends at the lease deadline.
func (s *Session) executeShared(ctx context.Context, pl *plan) (*tokenState, error) {
	l, stored, err := s.lease(ctx, pl.manual)
	if err != nil {
		return nil, err
	}
	if l.IsZero() {
		return s.newState(stored, nil), nil // renewed by another holder
	}
	tok, next, err := s.renewLeased(ctx, l, stored, pl)
	s.release(ctx, l)
	switch {
	case err != nil:
		return nil, err
	case next == nil:
		return s.newState(tok, nil), nil // renewed by another holder
	}
	u := updateFor(tok, next)
	if err := s.save(ctx, u); err != nil {
		return s.newState(tok, &unsaved{update: u, err: err}), err
	}
	return s.newState(tok, nil), nil
}

// renewLeased renews stored, the token read under l, unless it is fresh
// (or pl is an explicit Refresh), and saves the new token; a token the
// store would not take is kept as pending. It returns the token and the
// plan carried out, or the fresh stored token and a nil plan. It stops at
// l's deadline: past it, another holder may have taken over.
func (s *Session) renewLeased(ctx context.Context, l Lease, stored *Token, pl *plan) (*Token, *plan, error) {
	ctx, cancel := context.WithDeadline(ctx, l.Deadline)
	defer cancel()
	stored = s.flushPending(ctx, l, stored)
	if !pl.manual && s.fresh(stored) {
		return stored, nil, nil
	}
	next, err := s.replan(stored, pl)
	if err != nil {
		return nil, nil, err
	}
	tok, err := s.renewToken(ctx, next)
	if err != nil {
		return nil, nil, err
	}
	if pl.storeErr = s.saveShared(ctx, l, stored, tok); pl.storeErr != nil {
		s.mu.Lock()
		s.pending = &pending{prev: stored, tok: tok}
		s.mu.Unlock()
		s.log.WarnContext(ctx, "oauthkit: new token not saved to the store; saving it under the next lease", "error", pl.storeErr)
	}
	return tok, next, nil
}

// fresh reports whether tok is a token that is not due.
func (s *Session) fresh(tok *Token) bool {
	return tok != nil && !s.newState(tok, nil).due(s.now())
}

// lease takes the store's lease and returns it with the token stored
// under it. While another holder has the lease it waits, and returns a
// zero lease with the holder's token once that one is saved. manual
// (an explicit Refresh) wants the lease even when the stored token is
// valid.
func (s *Session) lease(ctx context.Context, manual bool) (Lease, *Token, error) {
	st := s.cfg.Store
	for {
		cur, err := st.Load(ctx)
		if err != nil {
			return Lease{}, nil, storeError("load", err)
		}
		if !manual && s.fresh(cur) {
			return Lease{}, cur, nil
		}
		l, err := st.Acquire(ctx)
		if err == nil {
			if cur, err = st.Load(ctx); err != nil {
				s.release(ctx, l)
				return Lease{}, nil, storeError("load", err)
			}
			return l, cur, nil
		}
		if !errors.Is(err, ErrLeaseHeld) {
			return Lease{}, nil, storeError("acquire", err)
		}
		s.log.DebugContext(ctx, "oauthkit: token store lease held; waiting for the holder's token")
		if err := st.Wait(ctx, cur); err != nil {
			return Lease{}, nil, storeError("wait", err)
		}
	}
}

// release gives the lease back, even after ctx has ended.
func (s *Session) release(ctx context.Context, l Lease) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if err := s.cfg.Store.Release(ctx, l); err != nil {
		s.log.WarnContext(ctx, "oauthkit: token store release failed; the lease ends at its deadline", "error", err)
	}
}

// flushPending saves a token an earlier renewal could not save, if the
// store still holds the token it replaced, and returns the stored token.
func (s *Session) flushPending(ctx context.Context, l Lease, stored *Token) *Token {
	s.mu.Lock()
	p := s.pending
	s.pending = nil
	s.mu.Unlock()
	if p == nil || !sameToken(p.prev, stored) {
		return stored
	}
	if err := s.saveShared(ctx, l, stored, p.tok); err != nil {
		s.mu.Lock()
		s.pending = p
		s.mu.Unlock()
		s.log.WarnContext(ctx, "oauthkit: saving the unsaved token failed again", "error", err)
		return stored
	}
	return p.tok
}

// replan plans the renewal from stored, the token read under the lease,
// which may be newer than the one pl was planned from (its refresh token
// then was spent by another holder); an empty store is seeded from the
// session's own token.
func (s *Session) replan(stored *Token, pl *plan) (*plan, error) {
	basis := pl.old
	if stored != nil {
		basis = s.newState(stored, nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case pl.manual && pl.p.refreshToken != "":
		return pl, nil // the caller's own refresh token
	case pl.manual && basis == nil:
		return nil, fmt.Errorf("oauthkit: refresh: %w", ErrNoRefreshToken)
	case pl.manual:
		return s.refreshPlan(basis, &pl.p)
	case basis == nil && (s.cfg.Grant == nil || s.cfg.TokenURL == ""):
		return nil, ErrNoToken
	case basis == nil:
		return &plan{grant: s.cfg.Grant}, nil
	}
	if next := s.renewPlan(basis); next != nil {
		return next, nil
	}
	return nil, fmt.Errorf("%w: the stored token cannot be renewed", ErrTokenExpired)
}

// saveShared saves tok under l in place of prev. While the store fails
// it retries until the lease deadline (ctx's): a waiter that took over
// with the old token would present a refresh token already spent. A lost
// lease or a conflict is final.
func (s *Session) saveShared(ctx context.Context, l Lease, prev, tok *Token) error {
	var err error
	for i := 1; ; i++ {
		err = s.cfg.Store.Save(ctx, l, prev, tok)
		if err == nil || errors.Is(err, ErrLeaseLost) || errors.Is(err, ErrTokenConflict) || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(backoff(20*time.Millisecond, time.Second, min(i, 8), 0))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrLeaseLost), errors.Is(err, ErrTokenConflict):
		return fmt.Errorf("oauthkit: new token not saved to the token store: %w", storeerr.Trim(err))
	}
	return storeError("save", err)
}

// seedShared saves a token the session fetched by itself (a login, a
// FetchToken) to the store, under the lease, over whatever it holds.
func (s *Session) seedShared(ctx context.Context, tok *Token) error {
	st := s.cfg.Store
	for {
		l, err := st.Acquire(ctx)
		if errors.Is(err, ErrLeaseHeld) {
			cur, err := st.Load(ctx)
			if err != nil {
				return storeError("load", err)
			}
			if err := st.Wait(ctx, cur); err != nil {
				return storeError("wait", err)
			}
			continue
		}
		if err != nil {
			return storeError("acquire", err)
		}
		defer s.release(ctx, l)
		prev, err := st.Load(ctx)
		if err != nil {
			return storeError("load", err)
		}
		return s.saveShared(ctx, l, prev, tok)
	}
}

// storeError reports a failed store operation as ErrStoreUnavailable,
// with one "oauthkit: " prefix: the store's own message says which store
// and what failed.
func storeError(op string, err error) error {
	return withSentinel(fmt.Errorf("oauthkit: token store unavailable: %s: %w", op, storeerr.Trim(err)), ErrStoreUnavailable)
}

// sameToken reports whether a and b are the same token for the store's
// compare-and-swap: the same access and refresh tokens.
func sameToken(a, b *Token) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.AccessToken == b.AccessToken && a.RefreshToken == b.RefreshToken
}
