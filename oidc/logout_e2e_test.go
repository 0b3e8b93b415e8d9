package oidc_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// logoutEnv is an oauthtest provider, a relying party with a back-channel
// logout handler, and a user logged in at both.
type logoutEnv struct {
	srv    *oauthtest.Server
	p      *oidc.Provider
	client oauthtest.Client
	sid    string
	idt    string

	mu      sync.Mutex // guards logouts
	logouts []*oidc.LogoutToken
}

func newLogoutEnv(t *testing.T) *logoutEnv {
	t.Helper()
	ctx := t.Context()
	e := &logoutEnv{srv: oauthtest.NewServer()}
	t.Cleanup(e.srv.Close)
	var err error
	if e.p, err = oidc.NewProvider(ctx, e.srv.URL, oidc.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	rp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(rp.Close)
	e.client = e.srv.RegisterClient(oauthtest.Client{BackChannelLogoutURI: rp.URL + "/backchannel",
		PostLogoutRedirectURIs: []string{"https://app.example/bye"}})
	h = oidc.NewBackChannelLogoutHandler(e.p.LogoutTokenVerifier(e.client.ID), func(_ context.Context, lt *oidc.LogoutToken) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.logouts = append(e.logouts, lt)
		return nil
	})
	cfg, err := e.p.Config(oauthkit.Config{ClientID: e.client.ID, ClientSecret: e.client.Secret, Scopes: []string{"openid"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.FetchToken(ctx, oauthkit.Password("alice", "wonderland"))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := e.p.Verifier(e.client.ID).Verify(ctx, tok.IDToken)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Sid string `json:"sid"`
	}
	if err := idt.Claims(&c); err != nil || c.Sid == "" {
		t.Fatalf("ID token of a client with a back-channel logout URI has no sid (%v)", err)
	}
	e.sid, e.idt = c.Sid, tok.IDToken
	return e
}

func (e *logoutEnv) calls() []*oidc.LogoutToken {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*oidc.LogoutToken(nil), e.logouts...)
}

// TestBackChannelLogout_oauthtest: a valid logout token ends the session
// it names; one with a nonce, without events, replayed, for another
// audience or badly signed is refused with 400, and the application is
// not called.
func TestBackChannelLogout_oauthtest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      *oauthtest.JWTFault
		wantStatus []int
	}{
		{name: "valid", wantStatus: []int{200}},
		{name: "nonce", fault: &oauthtest.JWTFault{SetClaims: map[string]any{"nonce": "n"}}, wantStatus: []int{400}},
		{name: "no events", fault: &oauthtest.JWTFault{OmitClaims: []string{"events"}}, wantStatus: []int{400}},
		{name: "replayed", fault: &oauthtest.JWTFault{Replay: true}, wantStatus: []int{200, 400}},
		{name: "other audience", fault: &oauthtest.JWTFault{WrongAudience: true}, wantStatus: []int{400}},
		{name: "bad signature", fault: &oauthtest.JWTFault{BadSignature: true}, wantStatus: []int{400}},
		{name: "expired", fault: &oauthtest.JWTFault{Expired: true}, wantStatus: []int{400}},
		{name: "neither sub nor sid", fault: &oauthtest.JWTFault{OmitClaims: []string{"sub", "sid"}}, wantStatus: []int{400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newLogoutEnv(t)
			if tt.fault != nil {
				f := *tt.fault
				f.Kind = oauthtest.LogoutTokenJWT
				e.srv.InjectJWTFault(f)
			}
			ds := e.srv.BackChannelLogout(t.Context(), oauthtest.BackChannelLogoutRequest{SessionID: e.sid})
			if len(ds) != len(tt.wantStatus) {
				t.Fatalf("deliveries = %+v; want %d", ds, len(tt.wantStatus))
			}
			for i, d := range ds {
				if d.Err != nil || d.StatusCode != tt.wantStatus[i] || d.CacheControl != "no-store" {
					t.Errorf("delivery %d: %d %q %v; want %d no-store", i, d.StatusCode, d.CacheControl, d.Err, tt.wantStatus[i])
				}
			}
			wantCalls := 0
			if tt.wantStatus[0] == 200 {
				wantCalls = 1
			}
			got := e.calls()
			if len(got) != wantCalls {
				t.Fatalf("logout calls = %d; want %d", len(got), wantCalls)
			}
			if wantCalls == 1 && (got[0].SessionID != e.sid || got[0].Subject != "user-1" || got[0].Issuer != e.srv.URL) {
				t.Errorf("logout of %+v; want iss, sub user-1 and sid %q", got[0], e.sid)
			}
		})
	}
}

// TestRPInitiatedLogout_backChannel: logging out at the provider with the
// ID token as hint ends that session at the relying party through the
// back channel, and the browser comes back with the state sent.
func TestRPInitiatedLogout_backChannel(t *testing.T) {
	t.Parallel()
	e := newLogoutEnv(t)
	state := oauthkit.GenerateState()
	u, err := e.p.EndSessionURL(oidc.LogoutRequest{IDTokenHint: e.idt, PostLogoutRedirectURI: "https://app.example/bye", State: state})
	if err != nil {
		t.Fatal(err)
	}
	hc := *e.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back := resp.Header.Get("Location")
	if err := oidc.CheckLogoutReturn(back, state); err != nil {
		t.Errorf("CheckLogoutReturn(%q) = %v", back, err)
	}
	if err := oidc.CheckLogoutReturn(back, oauthkit.GenerateState()); err == nil {
		t.Error("CheckLogoutReturn with another state = nil")
	}
	if got := e.calls(); len(got) != 1 || got[0].SessionID != e.sid {
		t.Errorf("back-channel logouts = %v; want the session %q", got, e.sid)
	}
}
