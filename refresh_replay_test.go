package oauthkit

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rotatingServer issues a new refresh token with every refresh and counts
// replays: a refresh token presented again after it was used. A server
// with reuse detection revokes the whole grant on a replay.
type rotatingServer struct {
	*fakeServer
	mu      sync.Mutex
	current string          // the refresh token that works
	used    map[string]bool // every refresh token presented once
	issued  int
	replays atomic.Int64
}

func newRotatingServer(t *testing.T) *rotatingServer {
	rs := &rotatingServer{current: "rt0", used: map[string]bool{}}
	rs.fakeServer = newFake(t, func(w http.ResponseWriter, r *http.Request) {
		at, rt, ok := rs.rotate(r.PostForm.Get("refresh_token"))
		if !ok {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "Bearer", "refresh_token": rt, "expires_in": 3600})
	})
	return rs
}

func (rs *rotatingServer) rotate(rt string) (access, refresh string, ok bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.used[rt] {
		rs.replays.Add(1)
		return "", "", false
	}
	if rt != rs.current {
		return "", "", false
	}
	rs.used[rt] = true
	rs.issued++
	rs.current = fmt.Sprintf("rt%d", rs.issued)
	return fmt.Sprintf("at%d", rs.issued), rs.current, true
}

func (rs *rotatingServer) refreshToken() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.current
}

// pausingNow is a clock that pauses a little on every reading, as a GC
// pause or a preemption might: a caller that read the token just before
// reading the clock sees a renewal complete meanwhile.
func pausingNow() time.Time {
	time.Sleep(time.Duration(rand.N(300)) * time.Microsecond)
	return time.Now()
}

func TestSession_Refresh_noReplay(t *testing.T) {
	t.Parallel()
	rs := newRotatingServer(t)
	for run := range 100 {
		s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: pausingNow, Retry: RetryPolicy{Disabled: true}})
		s.SetToken(&Token{AccessToken: "a", TokenType: "Bearer", RefreshToken: rs.refreshToken(), ExpiresAt: time.Now().Add(-time.Second)})
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				// Most callers refresh explicitly; some find the token
				// expired and renew it automatically.
				var err error
				if i%4 == 0 {
					_, err = s.ValidToken(t.Context())
				} else {
					_, err = s.Refresh(t.Context())
				}
				if err != nil {
					t.Errorf("run %d: %v", run, err)
				}
			})
		}
		wg.Wait()
		if n := rs.replays.Load(); n != 0 {
			t.Fatalf("run %d: %d refresh token replays, want 0", run, n)
		}
		if got, want := s.Token().RefreshToken, rs.refreshToken(); got != want {
			t.Fatalf("run %d: session refresh token %q, server's current %q", run, got, want)
		}
	}
}
