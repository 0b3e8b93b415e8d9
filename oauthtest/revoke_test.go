package oauthtest_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func revoke(t *testing.T, srv *oauthtest.Server, c oauthtest.Client, tok, hint string) response {
	t.Helper()
	form := url.Values{"token": {tok}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	return post(t, srv, srv.RevocationURL(), c, form)
}

func introspect(t *testing.T, srv *oauthtest.Server, c oauthtest.Client, tok string) response {
	t.Helper()
	return post(t, srv, srv.IntrospectionURL(), c, url.Values{"token": {tok}})
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	a, b := password(t, srv, c), password(t, srv, c)

	if r := revoke(t, srv, c, a.str("access_token"), "access_token"); r.status != 200 {
		t.Fatalf("revoke access token: HTTP %d %s", r.status, r.raw)
	}
	if r := get(t, srv, srv.ResourceURL(), a.str("access_token")); r.status != 401 {
		t.Errorf("revoked access token accepted")
	}
	wantToken(t, refresh(t, srv, c, a.str("refresh_token"), ""))

	// Revoking a refresh token revokes its grant's access tokens (RFC 7009 §2.1);
	// a wrong hint is ignored.
	if r := revoke(t, srv, c, b.str("refresh_token"), "access_token"); r.status != 200 {
		t.Fatalf("revoke refresh token: HTTP %d %s", r.status, r.raw)
	}
	if r := get(t, srv, srv.ResourceURL(), b.str("access_token")); r.status != 401 {
		t.Errorf("access token of a revoked refresh token accepted")
	}
	wantError(t, refresh(t, srv, c, b.str("refresh_token"), ""), 400, "invalid_grant")
	if r := get(t, srv, srv.ResourceURL(), a.str("access_token")); r.status != 401 {
		t.Errorf("other grant affected")
	}

	if r := revoke(t, srv, c, "unknown", "strange_hint"); r.status != 200 {
		t.Errorf("revoke unknown token: HTTP %d; want 200", r.status)
	}
	wantError(t, revoke(t, srv, c, "", ""), 400, "invalid_request")
	other := srv.RegisterClient(oauthtest.Client{})
	wantError(t, revoke(t, srv, other, a.str("refresh_token"), ""), 400, "invalid_grant")
	c.Secret = "wrong"
	wantError(t, revoke(t, srv, c, a.str("refresh_token"), ""), 401, "invalid_client")
}

func TestRevokeAll(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	r := password(t, srv, c)
	srv.RevokeAll()
	if res := get(t, srv, srv.ResourceURL(), r.str("access_token")); res.status != 401 {
		t.Errorf("access token accepted after RevokeAll")
	}
	wantError(t, refresh(t, srv, c, r.str("refresh_token"), ""), 400, "invalid_grant")
}

func TestIntrospect(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, func(s *oauthtest.Server) { s.Issuer = "https://issuer.example" })
	c := srv.RegisterClient(oauthtest.Client{Scopes: []string{"read"}})
	r := password(t, srv, c)
	now := clk.Now().Unix()

	got := introspect(t, srv, c, r.str("access_token")).body
	want := map[string]any{
		"active": true, "scope": "read", "client_id": c.ID, "username": "alice",
		"token_type": "Bearer", "exp": float64(now + 3600), "iat": float64(now), "nbf": float64(now),
		"sub": "user-1", "aud": c.ID, "iss": "https://issuer.example",
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == "jti" })); diff != "" {
		t.Errorf("introspection mismatch (-want +got):\n%s", diff)
	}
	if jti, _ := got["jti"].(string); jti == "" {
		t.Errorf("introspection has no jti")
	}

	rt := introspect(t, srv, c, r.str("refresh_token")).body
	if rt["active"] != true || rt["token_type"] != "refresh_token" {
		t.Errorf("refresh token introspection = %v", rt)
	}
	cc := introspect(t, srv, c, clientCredentials(t, srv, c, "").str("access_token")).body
	if cc["sub"] != c.ID || cc["username"] != nil {
		t.Errorf("client_credentials introspection = %v; want sub = client ID and no username", cc)
	}

	clk.Advance(time.Hour)
	inactive := map[string]any{"active": false}
	for _, tok := range []string{r.str("access_token"), "unknown"} {
		if diff := cmp.Diff(inactive, introspect(t, srv, c, tok).body); diff != "" {
			t.Errorf("introspect(%q) mismatch (-want +got):\n%s", tok, diff)
		}
	}
	c.Secret = "wrong"
	wantError(t, introspect(t, srv, c, r.str("refresh_token")), 401, "invalid_client")
}
