package bench

import (
	"net/http"
	"net/http/httptest"
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
// request with tokenJSON after delay, and counts the requests.
type tokenServer struct {
	*httptest.Server
	delay    time.Duration
	requests atomic.Int64
}

// newTokenServer starts a token server closed when tb ends.
func newTokenServer(tb testing.TB, delay time.Duration) *tokenServer {
	tb.Helper()
	ts := &tokenServer{delay: delay}
	ts.Server = httptest.NewServer(http.HandlerFunc(ts.serveToken))
	tb.Cleanup(ts.Close)
	return ts
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
	w.Write(tokenJSON)
}
