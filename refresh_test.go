package oauthkit

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// refreshServer answers refresh requests with numbered tokens, and
// protected requests with 200.
type refreshServer struct {
	*fakeServer
	refreshes atomic.Int64
	gate      chan struct{} // when non-nil, refreshes wait for it to close
	fail      func(n int64) (int, string)
}

func newRefreshServer(t *testing.T) *refreshServer {
	rs := &refreshServer{}
	rs.fakeServer = newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/token" {
			w.Write([]byte("resource"))
			return
		}
		n := rs.refreshes.Add(1)
		if rs.gate != nil {
			<-rs.gate
		}
		if rs.fail != nil {
			if status, body := rs.fail(n); status != 0 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				w.Write([]byte(body))
				return
			}
		}
		m := map[string]any{"access_token": "new", "token_type": "Bearer", "expires_in": 3600}
		if r.PostForm.Get("grant_type") == GrantTypeRefreshToken {
			m["refresh_token"] = "rt2"
		}
		writeJSON(w, 200, m)
	})
	return rs
}

type updates struct {
	mu   sync.Mutex
	got  []TokenUpdate
	fail error
}

func (u *updates) record(_ context.Context, tu TokenUpdate) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.got = append(u.got, tu)
	return u.fail
}

func (u *updates) list() []TokenUpdate {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]TokenUpdate(nil), u.got...)
}

func TestSession_Refresh_singleFlight(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	rs.gate = make(chan struct{})
	clk := newClock()
	var up updates
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, OnTokenUpdate: up.record})
	s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(-time.Second)})

	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			st, err := s.tokenFor(t.Context())
			if err == nil && st.tok.AccessToken != "new" {
				err = errors.New("got token " + st.tok.AccessToken)
			}
			errs <- err
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(rs.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := rs.refreshes.Load(); got != 1 {
		t.Errorf("refresh requests = %d, want 1", got)
	}
	u := up.list()
	if len(u) != 1 || u[0].OldRefreshToken != "rt1" || u[0].Token.AccessToken != "new" || u[0].Token.RefreshToken != "rt2" {
		t.Errorf("OnTokenUpdate calls = %v, want one with old refresh token rt1", u)
	}
}

func TestSession_Refresh_dueTokenDoesNotWait(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	rs.gate = make(chan struct{})
	clk := newClock()
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now})
	s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(30 * time.Second)})

	starter := make(chan *tokenState, 1)
	go func() {
		st, _ := s.tokenFor(t.Context())
		starter <- st
	}()
	for rs.refreshes.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// The refresh is in flight and blocked: others go on with the old token.
	for range 100 {
		st, err := s.tokenFor(t.Context())
		if err != nil || st.tok.AccessToken != "old" {
			t.Fatalf("due caller got %v, %v; want the old token without waiting", st.token(), err)
		}
	}
	close(rs.gate)
	if st := <-starter; st.tok.AccessToken != "new" {
		t.Errorf("starter got %q, want the new token", st.tok.AccessToken)
	}
	if rs.refreshes.Load() != 1 {
		t.Errorf("refreshes = %d, want 1", rs.refreshes.Load())
	}
}

func TestSession_Refresh_leeway(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		leeway      time.Duration
		expiresIn   time.Duration
		wantRefresh bool
	}{
		{"default leeway due", 0, 59 * time.Second, true},
		{"default leeway fresh", 0, 61 * time.Second, false},
		{"custom leeway due", 5 * time.Minute, 4 * time.Minute, true},
		{"negative means at expiry", -1, time.Second, false},
		{"negative and expired", -1, -time.Second, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := newRefreshServer(t)
			clk := newClock()
			s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, Leeway: tt.leeway})
			s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(tt.expiresIn)})
			resp, err := s.Get(t.Context(), rs.URL+"/api")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := rs.refreshes.Load() == 1; got != tt.wantRefresh {
				t.Errorf("refreshed = %v, want %v", got, tt.wantRefresh)
			}
			want := "Bearer old"
			if tt.wantRefresh {
				want = "Bearer new"
			}
			if got := rs.last(t).Header.Get("Authorization"); got != want {
				t.Errorf("request sent with %q, want %q", got, want)
			}
		})
	}
}

func TestSession_Refresh_failureKeepsToken(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	rs.fail = func(int64) (int, string) { return 400, `{"error":"invalid_grant"}` }
	clk := newClock()
	var up updates
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, OnTokenUpdate: up.record})
	old := &Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(-time.Second)}
	s.SetToken(old)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := s.Get(t.Context(), rs.URL+"/api")
			if e, ok := errors.AsType[*Error](err); !ok || e.Code != ErrorCodeInvalidGrant {
				t.Errorf("err = %v, want invalid_grant", err)
			}
		})
	}
	wg.Wait()
	if got := s.Token(); got.AccessToken != "old" || got.RefreshToken != "rt1" {
		t.Errorf("token after failed refresh = %v, want the old one", got)
	}
	if len(up.list()) != 0 {
		t.Error("OnTokenUpdate called for a failed refresh")
	}
	if n := rs.refreshes.Load(); n < 1 || n > 20 {
		t.Errorf("refreshes = %d", n)
	}
	if _, err := s.Refresh(t.Context()); err == nil {
		t.Error("manual refresh succeeded against invalid_grant")
	}
	if rs.count.Load() != rs.refreshes.Load() {
		t.Error("a protected request was sent with an expired token")
	}
}

func TestSession_Refresh_retries(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		fail     func(n int64) (int, string)
		wantReqs int64
		wantOK   bool
	}{
		{"503 then ok", func(n int64) (int, string) {
			if n == 1 {
				return 503, `{"error":"temporarily_unavailable"}`
			}
			return 0, ""
		}, 2, true},
		{"429 twice then ok", func(n int64) (int, string) {
			if n <= 2 {
				return 429, `slow down`
			}
			return 0, ""
		}, 3, true},
		{"500 always", func(int64) (int, string) { return 500, `<html>oops</html>` }, 3, false},
		{"invalid_client never retried", func(int64) (int, string) { return 401, `{"error":"invalid_client"}` }, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := newRefreshServer(t)
			rs.fail = tt.fail
			clk := newClock()
			s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, Retry: RetryPolicy{BaseDelay: time.Millisecond}})
			s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now()})
			_, err := s.tokenFor(t.Context())
			if (err == nil) != tt.wantOK {
				t.Errorf("err = %v, want ok=%v", err, tt.wantOK)
			}
			if got := rs.refreshes.Load(); got != tt.wantReqs {
				t.Errorf("requests = %d, want %d", got, tt.wantReqs)
			}
		})
	}
}

func TestBackoff_retryAfter(t *testing.T) {
	t.Parallel()
	if d := backoff(time.Millisecond, 5*time.Second, 1, 2*time.Second); d != 2*time.Second {
		t.Errorf("Retry-After not honoured: %v", d)
	}
	if d := backoff(time.Millisecond, time.Second, 1, time.Hour); d != time.Second {
		t.Errorf("Retry-After not capped: %v", d)
	}
	if d := parseRetryAfter("3", time.Now()); d != 3*time.Second {
		t.Errorf("parseRetryAfter = %v", d)
	}
	for i := 1; i < 70; i++ {
		if d := backoff(100*time.Millisecond, 5*time.Second, i, 0); d <= 0 || d > 5*time.Second {
			t.Fatalf("backoff(%d) = %v", i, d)
		}
	}
}

func TestSession_clientCredentialsRefetch(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	clk := newClock()
	var up updates
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, OnTokenUpdate: up.record, Scopes: []string{"api"}})
	if _, err := s.FetchToken(t.Context(), ClientCredentials()); err != nil {
		t.Fatal(err)
	}
	first := s.Token().AccessToken
	clk.Add(2 * time.Hour)
	resp, err := s.Get(t.Context(), rs.URL+"/api")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if rs.refreshes.Load() != 2 {
		t.Errorf("token requests = %d, want 2", rs.refreshes.Load())
	}
	u := up.list()
	if len(u) != 1 || u[0].OldAccessToken != first || u[0].OldRefreshToken != "" {
		t.Errorf("updates = %v", u)
	}
}

func TestSession_expiredWithoutRenewal(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(http.ResponseWriter, *http.Request) {})
	clk := newClock()
	for _, cfg := range []Config{{Now: clk.Now}, {Now: clk.Now, TokenURL: srv.URL}} {
		s := mustSession(t, cfg)
		s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", ExpiresAt: clk.Now().Add(-time.Minute)})
		if _, err := s.Get(t.Context(), srv.URL); !errors.Is(err, ErrTokenExpired) {
			t.Errorf("err = %v, want ErrTokenExpired", err)
		}
		// Due but not expired, and not renewable: used as is.
		s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", ExpiresAt: clk.Now().Add(time.Second)})
		resp, err := s.Get(t.Context(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if srv.count.Load() != 2 {
		t.Errorf("requests = %d, want 2 (never an expired token)", srv.count.Load())
	}
}

func TestSession_Refresh_cancelledWaiter(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	rs.gate = make(chan struct{})
	clk := newClock()
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now})
	s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now()})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, err := s.tokenFor(ctx); done <- err }()
	other := make(chan error, 1)
	go func() { _, err := s.tokenFor(t.Context()); other <- err }()
	for rs.refreshes.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled waiter: err = %v", err)
	}
	close(rs.gate)
	if err := <-other; err != nil {
		t.Errorf("other waiter: %v", err)
	}
	if s.Token().AccessToken != "new" {
		t.Error("refresh did not complete after the starter's cancellation")
	}
}

func TestSession_Refresh_manual(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"access_token": "new-" + r.PostForm.Get("refresh_token"), "token_type": "bearer"})
	})
	var up updates
	s := mustSession(t, Config{TokenURL: "https://unused.example/token", OnTokenUpdate: up.record})
	if _, err := s.Refresh(t.Context()); !errors.Is(err, ErrNoRefreshToken) {
		t.Errorf("no refresh token: err = %v", err)
	}
	s.SetToken(&Token{AccessToken: "a", TokenType: "bearer", RefreshToken: "rt1", Scope: "s1 s2"})
	tok, err := s.Refresh(t.Context(), WithTokenURL(srv.URL), WithRefreshToken("given"))
	if err != nil {
		t.Fatal(err)
	}
	// The answer has no refresh_token: the one sent is kept, and reported
	// as the one replaced.
	if tok.AccessToken != "new-given" || tok.RefreshToken != "given" || tok.Scope != "s1 s2" {
		t.Errorf("token = %+v, want refresh token %q and the old scope kept", tok, "given")
	}
	if s.Token().RefreshToken != "given" {
		t.Errorf("session refresh token = %q, want %q", s.Token().RefreshToken, "given")
	}
	if r := srv.last(t); r.Form.Get("grant_type") != "refresh_token" || r.Form.Get("refresh_token") != "given" {
		t.Errorf("form = %v", r.Form)
	}
	if u := up.list(); len(u) != 1 || u[0].OldRefreshToken != "given" || u[0].Token.RefreshToken != "given" {
		t.Errorf("updates = %v, want one replacing %q", u, "given")
	}
}

func TestSession_configGrant(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	clk := newClock()
	var up updates
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, Grant: ClientCredentials(), OnTokenUpdate: up.record})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			resp, err := s.Get(t.Context(), rs.URL+"/api")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	if rs.refreshes.Load() != 1 {
		t.Errorf("token requests = %d, want 1 for the first use", rs.refreshes.Load())
	}
	clk.Add(2 * time.Hour)
	resp, err := s.Get(t.Context(), rs.URL+"/api")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if rs.refreshes.Load() != 2 {
		t.Errorf("token requests = %d, want a re-fetch at expiry", rs.refreshes.Load())
	}
	if u := up.list(); len(u) != 2 || u[0].OldAccessToken != "" || u[1].OldAccessToken != "new" {
		t.Errorf("updates = %v", u)
	}
}
