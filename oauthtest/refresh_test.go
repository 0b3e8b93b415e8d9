package oauthtest_test

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func refresh(t *testing.T, srv *oauthtest.Server, c oauthtest.Client, rt, scope string) response {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	if scope != "" {
		form.Set("scope", scope)
	}
	return post(t, srv, srv.TokenURL(), c, form)
}

func TestRefreshTokenGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{Scopes: []string{"read", "write"}})
	first := password(t, srv, c)
	rt := first.str("refresh_token")

	r := refresh(t, srv, c, rt, "")
	wantToken(t, r)
	if r.str("refresh_token") != "" || r.str("scope") != "read write" {
		t.Errorf("refresh = %s; want no new refresh token and the original scope", r.raw)
	}
	if r.str("access_token") == first.str("access_token") {
		t.Errorf("refresh returned the same access token")
	}

	if r := refresh(t, srv, c, rt, "read"); r.str("scope") != "read" {
		t.Errorf("narrowed refresh scope = %q; want read", r.str("scope"))
	}
	if r := refresh(t, srv, c, rt, ""); r.str("scope") != "read write" {
		t.Errorf("after narrowing, refresh scope = %q; want the original", r.str("scope"))
	}
	wantError(t, refresh(t, srv, c, rt, "read admin"), 400, "invalid_scope")

	other := srv.RegisterClient(oauthtest.Client{})
	wantError(t, refresh(t, srv, other, rt, ""), 400, "invalid_grant")
	wantError(t, refresh(t, srv, c, first.str("access_token"), ""), 400, "invalid_grant")
}

func TestRefreshTokenGrant_rotation(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.RotateRefreshTokens = true })
	c := srv.RegisterClient(oauthtest.Client{})
	old := password(t, srv, c).str("refresh_token")
	r := refresh(t, srv, c, old, "")
	wantToken(t, r)
	next := r.str("refresh_token")
	if next == "" || next == old {
		t.Fatalf("rotation returned refresh token %q; want a new one", next)
	}
	wantError(t, refresh(t, srv, c, old, ""), 400, "invalid_grant")
	wantToken(t, refresh(t, srv, c, next, ""))
}

func TestRefreshTokenGrant_reuseDetection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		detect     bool
		wantStatus int // of the newest tokens after the reuse
	}{
		{"detection on revokes the grant", true, 401},
		{"detection off keeps the new tokens", false, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(s *oauthtest.Server) {
				s.RotateRefreshTokens, s.DetectRefreshTokenReuse = true, tt.detect
			})
			c := srv.RegisterClient(oauthtest.Client{})
			old := password(t, srv, c).str("refresh_token")
			next := refresh(t, srv, c, old, "")
			wantToken(t, next)
			wantError(t, refresh(t, srv, c, old, ""), 400, "invalid_grant")
			if res := get(t, srv, srv.ResourceURL(), next.str("access_token")); res.status != tt.wantStatus {
				t.Errorf("access token issued before the reuse: HTTP %d; want %d", res.status, tt.wantStatus)
			}
			r := refresh(t, srv, c, next.str("refresh_token"), "")
			if tt.detect {
				wantError(t, r, 400, "invalid_grant")
			} else {
				wantToken(t, r)
			}
		})
	}
}

func TestRefreshTokenGrant_expiry(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, func(s *oauthtest.Server) {
		s.AccessTokenTTL = time.Minute
		s.RefreshTokenTTL = time.Hour
	})
	c := srv.RegisterClient(oauthtest.Client{})
	r := password(t, srv, c)
	if got := r.body["expires_in"]; got != float64(60) {
		t.Errorf("expires_in = %v; want 60", got)
	}
	clk.Advance(time.Minute)
	if res := get(t, srv, srv.ResourceURL(), r.str("access_token")); res.status != 401 {
		t.Errorf("expired access token accepted: HTTP %d", res.status)
	}
	wantToken(t, refresh(t, srv, c, r.str("refresh_token"), ""))
	clk.Advance(time.Hour)
	wantError(t, refresh(t, srv, c, r.str("refresh_token"), ""), 400, "invalid_grant")
}

func TestRefreshTokenGrant_rotationConcurrent(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.RotateRefreshTokens = true })
	c := srv.RegisterClient(oauthtest.Client{})
	rt := password(t, srv, c).str("refresh_token")
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { statuses <- refresh(t, srv, c, rt, "").status })
	}
	wg.Wait()
	close(statuses)
	ok := 0
	for s := range statuses {
		if s == 200 {
			ok++
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent refreshes with one rotating token succeeded; want 1", ok)
	}
}
