package bench

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// patience bounds the wait for a state that a correct client reaches at
// once: only a broken client, or a machine stalled this long, misses it.
// Tests wait for states, never for durations, so that load cannot fail
// them.
const patience = time.Minute

// waitFor polls until cond holds, and fails tb when failed reports an
// error first or when patience has passed. failed may be nil.
func waitFor(tb testing.TB, what string, cond func() bool, failed func() error) {
	tb.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if failed != nil {
			if err := failed(); err != nil {
				tb.Fatalf("waiting for %s: %v", what, err)
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waiting for %s: not reached in %v", what, patience)
		}
		time.Sleep(time.Millisecond)
	}
}

// hasArrived reports whether a valid token request has arrived: at a
// gated server, it is held until release.
func (ts *tokenServer) hasArrived() bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.arrivals) > 0
}

// ioLoad is TestIOStorm's load: ioStormCallers goroutines send requests
// through an authorizing transport in a loop until halted, counting what
// they got through.
type ioLoad struct {
	gate     *tokenServer // released when halted, so that no caller stays held
	stop     chan struct{}
	wg       sync.WaitGroup
	halted   sync.Once
	answered [ioStormCallers]atomic.Int64 // per caller, the requests answered
	waiting  atomic.Int64                 // callers in the transport that have not reached its base
	err      atomic.Pointer[error]        // the first failed request's error
}

// sentTransport is the base of an ioLoad's authorizing transport: a
// request that reaches it no longer waits for the token.
type sentTransport struct {
	l    *ioLoad
	base http.RoundTripper
}

func (t *sentTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.l.waiting.Add(-1)
	return t.base.RoundTrip(r)
}

// run starts the callers, each sending GET requests for url through rt.
func (l *ioLoad) run(rt http.RoundTripper, url string) {
	for i := range ioStormCallers {
		l.wg.Go(func() {
			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url+"/v1/items", nil)
			for err == nil {
				select {
				case <-l.stop:
					return
				default:
				}
				l.waiting.Add(1)
				var resp *http.Response
				if resp, err = rt.RoundTrip(req); err == nil {
					if _, err = drain(resp); err == nil {
						l.answered[i].Add(1)
					}
				}
			}
			l.err.CompareAndSwap(nil, &err)
		})
	}
}

// halt stops the callers and waits for them.
func (l *ioLoad) halt() {
	l.halted.Do(func() {
		close(l.stop)
		l.gate.release()
		l.wg.Wait()
	})
}

// failed returns the first error a caller got, nil when none has.
func (l *ioLoad) failed() error {
	if err := l.err.Load(); err != nil {
		return *err
	}
	return nil
}

// snapshot returns how many requests each caller has had answered.
func (l *ioLoad) snapshot() []int64 {
	s := make([]int64, ioStormCallers)
	for i := range s {
		s[i] = l.answered[i].Load()
	}
	return s
}

// progressed counts the callers that have had at least n requests
// answered since the snapshot since.
func (l *ioLoad) progressed(since []int64, n int64) int {
	k := 0
	for i, s := range since {
		if l.answered[i].Load()-s >= n {
			k++
		}
	}
	return k
}
