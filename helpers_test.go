package oauthkit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorded is one request seen by a fake endpoint.
type recorded struct {
	Method string
	URL    *url.URL
	Header http.Header
	Form   url.Values
}

// fakeServer is an inline endpoint that records requests and answers with
// the handler's reply.
type fakeServer struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []recorded
	count atomic.Int64
}

func newFake(t *testing.T, h http.HandlerFunc) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.count.Add(1)
		r.ParseForm()
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{Method: r.Method, URL: r.URL, Header: r.Header.Clone(), Form: r.PostForm})
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) last(t *testing.T) recorded {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		t.Fatal("no request received")
	}
	return f.reqs[len(f.reqs)-1]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// tokenJSON answers a fixed bearer token.
func tokenJSON(access, refresh string, expiresIn int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := map[string]any{"access_token": access, "token_type": "Bearer"}
		if refresh != "" {
			m["refresh_token"] = refresh
		}
		if expiresIn != 0 {
			m["expires_in"] = expiresIn
		}
		writeJSON(w, 200, m)
	}
}

func mustSession(t *testing.T, cfg Config) *Session {
	t.Helper()
	if cfg.ClientID == "" {
		cfg.ClientID = "client"
	}
	s, err := NewSession(cfg)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	return s
}

// clock is a settable clock for Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
