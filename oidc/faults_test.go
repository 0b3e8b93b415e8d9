package oidc_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// faults is the matrix every endpoint the client calls must survive.
var faults = []struct {
	name  string
	fault oauthtest.Fault
}{
	{"500", oauthtest.Fault{Status: 500, Body: []byte(`{"error":"server_error"}`)}},
	{"502 html", oauthtest.Fault{Status: 502, Body: []byte("<html>Bad Gateway</html>"), ContentType: "text/html"}},
	{"html 200", oauthtest.Fault{Status: 200, Body: []byte("<!doctype html><title>login</title>"), ContentType: "text/html"}},
	{"invalid json", oauthtest.Fault{Status: 200, Body: []byte(`{"issuer":`)}},
	{"wrong shape", oauthtest.Fault{Status: 200, Body: []byte(`[1,2,3]`)}},
	{"10 MB", oauthtest.Fault{Status: 200, BodySize: 10 << 20}},
	{"hang", oauthtest.Fault{Hang: true}},
	{"reset", oauthtest.Fault{Reset: true}},
}

func faultCtx(t *testing.T, f oauthtest.Fault) context.Context {
	d := 10 * time.Second
	if f.Hang {
		d = 300 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// login completes a code flow and returns the provider and session.
func login(t *testing.T, ctx context.Context, srv *oauthtest.Server) (*oidc.Provider, *oauthkit.Session, error) {
	t.Helper()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	p, err := oidc.NewProvider(t.Context(), srv.URL, oidc.ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret,
		RedirectURL: "https://app.example/cb", Scopes: []string{"openid", "email"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := s.AuthorizationURL()
	if err != nil {
		t.Fatal(err)
	}
	cb, err := srv.Authorize(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ExchangeAuthorizationResponse(ctx, cb, *ar)
	return p, s, err
}

func wantNamed(t *testing.T, err error, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range words {
		if strings.Contains(strings.ToLower(err.Error()), w) {
			return
		}
	}
	t.Errorf("error %q names none of %q", err, words)
}

// TestFaults_discovery: discovery fails with an error naming it, no panic.
func TestFaults_discovery(t *testing.T) {
	t.Parallel()
	for _, fc := range faults {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			srv := oauthtest.NewServer()
			t.Cleanup(srv.Close)
			f := fc.fault
			f.Endpoint = oauthtest.DiscoveryEndpoint
			srv.InjectFault(f)
			_, err := oidc.NewProvider(faultCtx(t, f), srv.URL, oidc.ProviderConfig{})
			wantNamed(t, err, "discovery", "openid-configuration")
		})
	}
}

// TestFaults_jwks: when the keys cannot be fetched, the ID token is not
// accepted and no token is stored.
func TestFaults_jwks(t *testing.T) {
	t.Parallel()
	for _, fc := range faults {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			srv := oauthtest.NewServer()
			t.Cleanup(srv.Close)
			f := fc.fault
			f.Endpoint = oauthtest.JWKSEndpoint
			srv.InjectFault(f)
			_, s, err := login(t, faultCtx(t, f), srv)
			wantNamed(t, err, "jwks", "keys")
			if s.Token() != nil {
				t.Errorf("token stored although its ID token was not verified: %v", s.Token())
			}
		})
	}
}

// TestFaults_userinfo: a failing userinfo endpoint gives an error naming
// it and leaves the session's token alone.
func TestFaults_userinfo(t *testing.T) {
	t.Parallel()
	for _, fc := range faults {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			srv := oauthtest.NewServer()
			t.Cleanup(srv.Close)
			p, s, err := login(t, t.Context(), srv)
			if err != nil {
				t.Fatal(err)
			}
			before := s.Token()
			f := fc.fault
			f.Endpoint = oauthtest.UserInfoEndpoint
			srv.InjectFault(f)
			_, err = p.UserInfo(faultCtx(t, f), s.Token(), "")
			wantNamed(t, err, "userinfo")
			if after := s.Token(); after.AccessToken != before.AccessToken || after.RefreshToken != before.RefreshToken {
				t.Error("token changed after a userinfo failure")
			}
		})
	}
}
