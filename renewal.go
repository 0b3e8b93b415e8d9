package oauthkit

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"
)

// renewTimeout bounds one flight, retries and OnTokenUpdate included,
// independent of the context of the caller that started it.
const renewTimeout = 60 * time.Second

// run carries out f's plan under its own timeout, detached from the
// starting caller's cancellation, then publishes the result.
func (s *Session) run(ctx context.Context, f *flight) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renewTimeout)
	defer cancel()
	st, err := s.execute(ctx, f.plan)
	s.publish(ctx, f, st, err)
}

// execute obtains a new token (unless pl only saves) and reports it to
// OnTokenUpdate. It returns the token to publish, nil when none was
// obtained; a token whose report failed is published as unsaved, with
// the error, so that it is reported again before its next use.
func (s *Session) execute(ctx context.Context, pl *plan) (*tokenState, error) {
	if s.cfg.Store != nil && (pl.grant != nil || pl.old == nil) {
		return s.executeShared(ctx, pl)
	}
	var tok *Token
	var u TokenUpdate
	if pl.grant == nil {
		tok, u = pl.old.tok, pl.old.unsaved.update
	} else {
		var err error
		if tok, err = s.renewToken(ctx, pl); err != nil {
			return nil, err
		}
		u = updateFor(tok, pl)
	}
	if err := s.save(ctx, u); err != nil {
		return s.newState(tok, &unsaved{update: u, err: err}), err
	}
	return s.newState(tok, nil), nil
}

// renewToken requests the plan's token with the retry policy. A panic in
// user code it runs (hooks, the grant, client authentication, the ID
// token validator, the HTTP transport) is returned as a *PanicError.
func (s *Session) renewToken(ctx context.Context, pl *plan) (tok *Token, err error) {
	defer recoverPanic(&err)
	var keep *Token
	if pl.refreshToken != "" {
		keep = pl.old.token().Clone()
		if keep == nil {
			keep = &Token{}
		}
		keep.RefreshToken = pl.refreshToken
	}
	return s.retry(ctx, func() (*Token, error) {
		t, _, err := s.requestToken(ctx, pl.grant, &pl.p, keep)
		return t, err
	})
}

// updateFor describes tok for OnTokenUpdate. A token that replaces an
// unsaved one reports what the unsaved one replaced: that is what the
// storage still holds.
func updateFor(tok *Token, pl *plan) TokenUpdate {
	u := TokenUpdate{Token: tok}
	old := pl.old
	switch {
	case old != nil && old.unsaved != nil && (pl.refreshToken == "" || pl.refreshToken == old.tok.RefreshToken):
		u.OldRefreshToken, u.OldAccessToken = old.unsaved.update.OldRefreshToken, old.unsaved.update.OldAccessToken
	case pl.refreshToken != "":
		u.OldRefreshToken = pl.refreshToken
	case old != nil:
		u.OldAccessToken = old.tok.AccessToken
	}
	return u
}

// save reports u to OnTokenUpdate, a panic there included.
func (s *Session) save(ctx context.Context, u TokenUpdate) (err error) {
	if s.cfg.OnTokenUpdate == nil {
		return nil
	}
	defer recoverPanic(&err)
	u.Token = u.Token.Clone()
	if err := s.cfg.OnTokenUpdate(ctx, u); err != nil {
		return fmt.Errorf("oauthkit: token update callback: %w", err)
	}
	return nil
}

// publish makes st (when not nil) the current token, records the outcome
// for the cool-down, ends the flight and wakes its waiters. A new token
// always becomes current, so that a rotated refresh token is never lost.
func (s *Session) publish(ctx context.Context, f *flight, st *tokenState, err error) {
	switch {
	case err == nil:
	case st == nil:
		s.log.WarnContext(ctx, "oauthkit: token renewal failed", "error", err)
	default:
		s.log.WarnContext(ctx, "oauthkit: token update callback failed; the token is reported again before its next use", "error", err)
	}
	s.mu.Lock()
	// The flight ends: the states that callers went on with while it ran
	// are asked about again, under the lock.
	endHold(f.plan.old)
	endHold(s.cur.Load())
	switch {
	case st == nil:
	case f.plan.grant == nil && !s.cur.CompareAndSwap(f.plan.old, st):
		// Only a report, and a token was set or revoked meanwhile: that
		// one stays, and the report no longer matters.
		st, err = s.cur.Load(), nil
		if st == nil {
			err = ErrNoToken
		}
	case f.plan.grant != nil:
		s.cur.Store(st)
	}
	if err != nil {
		s.failures++
		base, maxDelay := s.retryDelays()
		s.retryAt = s.now().Add(backoff(base, maxDelay, s.failures, 0))
	} else {
		s.failures, s.retryAt = 0, time.Time{}
	}
	s.flight = nil
	f.st, f.err = st, err
	s.mu.Unlock()
	close(f.done)
}

// PanicError is a panic in code the session runs on a renewal of its
// own, in a goroutine no caller's recover reaches: OnTokenUpdate, hooks,
// a Grant, a ClientAuth, an IDTokenValidator or the HTTP transport. The
// session recovers it, returns it to every caller waiting for that
// renewal, and stays usable. Match it with [errors.As].
type PanicError struct {
	// Value is the value the code panicked with.
	Value any
	// Stack is the stack of the goroutine at the panic, for debugging.
	Stack []byte
}

// Error names the panic value on one line; %+v adds the stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("oauthkit: panic during token renewal: %v", e.Value)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Format prints Error, and with %+v the stack after it.
func (e *PanicError) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, e.Error())
	if verb == 'v' && f.Flag('+') {
		fmt.Fprintf(f, "\n%s", e.Stack)
	}
}

// recoverPanic, deferred, turns a panic into a *PanicError in *err.
func recoverPanic(err *error) {
	if v := recover(); v != nil {
		*err = &PanicError{Value: v, Stack: debug.Stack()}
	}
}
