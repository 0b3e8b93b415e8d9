package oidc_test

import (
	"errors"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// oidcLogin is a session set up by discovery against an oauthtest server.
type oidcLogin struct {
	srv *oauthtest.Server
	p   *oidc.Provider
	s   *oauthkit.Session
}

func newOIDCLogin(t *testing.T, scopes ...string) *oidcLogin {
	t.Helper()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	p, err := oidc.NewProvider(t.Context(), srv.URL, oidc.ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret,
		RedirectURL: "https://app.example/cb", Scopes: append([]string{"openid"}, scopes...)})
	if err != nil {
		t.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &oidcLogin{srv: srv, p: p, s: s}
}

// login runs one authorization and returns the exchange's result.
func (l *oidcLogin) login(t *testing.T, opts ...oauthkit.AuthURLOption) (*oauthkit.Token, error) {
	t.Helper()
	ar, err := l.s.AuthorizationURL(opts...)
	if err != nil {
		t.Fatal(err)
	}
	callback, err := l.srv.Authorize(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	return l.s.ExchangeAuthorizationResponse(t.Context(), callback, *ar)
}

// The exchange gives the verified claims, typed, and UserInfo takes the
// token as it is.
func TestSession_oauthtest_verifiedClaims(t *testing.T) {
	t.Parallel()
	l := newOIDCLogin(t, "email")
	tok, err := l.login(t)
	if err != nil {
		t.Fatal(err)
	}
	idt, err := oidc.VerifiedIDToken(tok)
	if err != nil {
		t.Fatalf("VerifiedIDToken(exchanged token) = %v", err)
	}
	var raw map[string]any
	if err := idt.Claims(&raw); err != nil {
		t.Fatal(err)
	}
	if idt.Subject != "user-1" || idt.Email != "alice@example.com" || !idt.EmailVerified || raw["sub"] != "user-1" || idt.Raw != tok.IDToken {
		t.Errorf("VerifiedIDToken() = sub %q email %q verified %t raw sub %v", idt.Subject, idt.Email, idt.EmailVerified, raw["sub"])
	}
	if cur, err := oidc.VerifiedIDToken(l.s.Token()); err != nil || cur.Subject != "user-1" {
		t.Errorf("VerifiedIDToken(session token) = %v, %v", cur, err)
	}
	info, err := l.p.UserInfo(t.Context(), tok, "")
	if err != nil || info.Subject != "user-1" {
		t.Fatalf("UserInfo(exchanged token) = %+v, %v", info, err)
	}

	// An ID token about someone else than the access token's user: the
	// default expected subject catches the substitution.
	l.srv.InjectIDTokenFault(oauthtest.IDTokenFault{SetClaims: map[string]any{"sub": "user-2"}, Times: 1})
	other, err := l.login(t)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.p.UserInfo(t.Context(), other, ""); !errors.Is(err, oidc.ErrSubjectMismatch) {
		t.Errorf("UserInfo(ID token of another subject) = %v; want %v", err, oidc.ErrSubjectMismatch)
	}

	// A token restored from storage carries no verified claims.
	var restored oauthkit.Token
	b, _ := tok.MarshalJSON()
	if err := restored.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if _, err := oidc.VerifiedIDToken(&restored); !errors.Is(err, oidc.ErrIDTokenNotVerified) {
		t.Errorf("VerifiedIDToken(restored) = %v; want %v", err, oidc.ErrIDTokenNotVerified)
	}
	if _, err := l.p.UserInfo(t.Context(), &restored, ""); err != nil {
		t.Errorf("UserInfo(restored) = %v", err)
	}
}

// A refresh that returns an ID token replaces the claims, after checking
// it against the one it replaces (OpenID Connect Core 12.2); a refused
// one leaves the session's token as it was.
func TestSession_oauthtest_refreshIDToken(t *testing.T) {
	t.Parallel()
	l := newOIDCLogin(t, "offline_access")
	first, err := l.login(t)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := oidc.VerifiedIDToken(first)
	tests := []struct {
		name    string
		fault   oauthtest.IDTokenFault
		wantErr error
	}{
		{name: "other subject", fault: oauthtest.IDTokenFault{SetClaims: map[string]any{"sub": "user-2"}}, wantErr: oidc.ErrSubjectMismatch},
		{name: "earlier auth_time", fault: oauthtest.IDTokenFault{SetClaims: map[string]any{"auth_time": old.AuthTime.Add(-time.Minute).Unix()}}, wantErr: oidc.ErrAuthTimeMismatch},
		{name: "audience without the client", fault: oauthtest.IDTokenFault{WrongAudience: true}, wantErr: oidc.ErrInvalidAudience},
		{name: "valid"},
	}
	for _, tc := range tests { // in order: each refresh uses the session's token
		before := l.s.Token()
		tc.fault.Times = 1
		l.srv.InjectIDTokenFault(tc.fault)
		tok, err := l.s.Refresh(t.Context())
		if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
			t.Fatalf("%s: Refresh() = %v; want %v", tc.name, err, tc.wantErr)
		}
		if err != nil {
			if got := l.s.Token(); got.AccessToken != before.AccessToken || got.IDToken != before.IDToken {
				t.Errorf("%s: the refused refresh changed the session's token", tc.name)
			}
			continue
		}
		idt, err := oidc.VerifiedIDToken(tok)
		if err != nil || idt.Raw == first.IDToken || idt.Subject != "user-1" {
			t.Errorf("%s: VerifiedIDToken(refreshed) = %v, %v; want the new ID token's claims", tc.name, idt, err)
		}
	}
}

// The hybrid flow: the token endpoint's ID token must be about the same
// subject as the authorization response's (OpenID Connect Core 3.3.3.6).
func TestSession_oauthtest_hybridSubject(t *testing.T) {
	t.Parallel()
	l := newOIDCLogin(t)
	hybrid := oauthkit.WithResponseType("code id_token")
	if _, err := l.login(t, hybrid); err != nil {
		t.Fatalf("hybrid login = %v", err)
	}
	l.srv.InjectIDTokenFault(oauthtest.IDTokenFault{Times: 1}) // the front channel's: as it is
	l.srv.InjectIDTokenFault(oauthtest.IDTokenFault{SetClaims: map[string]any{"sub": "user-2"}, Times: 1})
	if _, err := l.login(t, hybrid); !errors.Is(err, oidc.ErrSubjectMismatch) {
		t.Errorf("hybrid login with another subject at the token endpoint = %v; want %v", err, oidc.ErrSubjectMismatch)
	}
}
