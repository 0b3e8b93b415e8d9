package oauthkit

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// get sends a protected GET and returns the Authorization it went out
// with, or the error.
func get(t *testing.T, s *Session, rs *refreshServer) (string, error) {
	t.Helper()
	resp, err := s.Get(t.Context(), rs.URL+"/api")
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return rs.last(t).Header.Get("Authorization"), nil
}

func TestSession_Refresh_failureWhileValid(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	rs.fail = func(int64) (int, string) { return 400, `{"error":"invalid_grant"}` }
	clk := newClock()
	var logs syncBuffer
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(30 * time.Second)})

	// Due (inside the 60s leeway) but valid: the failed refresh does not
	// fail the request, which goes out with the valid token.
	if authz, err := get(t, s, rs); err != nil || authz != "Bearer old" {
		t.Fatalf("due request: %q, %v; want it sent with the valid token", authz, err)
	}
	if rs.refreshes.Load() != 1 {
		t.Fatalf("refreshes = %d, want 1", rs.refreshes.Load())
	}
	if !strings.Contains(logs.String(), "token renewal failed") || !strings.Contains(logs.String(), "invalid_grant") {
		t.Errorf("failure not logged: %s", logs.String())
	}
	// Right after the failure, requests do not hammer the server.
	if authz, err := get(t, s, rs); err != nil || authz != "Bearer old" || rs.refreshes.Load() != 1 {
		t.Errorf("request in the cool-down: %q, %v, refreshes %d; want the valid token and no refresh", authz, err, rs.refreshes.Load())
	}
	// An explicit refresh reports the failure.
	if _, err := s.Refresh(t.Context()); err == nil {
		t.Error("Refresh succeeded against invalid_grant")
	}
	// The next due request after the cool-down tries again.
	clk.Add(10 * time.Second)
	if authz, err := get(t, s, rs); err != nil || authz != "Bearer old" {
		t.Errorf("later due request: %q, %v", authz, err)
	}
	if got := rs.refreshes.Load(); got != 3 {
		t.Errorf("refreshes = %d, want 3 (automatic, explicit, automatic after the cool-down)", got)
	}
	// Only an expired token fails requests.
	clk.Add(30 * time.Second)
	if _, err := get(t, s, rs); err == nil {
		t.Error("request with an expired, unrenewable token succeeded")
	}
	if got := s.Token(); got.AccessToken != "old" || got.RefreshToken != "rt1" {
		t.Errorf("token = %v, want the old one kept", got)
	}
}

func TestSession_OnTokenUpdate_failureIsRetried(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	clk := newClock()
	dbDown := errors.New("db down")
	up := updates{fail: dbDown}
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, OnTokenUpdate: up.record})
	s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now()})

	if _, err := get(t, s, rs); !errors.Is(err, dbDown) {
		t.Fatalf("err = %v, want the callback's error", err)
	}
	if tok := s.Token(); tok.AccessToken != "new" || tok.RefreshToken != "rt2" {
		t.Fatalf("token = %v, want the new one kept in memory", tok)
	}
	// In the cool-down, uses fail with the error without calling again.
	if _, err := get(t, s, rs); !errors.Is(err, dbDown) || len(up.list()) != 1 {
		t.Errorf("use in the cool-down: %v, %d calls; want the error and no call", err, len(up.list()))
	}
	// After it, the next use reports the same update again, once for all.
	clk.Add(10 * time.Second)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := s.ValidToken(t.Context()); !errors.Is(err, dbDown) {
				t.Errorf("use while the callback fails: %v, want its error", err)
			}
		})
	}
	wg.Wait()
	if n := len(up.list()); n != 2 {
		t.Errorf("callback calls = %d, want 2", n)
	}
	// Once it succeeds, the token is used and not reported again.
	up.mu.Lock()
	up.fail = nil
	up.mu.Unlock()
	clk.Add(10 * time.Second)
	for range 3 {
		if authz, err := get(t, s, rs); err != nil || authz != "Bearer new" {
			t.Fatalf("use after the callback recovered: %q, %v", authz, err)
		}
	}
	u := up.list()
	if len(u) != 3 {
		t.Fatalf("callback calls = %d, want 3", len(u))
	}
	for _, x := range u {
		if x.OldRefreshToken != "rt1" || x.Token.RefreshToken != "rt2" {
			t.Errorf("update %v, want rt1 replaced by rt2", x)
		}
	}
	if rs.refreshes.Load() != 1 {
		t.Errorf("refreshes = %d, want 1", rs.refreshes.Load())
	}
}

func TestSession_OnTokenUpdate_refreshWhileUnsaved(t *testing.T) {
	t.Parallel()
	rs := newRotatingServer(t)
	clk := newClock()
	up := updates{fail: errors.New("db down")}
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now, OnTokenUpdate: up.record})
	s.SetToken(&Token{AccessToken: "a0", TokenType: "Bearer", RefreshToken: "rt0"})
	if _, err := s.Refresh(t.Context()); err == nil {
		t.Fatal("Refresh hid the callback's error")
	}
	up.mu.Lock()
	up.fail = nil
	up.mu.Unlock()
	// rt1 was never saved: the storage still holds rt0, so the update of
	// the next token says it replaces rt0.
	tok, err := s.Refresh(t.Context())
	if err != nil || tok.RefreshToken != "rt2" {
		t.Fatalf("Refresh = %v, %v", tok, err)
	}
	u := up.list()
	if len(u) != 2 || u[1].OldRefreshToken != "rt0" || u[1].Token.RefreshToken != "rt2" {
		t.Errorf("updates = %v, want the last to replace rt0 by rt2", u)
	}
	// A token set by the caller is not the session's to report.
	up.mu.Lock()
	up.fail = errors.New("db down")
	up.mu.Unlock()
	if _, err := s.Refresh(t.Context()); err == nil {
		t.Fatal("Refresh hid the callback's error")
	}
	s.SetToken(&Token{AccessToken: "mine", TokenType: "Bearer"})
	if _, err := s.ValidToken(t.Context()); err != nil {
		t.Errorf("token set after a failed report: %v", err)
	}
	if len(up.list()) != 3 {
		t.Errorf("callback calls = %d, want 3", len(up.list()))
	}
}
