package oauthkit

import (
	"context"
	"fmt"
	"time"
)

// renewTimeout bounds one renewal, retries included, independent of the
// context of the caller that started it.
const renewTimeout = 60 * time.Second

// flight is one renewal in progress; waiters share its result.
type flight struct {
	done chan struct{}
	st   *tokenState // the new token, set before done is closed
	err  error       // the renewal error or the OnTokenUpdate error
}

// renewal remembers how to fetch a new token when there is no refresh
// token (a client-credentials session).
type renewal struct {
	grant Grant
	opts  []TokenOption
}

// plan says how to renew old; nil when it cannot be renewed.
type plan struct {
	grant   Grant
	p       tokenParams
	refresh bool
}

// tokenFor returns the token to authorize a request with, renewing it
// first when it is within Leeway of expiry.
//
// Single flight: one renewal runs at a time. While it runs, callers whose
// token is due but not expired go on with it; callers whose token has
// expired wait for the renewal, each until its own ctx ends.
func (s *Session) tokenFor(ctx context.Context) (*tokenState, error) {
	now := s.now()
	if st := s.cur.Load(); st != nil && !st.tok.Expired(now, s.leeway) {
		return st, nil
	}
	cur, f, started, err := s.join(ctx, nil, now)
	switch {
	case err != nil:
		return nil, err
	case f == nil && cur == nil:
		return nil, ErrNoToken
	case f == nil:
		if cur.tok.Expired(now, 0) {
			return nil, fmt.Errorf("%w: expired at %s and cannot be renewed", ErrTokenExpired, cur.tok.ExpiresAt.UTC().Format(time.RFC3339))
		}
		return cur, nil
	case !started && cur != nil && !cur.tok.Expired(now, 0):
		return cur, nil
	}
	return f.wait(ctx)
}

// join starts a renewal of the current token, or joins the one in flight.
// It reads the current token under s.mu and plans from it, never from a
// copy the caller read before: a renewal that completed in between has
// spent that copy's refresh token, and sending it again is a replay
// (RFC 9700 section 4.14.2). It returns the current token it planned
// from, and a nil flight when there is nothing to do. manual forces a
// refresh with the given parameters.
func (s *Session) join(ctx context.Context, manual *tokenParams, now time.Time) (*tokenState, *flight, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.cur.Load()
	if f := s.flight; f != nil {
		return cur, f, false, nil
	}
	pl, err := s.planFor(cur, manual, now)
	if pl == nil || err != nil {
		return cur, nil, false, err
	}
	f := &flight{done: make(chan struct{})}
	s.flight = f
	go s.run(ctx, f, cur.token(), pl)
	return cur, f, true, nil
}

// planFor decides what to do with cur, the current token: nothing (a nil
// plan) while it is not due, else refresh it when there is a refresh
// token, else re-fetch with the client-credentials grant or Config.Grant.
// manual forces a refresh. Called with s.mu held.
func (s *Session) planFor(cur *tokenState, manual *tokenParams, now time.Time) (*plan, error) {
	old := cur.token()
	if manual != nil {
		rt := manual.refreshToken
		if rt == "" && old != nil {
			rt = old.RefreshToken
		}
		if rt == "" {
			return nil, fmt.Errorf("oauthkit: refresh: %w", ErrNoRefreshToken)
		}
		return &plan{grant: RefreshToken(rt), p: *manual, refresh: true}, nil
	}
	if old != nil && !old.Expired(now, s.leeway) {
		return nil, nil // renewed meanwhile
	}
	if s.cfg.TokenURL == "" {
		return nil, nil
	}
	if old == nil {
		if s.cfg.Grant == nil {
			return nil, nil
		}
		return &plan{grant: s.cfg.Grant}, nil
	}
	if old.RefreshToken != "" {
		return &plan{grant: RefreshToken(old.RefreshToken), refresh: true}, nil
	}
	if s.renew != nil {
		pl := &plan{grant: s.renew.grant}
		for _, o := range s.renew.opts {
			o.applyToken(&pl.p)
		}
		return pl, nil
	}
	if s.cfg.Grant != nil {
		return &plan{grant: s.cfg.Grant}, nil
	}
	return nil, nil
}

// run performs the renewal under its own timeout, detached from the
// starting caller's cancellation, then publishes the result.
func (s *Session) run(ctx context.Context, f *flight, old *Token, pl *plan) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renewTimeout)
	defer cancel()
	tok, err := s.retry(ctx, func() (*Token, error) {
		t, _, err := s.requestToken(ctx, pl.grant, &pl.p, oldIfRefresh(old, pl.refresh))
		return t, err
	})
	if err == nil {
		s.store(tok)
		f.st = s.cur.Load()
		err = s.notify(ctx, tok, old, pl.refresh)
	} else {
		s.log.WarnContext(ctx, "oauthkit: token renewal failed", "error", err)
	}
	f.err = err
	s.mu.Lock()
	s.flight = nil
	s.mu.Unlock()
	close(f.done)
}

func oldIfRefresh(old *Token, refresh bool) *Token {
	if refresh {
		return old
	}
	return nil
}

// notify calls OnTokenUpdate once for a new token.
func (s *Session) notify(ctx context.Context, tok, old *Token, refresh bool) error {
	if s.cfg.OnTokenUpdate == nil {
		return nil
	}
	u := TokenUpdate{Token: tok.Clone()}
	if old != nil && refresh {
		u.OldRefreshToken = old.RefreshToken
	} else if old != nil && old.AccessToken != "" {
		u.OldAccessToken = old.AccessToken
	}
	if err := s.cfg.OnTokenUpdate(ctx, u); err != nil {
		s.log.WarnContext(ctx, "oauthkit: token update callback failed", "error", err)
		return fmt.Errorf("oauthkit: token update callback: %w", err)
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
// token becomes the session's token and is reported to OnTokenUpdate. When
// the answer has no refresh_token or scope, the old ones are kept. If a
// renewal is already in flight, Refresh returns its result. A failed
// refresh keeps the old token.
func (s *Session) Refresh(ctx context.Context, opts ...TokenOption) (*Token, error) {
	var p tokenParams
	for _, o := range opts {
		o.applyToken(&p)
	}
	_, f, _, err := s.join(ctx, &p, s.now())
	if err != nil {
		return nil, err
	}
	nst, err := f.wait(ctx)
	if nst == nil {
		return nil, err
	}
	return nst.tok.Clone(), err
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
