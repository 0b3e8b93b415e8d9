package bench

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Client credentials the token server accepts.
const (
	clientID     = "bench-client"
	clientSecret = "bench-secret"
)

// tokenJSON is the token server's fixed answer.
var tokenJSON = []byte(`{"access_token":"` + accessToken + `","token_type":"Bearer","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","scope":"read"}`)

// tokenServer is a loopback token endpoint that answers every valid
// request with tokenJSON after delay, and counts the requests. A gated
// server holds every request until release.
type tokenServer struct {
	*httptest.Server
	delay    time.Duration
	gate     chan struct{} // nil: not gated
	arrived  chan struct{} // of a gated server: a request is held
	requests atomic.Int64

	mu       sync.Mutex  // guards arrivals and answers
	arrivals []time.Time // when each valid request arrived
	answers  []time.Time // when each was answered
}

// newTokenServer starts a token server closed when tb ends.
func newTokenServer(tb testing.TB, delay time.Duration) *tokenServer {
	tb.Helper()
	return startTokenServer(tb, &tokenServer{delay: delay})
}

// newGatedTokenServer starts a token server that holds every request
// until release is called or tb ends: a renewal stays in flight for as
// long as a benchmark needs.
func newGatedTokenServer(tb testing.TB) *tokenServer {
	tb.Helper()
	return startTokenServer(tb, &tokenServer{gate: make(chan struct{}), arrived: make(chan struct{}, 1)})
}

func startTokenServer(tb testing.TB, ts *tokenServer) *tokenServer {
	ts.Server = httptest.NewServer(http.HandlerFunc(ts.serveToken))
	tb.Cleanup(ts.Close)
	if ts.gate != nil {
		tb.Cleanup(ts.release) // before Close, which waits for the handlers
	}
	return ts
}

// release lets the held requests of a gated server, and all later ones,
// through.
func (ts *tokenServer) release() {
	select {
	case <-ts.gate:
	default:
		close(ts.gate)
	}
}

// tokenURL is the token endpoint's URL.
func (ts *tokenServer) tokenURL() string { return ts.URL + "/token" }

// serveToken checks the client and the grant, so that a client sending a
// wrong request fails the benchmark instead of being timed.
func (ts *tokenServer) serveToken(w http.ResponseWriter, r *http.Request) {
	ts.requests.Add(1)
	id, secret, ok := r.BasicAuth()
	if r.Method != http.MethodPost || !ok || id != clientID || secret != clientSecret {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	switch gt := r.PostFormValue("grant_type"); {
	case gt == "client_credentials":
	case gt == "refresh_token" && r.PostFormValue("refresh_token") != "":
	default:
		http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
		return
	}
	ts.mu.Lock()
	ts.arrivals = append(ts.arrivals, time.Now())
	ts.mu.Unlock()
	if ts.gate != nil {
		select {
		case ts.arrived <- struct{}{}:
		default:
		}
		select {
		case <-ts.gate:
		case <-r.Context().Done():
			return
		}
	}
	if ts.delay > 0 {
		t := time.NewTimer(ts.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	ts.mu.Lock()
	ts.answers = append(ts.answers, time.Now())
	ts.mu.Unlock()
	w.Write(tokenJSON)
}
