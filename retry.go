package oauthkit

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retry runs fn up to the policy's attempts while it fails transiently: a
// network error, a 5xx or a 429. It honours Retry-After and ctx.
func (s *Session) retry(ctx context.Context, fn func() (*Token, error)) (*Token, error) {
	pol := s.cfg.Retry
	attempts := pol.MaxAttempts
	if attempts == 0 {
		attempts = 3
	}
	if pol.Disabled {
		attempts = 1
	}
	base, maxDelay := s.retryDelays()
	for i := 1; ; i++ {
		tok, err := fn()
		if err == nil || i >= attempts || !transient(ctx, err) {
			return tok, err
		}
		d := backoff(base, maxDelay, i, retryAfterOf(err))
		s.log.DebugContext(ctx, "oauthkit: retrying token request", "attempt", i+1, "delay", d, "error", err)
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, errors.Join(err, context.Cause(ctx))
		}
	}
}

// retryDelays returns the policy's first backoff and its cap.
func (s *Session) retryDelays() (base, maxDelay time.Duration) {
	return cmpDur(s.cfg.Retry.BaseDelay, 200*time.Millisecond), cmpDur(s.cfg.Retry.MaxDelay, 5*time.Second)
}

func cmpDur(a, b time.Duration) time.Duration {
	if a > 0 {
		return a
	}
	return b
}

// backoff is full jitter over an exponential base, or Retry-After when the
// server gave one; both capped.
func backoff(base, maxDelay time.Duration, attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, maxDelay)
	}
	d := base << (attempt - 1)
	if d <= 0 || d > maxDelay {
		d = maxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// transient reports whether err may go away on retry.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if _, ok := errors.AsType[*transportError](err); ok {
		return true
	}
	status := 0
	if e, ok := errors.AsType[*Error](err); ok {
		status = e.StatusCode
	} else if e, ok := errors.AsType[*ResponseError](err); ok {
		status = e.StatusCode
	}
	return status >= 500 || status == http.StatusTooManyRequests
}

func retryAfterOf(err error) time.Duration {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.retryAfter
	}
	if e, ok := errors.AsType[*ResponseError](err); ok {
		return e.retryAfter
	}
	return 0
}

// maxRetryAfter caps a Retry-After value, so that an absurd one neither
// overflows a time.Duration into the past nor means "wait for centuries".
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads a Retry-After header (RFC 9110 section 10.2.3):
// seconds or an HTTP date, capped at maxRetryAfter. Anything else is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || n > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}
