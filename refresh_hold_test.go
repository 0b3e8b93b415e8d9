package oauthkit

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// withSessionLocked runs fn while s.mu is held by the test, and fails the
// test if fn does not return: fn must not need the lock.
func withSessionLocked(t *testing.T, s *Session, fn func()) {
	t.Helper()
	done := make(chan struct{})
	s.mu.Lock()
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
		s.mu.Unlock()
	case <-time.After(5 * time.Second):
		s.mu.Unlock()
		<-done
		t.Error("the call waited for the session lock")
	}
}

// holdCase is one state of a due session in which callers go on with the
// current token.
type holdCase struct {
	name string
	// setup brings s into the state; it returns a func that ends it.
	setup func(t *testing.T, s *Session, rs *refreshServer, clk *clock) (end func())
}

var holdCases = []holdCase{
	{"fresh token", func(t *testing.T, s *Session, _ *refreshServer, clk *clock) func() {
		s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(time.Hour)})
		return func() {}
	}},
	{"due, renewal in flight", func(t *testing.T, s *Session, rs *refreshServer, clk *clock) func() {
		s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(30 * time.Second)})
		started := make(chan *tokenState, 1)
		go func() {
			st, _ := s.tokenFor(t.Context())
			started <- st
		}()
		for rs.refreshes.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		return func() {
			close(rs.gate)
			if st := <-started; st.token().AccessToken != "new" {
				t.Errorf("renewing caller got %v; want the new token", st.token())
			}
		}
	}},
	{"due, cooling down after a failure", func(t *testing.T, s *Session, rs *refreshServer, clk *clock) func() {
		close(rs.gate)
		rs.fail = func(int64) (int, string) { return 400, `{"error":"invalid_grant"}` }
		s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(30 * time.Second)})
		// The first call fails to renew and goes on; the second learns
		// of the cool-down under the lock.
		for range 2 {
			if st, err := s.tokenFor(t.Context()); err != nil || st.token().AccessToken != "old" {
				t.Fatalf("tokenFor() = %v, %v; want the old token", st.token(), err)
			}
		}
		return func() {
			if n := rs.refreshes.Load(); n != 1 {
				t.Errorf("refreshes during the cool-down = %d; want 1", n)
			}
		}
	}},
}

// TestSession_tokenFor_lockFree checks that a caller with a fresh token,
// or with a due one whose renewal is in flight or cooling down, gets the
// token without the session lock and without allocating.
func TestSession_tokenFor_lockFree(t *testing.T) {
	// Not parallel: AllocsPerRun counts every goroutine's allocations.
	for _, tc := range holdCases {
		t.Run(tc.name, func(t *testing.T) {
			rs := newRefreshServer(t)
			rs.gate = make(chan struct{})
			clk := newClock()
			s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now})
			end := tc.setup(t, s, rs, clk)
			withSessionLocked(t, s, func() {
				st, err := s.tokenFor(t.Context())
				if err != nil || st.token().AccessToken != "old" {
					t.Errorf("tokenFor() = %v, %v; want the old token", st.token(), err)
				}
			})
			ctx := t.Context()
			if n := testing.AllocsPerRun(100, func() { s.tokenFor(ctx) }); n != 0 {
				t.Errorf("tokenFor allocates %v times; want 0", n)
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, rs.URL+"/api", nil)
			withSessionLocked(t, s, func() {
				authz := ""
				base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
					authz = r.Header.Get("Authorization")
					return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
				})
				if _, err := (&Transport{Session: s, Base: base}).RoundTrip(req); err != nil || authz != "Bearer old" {
					t.Errorf("RoundTrip sent %q, %v; want Bearer old", authz, err)
				}
			})
			end()
		})
	}
}

// TestSession_holdEnds checks that the lock-free path ends with what
// started it: callers see the renewed token once a flight is published,
// and a due token is renewed again once the cool-down has passed.
func TestSession_holdEnds(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	rs.gate = make(chan struct{})
	var failing atomic.Bool
	failing.Store(true)
	rs.fail = func(int64) (int, string) {
		if failing.Load() {
			return 400, `{"error":"invalid_grant"}`
		}
		return 0, ""
	}
	clk := newClock()
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now})
	s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(30 * time.Second)})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.tokenFor(t.Context()) // starts the renewal, which fails
	}()
	for rs.refreshes.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if st, _ := s.tokenFor(t.Context()); st.token().AccessToken != "old" {
		t.Fatalf("caller during the renewal got %v; want the old token", st.token())
	}
	close(rs.gate)
	<-done
	// Cooling down: no new attempt.
	for range 3 {
		if st, _ := s.tokenFor(t.Context()); st.token().AccessToken != "old" {
			t.Fatalf("caller in the cool-down got %v; want the old token", st.token())
		}
	}
	if n := rs.refreshes.Load(); n != 1 {
		t.Fatalf("refreshes in the cool-down = %d; want 1", n)
	}
	// Past the cool-down (at most 5 s by default), a due caller renews.
	failing.Store(false)
	clk.Add(6 * time.Second)
	st, err := s.tokenFor(t.Context())
	if err != nil || st.token().AccessToken != "new" {
		t.Errorf("caller after the cool-down got %v, %v; want the new token", st.token(), err)
	}
	if n := rs.refreshes.Load(); n != 2 {
		t.Errorf("refreshes = %d; want 2", n)
	}
}

// TestSession_ValidToken_held checks ValidToken's lock-free path in each
// hold state: it serves the current token without the session lock, and
// only a due token whose renewal is in flight counts as held (the state
// in which ValidToken yields the processor now and then); a fresh token
// and a cool-down shorter than the token's life do not.
func TestSession_ValidToken_held(t *testing.T) {
	t.Parallel()
	want := map[string]bool{"fresh token": false, "due, renewal in flight": true, "due, cooling down after a failure": false}
	for _, tc := range holdCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs := newRefreshServer(t)
			rs.gate = make(chan struct{})
			clk := newClock()
			s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now})
			end := tc.setup(t, s, rs, clk)
			if got := s.cur.Load().held(); got != want[tc.name] {
				t.Errorf("held() = %v; want %v", got, want[tc.name])
			}
			withSessionLocked(t, s, func() {
				for range 1000 { // the fake clock stands still: every held call yields
					if tok, err := s.ValidToken(t.Context()); err != nil || tok.AccessToken != "old" {
						t.Errorf("ValidToken() = %v, %v; want the old token", tok, err)
						return
					}
				}
			})
			end()
			if s.cur.Load().held() {
				t.Error("held() after the renewal ended; want false")
			}
		})
	}
}
