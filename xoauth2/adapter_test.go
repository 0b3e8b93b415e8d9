package xoauth2

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
	"golang.org/x/oauth2"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/internal/testhttp"
)

func TestMain(m *testing.M) {
	testhttp.NoIdleDefaultConns()
	goleak.VerifyTestMain(m)
}

// newTokenServer answers refresh requests with a new token and counts
// them.
func newTokenServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"access_token": "new", "token_type": "Bearer", "expires_in": 3600,
			"refresh_token": "rt2", "id_token": "h.p.s", "tenant": "t1",
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newSession(t *testing.T, cfg oauthkit.Config) *oauthkit.Session {
	t.Helper()
	cfg.ClientID = "client"
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	return s
}

func TestTokenSource(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name        string
		held        *oauthkit.Token
		wantAccess  string
		wantRenewal int64
	}{
		{"valid token", &oauthkit.Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt", ExpiresAt: now.Add(time.Hour)}, "old", 0},
		{"due token", &oauthkit.Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt", ExpiresAt: now.Add(10 * time.Second)}, "new", 1},
		{"expired token", &oauthkit.Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt", ExpiresAt: now.Add(-time.Hour)}, "new", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, n := newTokenServer(t)
			s := newSession(t, oauthkit.Config{TokenURL: srv.URL, Now: func() time.Time { return now }})
			s.SetToken(tt.held)
			tok, err := TokenSource(s).Token()
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if tok.AccessToken != tt.wantAccess {
				t.Errorf("AccessToken = %q; want %q", tok.AccessToken, tt.wantAccess)
			}
			if got := n.Load(); got != tt.wantRenewal {
				t.Errorf("%d renewals; want %d", got, tt.wantRenewal)
			}
			if tt.wantRenewal > 0 && tok.Extra("id_token") != "h.p.s" {
				t.Errorf(`Extra("id_token") = %v; want h.p.s`, tok.Extra("id_token"))
			}
		})
	}
}

func TestTokenSource_errors(t *testing.T) {
	t.Parallel()
	s := newSession(t, oauthkit.Config{})
	if _, err := TokenSource(s).Token(); !errors.Is(err, oauthkit.ErrNoToken) {
		t.Errorf("Token without a token = %v; want ErrNoToken", err)
	}
	srv, n := newTokenServer(t)
	s = newSession(t, oauthkit.Config{TokenURL: srv.URL})
	s.SetToken(&oauthkit.Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt", ExpiresAt: time.Now().Add(-time.Hour)})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := TokenSourceContext(ctx, s).Token(); !errors.Is(err, context.Canceled) {
		t.Errorf("Token with a canceled context = %v; want context.Canceled", err)
	}
	// The renewal started by the canceled call runs detached; wait for it
	// so no goroutine outlives the test.
	if _, err := TokenSource(s).Token(); err != nil {
		t.Fatalf("Token: %v", err)
	}
	if n.Load() != 1 {
		t.Errorf("%d renewals; want 1", n.Load())
	}
}

func TestConversions(t *testing.T) {
	t.Parallel()
	exp := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		tok   *oauthkit.Token
		keys  []string
		want  *oauthkit.Token // after the round trip; nil: tok
		check func(t *testing.T, o *oauth2.Token)
	}{
		{name: "full", tok: &oauthkit.Token{AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt", ExpiresIn: 3600,
			ExpiresAt: exp, Scope: "a b", IDToken: "h.p.s", Extra: map[string]any{"tenant": "t1", "n": int64(2)}},
			keys: []string{"tenant", "n", "absent"},
			check: func(t *testing.T, o *oauth2.Token) {
				if o.Extra("id_token") != "h.p.s" || o.Extra("scope") != "a b" || o.Extra("tenant") != "t1" {
					t.Errorf("extras = %v %v %v", o.Extra("id_token"), o.Extra("scope"), o.Extra("tenant"))
				}
				if !o.Expiry.Equal(exp) || o.ExpiresIn != 3600 || o.RefreshToken != "rt" || o.Type() != "Bearer" {
					t.Errorf("oauth2 token = %+v", o)
				}
			}},
		{name: "extras not named are dropped", tok: &oauthkit.Token{AccessToken: "at", TokenType: "bearer", Extra: map[string]any{"x": "y"}},
			want: &oauthkit.Token{AccessToken: "at", TokenType: "bearer"}},
		{name: "no expiry", tok: &oauthkit.Token{AccessToken: "at", TokenType: "Bearer"},
			check: func(t *testing.T, o *oauth2.Token) {
				if !o.Expiry.IsZero() || !o.Valid() {
					t.Errorf("oauth2 token = %+v, valid %t; want valid without expiry", o, o.Valid())
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := ToOAuth2(tt.tok)
			if tt.check != nil {
				tt.check(t, o)
			}
			want := tt.want
			if want == nil {
				want = tt.tok
			}
			if diff := cmp.Diff(want, FromOAuth2(o, tt.keys...)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	if ToOAuth2(nil) != nil || FromOAuth2(nil) != nil {
		t.Error("nil tokens do not convert to nil")
	}
}

func TestFromOAuth2_defaults(t *testing.T) {
	t.Parallel()
	got := FromOAuth2(&oauth2.Token{AccessToken: "at"})
	want := &oauthkit.Token{AccessToken: "at", TokenType: "Bearer"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FromOAuth2 (-want +got):\n%s", diff)
	}
}

// countingSource hands out numbered tokens that expire after a minute.
type countingSource struct{ n atomic.Int64 }

func (c *countingSource) Token() (*oauth2.Token, error) {
	c.n.Add(1)
	return (&oauth2.Token{AccessToken: "x-at", TokenType: "bearer", Expiry: time.Now().Add(time.Minute)}).
		WithExtra(map[string]any{"scope": "s"}), nil
}

type failingSource struct{ err error }

func (f failingSource) Token() (*oauth2.Token, error) { return nil, f.err }

func TestSource_Token(t *testing.T) {
	t.Parallel()
	cs := &countingSource{}
	src := FromTokenSource(cs)
	for range 3 {
		tok, err := src.Token(t.Context())
		if err != nil {
			t.Fatalf("Token: %v", err)
		}
		if tok.AccessToken != "x-at" || tok.Scope != "s" || !tok.Valid(time.Now()) {
			t.Errorf("Token = %v; want a valid x-at with scope s", tok)
		}
	}
	if cs.n.Load() != 1 {
		t.Errorf("%d fetches; want 1 (reused)", cs.n.Load())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := src.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Token with a canceled context = %v; want context.Canceled", err)
	}
	boom := errors.New("boom")
	failing := FromTokenSource(failingSource{boom})
	if _, err := failing.Token(t.Context()); !errors.Is(err, boom) {
		t.Errorf("Token = %v; want the source's error", err)
	}
}

func TestSource_Client(t *testing.T) {
	t.Parallel()
	var gotAuth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	c := FromTokenSource(&countingSource{}).Client(nil)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	resp.Body.Close()
	if got := gotAuth.Load(); got != "Bearer x-at" {
		t.Errorf("Authorization = %v; want Bearer x-at", got)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("the caller's request was modified")
	}
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, "http://api.example/", nil)
	if _, err := c.Do(req); !errors.Is(err, oauthkit.ErrInsecureTransport) {
		t.Errorf("Do over plain http = %v; want ErrInsecureTransport", err)
	}
}

// TestTokenSource_roundTrip drives x/oauth2's own client with a session's
// token source.
func TestTokenSource_roundTrip(t *testing.T) {
	t.Parallel()
	var gotAuth atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
	}))
	t.Cleanup(api.Close)
	s := newSession(t, oauthkit.Config{})
	s.SetToken(&oauthkit.Token{AccessToken: "kit-at", TokenType: "Bearer"})
	c := oauth2.NewClient(t.Context(), TokenSource(s))
	resp, err := c.Get(api.URL)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	resp.Body.Close()
	if got := gotAuth.Load(); got != "Bearer kit-at" {
		t.Errorf("Authorization = %v; want Bearer kit-at", got)
	}
	api.CloseClientConnections()
}

// TestTokenSource_dpopRefused: an oauth2.TokenSource has no way to make
// the proof a DPoP-bound token needs on each request (RFC 9449 section
// 7), and its consumers send what it gives as they see fit, often as a
// bearer token: a DPoP token is refused instead of handed out.
func TestTokenSource_dpopRefused(t *testing.T) {
	t.Parallel()
	s := newSession(t, oauthkit.Config{DPoP: &dpop.Config{}})
	s.SetToken(&oauthkit.Token{AccessToken: "bound", TokenType: "DPoP", ExpiresAt: time.Now().Add(time.Hour)})
	tok, err := TokenSource(s).Token()
	if !errors.Is(err, oauthkit.ErrUnsupportedTokenType) || tok != nil {
		t.Errorf("Token of a DPoP session = %v, %v; want no token and %v", tok, err, oauthkit.ErrUnsupportedTokenType)
	}
}
