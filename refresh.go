package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A token's renewal goes through three steps, each in one place:
//
//   - plan (planFor, under s.mu): from the current token, decide whether
//     anything must happen and what: refresh, re-fetch with a grant, or
//     only report an unsaved token to OnTokenUpdate again;
//   - run (execute, in a goroutine detached from the caller): carry the
//     plan out, user code included, panics recovered;
//   - publish (publish, under s.mu): make the result the current token,
//     remember a failure for the cool-down, and wake the waiters.

// flight is one renewal in progress; waiters share its result.
type flight struct {
	plan *plan
	done chan struct{}
	st   *tokenState // the token published, nil when the renewal failed; set before done is closed
	err  error       // the renewal error or the OnTokenUpdate error
}

// renewal remembers how to fetch a new token when there is no refresh
// token (a client-credentials session): the grant and the parameters its
// options gave. A nil grant: nothing to remember.
type renewal struct {
	grant Grant
	p     tokenParams
}

// plan is what a flight does.
type plan struct {
	old   *tokenState // the current token the plan was made from; nil for a first token
	grant Grant       // nil: no token request, only report old's unsaved update again
	p     tokenParams
	// refreshToken is the refresh token sent, when grant is the refresh
	// grant; the new token keeps it when the answer carries none.
	refreshToken string
	// manual is an explicit Refresh: with Config.Store it renews even
	// when the stored token is not due.
	manual bool
	// storeErr, set by the run before the flight ends, says Config.Store
	// could not save the new token; Refresh reports it, requests go on.
	storeErr error
}

// tokenFor returns the token to authorize a request with, renewing it
// first when it is due: within the effective leeway of expiry (see
// [Config.Leeway]), or not yet reported to OnTokenUpdate.
//
// Single flight: one renewal runs at a time. While it runs, callers whose
// token is due but not expired go on with it; callers whose token has
// expired or is unsaved wait for it, each until its own ctx ends. A
// renewal that fails while the token is still valid does not fail the
// request: it goes out with that token, and a later request tries again.
func (s *Session) tokenFor(ctx context.Context) (*tokenState, error) {
	now := s.now()
	if st := s.cur.Load(); st.ready(now) {
		return st, nil
	}
	cur, f, started, err := s.join(ctx, nil, now)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		return cur.usable(now)
	case !started && cur.current(now):
		return cur, nil
	}
	st, err := f.wait(ctx)
	if err != nil && st == nil && ctx.Err() == nil && cur.current(s.now()) {
		// The renewal failed (publish logged it) but the token is still
		// valid: use it; the next due request tries again.
		return cur, nil
	}
	return st, err
}

// join starts a flight for the current token, or joins the one in
// flight. It reads the current token under s.mu and plans from it, never
// from a copy the caller read before: a renewal that completed in between
// has spent that copy's refresh token, and sending it again is a replay
// (RFC 9700 section 4.14.2). It returns the current token it planned from,
// and a nil flight when there is nothing to do. manual forces a refresh
// with the given parameters.
func (s *Session) join(ctx context.Context, manual *tokenParams, now time.Time) (*tokenState, *flight, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.cur.Load()
	if f := s.flight; f != nil {
		holdUntil(cur, nil)
		return cur, f, false, nil
	}
	pl, err := s.planFor(cur, manual, now)
	if pl == nil || err != nil {
		if err == nil && cur != nil && cur.due(now) && now.Before(s.retryAt) {
			// Cooling down after a failure: no need to ask again
			// under the lock until the cool-down ends.
			holdUntil(cur, &s.retryAt)
		}
		return cur, nil, false, err
	}
	f := &flight{plan: pl, done: make(chan struct{})}
	s.flight = f
	holdUntil(cur, nil)
	go s.run(ctx, f)
	return cur, f, true, nil
}

// planFor decides what to do with cur, the current token: nothing (a nil
// plan) while it is neither due nor unsaved; renew it when it is due and
// can be renewed; else report its unsaved update again. After a failure,
// a token that has not expired waits for the cool-down (s.retryAt) before
// the next attempt, and a use of an unsaved one fails with the last
// OnTokenUpdate error meanwhile. manual forces a refresh. Called with s.mu
// held.
func (s *Session) planFor(cur *tokenState, manual *tokenParams, now time.Time) (*plan, error) {
	if manual != nil {
		return s.refreshPlan(cur, manual)
	}
	if cur == nil {
		switch {
		case s.cfg.Store != nil:
			return &plan{grant: s.cfg.Grant}, nil // the token may be in the store
		case s.cfg.TokenURL == "" || s.cfg.Grant == nil:
			return nil, nil
		}
		return &plan{grant: s.cfg.Grant}, nil
	}
	coolingDown := now.Before(s.retryAt)
	if cur.due(now) && (!coolingDown || cur.expired(now)) {
		if pl := s.renewPlan(cur); pl != nil {
			return pl, nil
		}
	}
	if cur.unsaved != nil {
		if coolingDown {
			return nil, cur.unsaved.err
		}
		return &plan{old: cur}, nil
	}
	return nil, nil
}

// refreshPlan is an explicit refresh of cur with manual's parameters.
func (s *Session) refreshPlan(cur *tokenState, manual *tokenParams) (*plan, error) {
	rt := manual.refreshToken
	if rt == "" && cur != nil {
		rt = cur.tok.RefreshToken
	}
	switch {
	case rt == "" && cur == nil && s.cfg.Store != nil:
		return &plan{p: *manual, manual: true}, nil // refresh the stored token
	case rt == "":
		return nil, fmt.Errorf("oauthkit: refresh: %w", ErrNoRefreshToken)
	}
	return &plan{old: cur, grant: RefreshToken(rt), p: *manual, refreshToken: rt, manual: true}, nil
}

// renewPlan is the automatic renewal of cur: refresh when there is a
// refresh token, else re-fetch with the remembered client-credentials
// grant or Config.Grant; nil when cur cannot be renewed.
func (s *Session) renewPlan(cur *tokenState) *plan {
	switch {
	case s.cfg.TokenURL == "":
		return nil
	case cur.tok.RefreshToken != "":
		return &plan{old: cur, grant: RefreshToken(cur.tok.RefreshToken), refreshToken: cur.tok.RefreshToken}
	case s.renew.grant != nil:
		return &plan{old: cur, grant: s.renew.grant, p: s.renew.p}
	case s.cfg.Grant != nil:
		return &plan{old: cur, grant: s.cfg.Grant}
	}
	return nil
}

// wait waits for the flight or for ctx, whichever ends first.
func (f *flight) wait(ctx context.Context) (*tokenState, error) {
	select {
	case <-f.done:
		return f.st, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("oauthkit: waiting for token renewal: %w", context.Cause(ctx))
	}
}

// Refresh refreshes the token now with the refresh grant (RFC 6749 section
// 6), using the session's refresh token unless [WithRefreshToken] gives
// one, and the token endpoint unless [WithTokenURL] gives one. The new
// token becomes the session's token and is reported to OnTokenUpdate.
// When the answer has no refresh_token, the refresh token sent is kept;
// when it has no scope, the old scope is kept. If a renewal is already in
// flight, Refresh returns its result. A failed refresh keeps the old token
// and returns the error, also when automatic renewal went on with a
// still-valid token.
func (s *Session) Refresh(ctx context.Context, opts ...TokenOption) (*Token, error) {
	var p tokenParams
	for _, o := range opts {
		o.applyToken(&p)
	}
	for {
		_, f, started, err := s.join(ctx, &p, s.now())
		if err != nil {
			return nil, err
		}
		st, err := f.wait(ctx)
		if !started && f.plan.grant == nil && ctx.Err() == nil {
			continue // that flight only saved the token: refresh now
		}
		if st == nil {
			return nil, err
		}
		return st.tok.Clone(), errors.Join(err, f.plan.storeErr)
	}
}

// WithRefreshToken refreshes with rt instead of the session's refresh
// token.
func WithRefreshToken(rt string) TokenOption {
	return tokenFunc(func(p *tokenParams) { p.refreshToken = rt })
}

// Renewing reports whether a token renewal is in flight.
func (s *Session) Renewing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flight != nil
}
