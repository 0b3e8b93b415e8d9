package oauthkit

import (
	"context"
	"runtime"
	"time"
)

// ValidToken returns the session's current token, renewed first when it
// is due (the same single-flight renewal as protected requests). Without
// a token and without [Config.Grant] it returns [ErrNoToken].
func (s *Session) ValidToken(ctx context.Context) (*Token, error) {
	now := s.now()
	if st := s.cur.Load(); st.ready(now) { // tokenFor's lock-free path
		if st.held() {
			yieldSometimes(now)
		}
		return st.tok.Clone(), nil
	}
	st, err := s.tokenFor(ctx)
	if err != nil {
		return nil, err
	}
	return st.tok.Clone(), nil
}

// yieldSometimes yields the processor on about one call in 64. ValidToken
// calls it when it returns a due token whose renewal is in flight: those
// callers never block, and callers asking for the token in a tight loop
// would keep every processor until preemption (10 ms) and starve the
// renewal's own goroutines (the refresher, the connection's reader,
// timers). Yielding once in a while lets those run, for about 2 ns per
// call amortised. The draw is the top bits of a multiplicative hash of
// the clock reading the caller made anyway (spread even when the clock
// is coarse; a clock that stands still, such as a fake Config.Now,
// yields on every call or on none), not a random number: a draw from
// math/rand/v2 costs about 9 ns here, more than the yields it decides. The transport does not yield: its caller goes on to send
// the request, which blocks, and a yield would only delay that request.
func yieldSometimes(now time.Time) {
	if uint32(now.Nanosecond())*0x9e3779b9>>26 == 0 {
		runtime.Gosched()
	}
}
