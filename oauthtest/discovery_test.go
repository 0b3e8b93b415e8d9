package oauthtest_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestOpenIDConfiguration(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) {
		s.User = oauthtest.DefaultUser()
		s.User.Claims = map[string]any{"groups": []string{"a"}}
	})
	if got, want := srv.OpenIDConfigurationURL(), srv.URL+"/.well-known/openid-configuration"; got != want {
		t.Errorf("OpenIDConfigurationURL() = %q; want %q", got, want)
	}
	r := get(t, srv, srv.OpenIDConfigurationURL(), "")
	if r.status != http.StatusOK {
		t.Fatalf("discovery: HTTP %d", r.status)
	}
	m := r.body
	if diff := cmp.Diff(get(t, srv, srv.MetadataURL(), "").body, m); diff != "" {
		t.Errorf("RFC 8414 and OpenID documents differ (-rfc8414 +openid):\n%s", diff)
	}
	if m["jwks_uri"] != srv.JWKSURL() || m["issuer"] != srv.URL || m["userinfo_endpoint"] != srv.UserInfoURL() {
		t.Errorf("discovery = %v", m)
	}
	lists := map[string][]string{
		"response_types_supported": {"code", "token", "id_token", "id_token token", "code id_token", "code token", "code id_token token"},
		"subject_types_supported":  {"public"},
		"scopes_supported":         {"openid", "profile", "email", "offline_access"},
		"token_endpoint_auth_methods_supported": {
			"client_secret_basic", "client_secret_post", "none", "client_secret_jwt", "private_key_jwt",
		},
		"id_token_signing_alg_values_supported": {"RS256"},
	}
	for key, want := range lists {
		if diff := cmp.Diff(want, stringList(m[key])); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", key, diff)
		}
	}
	contains := map[string][]string{
		"grant_types_supported": {
			"urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:ietf:params:oauth:grant-type:device_code",
			"urn:ietf:params:oauth:grant-type:token-exchange", "implicit",
		},
		"token_endpoint_auth_signing_alg_values_supported":         {"HS256", "RS256", "ES256", "EdDSA"},
		"introspection_endpoint_auth_signing_alg_values_supported": {"HS512", "PS256"},
		"claims_supported": {"sub", "iss", "auth_time", "nonce", "email", "groups"},
	}
	for key, want := range contains {
		got := stringList(m[key])
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s = %v; want it to hold %q", key, got, w)
			}
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.OpenIDConfigurationURL(), nil)
	wantError(t, do(t, srv, req), http.StatusMethodNotAllowed, "invalid_request")
	if _, ok := m["userinfo_signing_alg_values_supported"]; ok {
		t.Errorf("userinfo_signing_alg_values_supported sent without UserInfoSigned")
	}
}

// stringList converts a decoded JSON array of strings.
func stringList(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestDiscovery_issuerWithPath(t *testing.T) {
	t.Parallel()
	for _, suffix := range []string{"/tenant1", "/tenant1/"} {
		t.Run(suffix, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, nil)
			srv.Issuer = srv.URL + suffix // URL is known only after Start
			tests := []struct {
				u          string
				wantStatus int
			}{
				{srv.URL + "/tenant1/.well-known/openid-configuration", 200},
				{srv.URL + "/.well-known/oauth-authorization-server/tenant1", 200},
				{srv.OpenIDConfigurationURL(), 200},
				{srv.MetadataURL(), 200},
				{srv.URL + "/.well-known/openid-configuration", 404},
				{srv.URL + "/.well-known/oauth-authorization-server", 404},
				{srv.URL + "/tenant2/.well-known/openid-configuration", 404},
			}
			for _, tc := range tests {
				r := get(t, srv, tc.u, "")
				if r.status != tc.wantStatus {
					t.Errorf("GET %s = HTTP %d; want %d", tc.u, r.status, tc.wantStatus)
				}
				if tc.wantStatus == 200 && r.body["issuer"] != srv.Issuer {
					t.Errorf("GET %s: issuer %v; want %q", tc.u, r.body["issuer"], srv.Issuer)
				}
			}
			if got := srv.RequestCount(oauthtest.DiscoveryEndpoint); got != 4 {
				t.Errorf("RequestCount(DiscoveryEndpoint) = %d; want 4 (404s are not counted)", got)
			}
			c := srv.RegisterClient(oauthtest.Client{})
			if _, claims := verifyJWT(t, srv, passwordIDToken(t, srv, c), "RS256"); claims["iss"] != srv.Issuer {
				t.Errorf("ID token iss = %v; want %q", claims["iss"], srv.Issuer)
			}
		})
	}
}

func TestUserInfo_signed(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) {
		s.UserInfoSigned = true
		s.IDTokenAlg = "ES256"
	})
	c := srv.RegisterClient(oauthtest.Client{})
	r := get(t, srv, srv.UserInfoURL(), password(t, srv, c).str("access_token"))
	if ct := r.header.Get("Content-Type"); r.status != 200 || ct != "application/jwt" {
		t.Fatalf("userinfo: HTTP %d %q; want 200 application/jwt", r.status, ct)
	}
	_, claims := verifyJWT(t, srv, string(r.raw), "ES256")
	if claims["iss"] != srv.URL || claims["aud"] != c.ID || claims["sub"] != "user-1" || claims["email"] != "alice@example.com" {
		t.Errorf("signed userinfo claims = %v", claims)
	}
	m := get(t, srv, srv.OpenIDConfigurationURL(), "").body
	if diff := cmp.Diff([]string{"ES256"}, stringList(m["userinfo_signing_alg_values_supported"])); diff != "" {
		t.Errorf("userinfo_signing_alg_values_supported mismatch (-want +got):\n%s", diff)
	}
	if r := get(t, srv, srv.UserInfoURL(), "bad"); r.status != http.StatusUnauthorized {
		t.Errorf("userinfo with a bad token: HTTP %d; want 401", r.status)
	}
}
