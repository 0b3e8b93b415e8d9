package oauthtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestTokenEndpoint_errors(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{Scopes: []string{"read", "write"}})
	limited := srv.RegisterClient(oauthtest.Client{GrantTypes: []string{"client_credentials"}})
	public := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone})
	tests := []struct {
		name       string
		client     oauthtest.Client
		form       url.Values
		wantStatus int
		wantError  string
	}{
		{"missing grant_type", c, url.Values{}, 400, "invalid_request"},
		{"unsupported grant_type", c, url.Values{"grant_type": {"magic"}}, 400, "unsupported_grant_type"},
		{"repeated parameter", c, url.Values{"grant_type": {"client_credentials", "password"}}, 400, "invalid_request"},
		{"grant not allowed", limited, url.Values{
			"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"},
		}, 400, "unauthorized_client"},
		{"wrong password", c, url.Values{
			"grant_type": {"password"}, "username": {"alice"}, "password": {"x"},
		}, 400, "invalid_grant"},
		{"wrong username", c, url.Values{
			"grant_type": {"password"}, "username": {"bob"}, "password": {"wonderland"},
		}, 400, "invalid_grant"},
		{"password missing", c, url.Values{"grant_type": {"password"}, "username": {"alice"}}, 400, "invalid_request"},
		{"scope not allowed", c, url.Values{"grant_type": {"client_credentials"}, "scope": {"admin"}}, 400, "invalid_scope"},
		{"malformed scope", c, url.Values{"grant_type": {"client_credentials"}, "scope": {`a"b`}}, 400, "invalid_scope"},
		{"public client_credentials", public, url.Values{"grant_type": {"client_credentials"}}, 400, "unauthorized_client"},
		{"missing code", c, url.Values{"grant_type": {"authorization_code"}}, 400, "invalid_request"},
		{"unknown code", c, url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, 400, "invalid_grant"},
		{"missing refresh token", c, url.Values{"grant_type": {"refresh_token"}}, 400, "invalid_request"},
		{"unknown refresh token", c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}, 400, "invalid_grant"},
		{"missing device code", c, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}}, 400, "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := post(t, srv, srv.TokenURL(), tc.client, tc.form)
			wantError(t, r, tc.wantStatus, tc.wantError)
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q; want no-store", r.header.Get("Cache-Control"))
			}
		})
	}
}

func TestTokenEndpoint_requestFormat(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretPost})
	body := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}}.Encode()

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.TokenURL()+"?"+body, nil)
	wantError(t, do(t, srv, req), http.StatusMethodNotAllowed, "invalid_request")

	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, srv.TokenURL(), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	wantError(t, do(t, srv, req), http.StatusBadRequest, "invalid_request")
}

func TestClientCredentialsGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{Scopes: []string{"read", "write"}})
	r := clientCredentials(t, srv, c, "")
	wantToken(t, r)
	if r.str("refresh_token") != "" {
		t.Errorf("client_credentials issued a refresh token")
	}
	if got := r.str("scope"); got != "read write" {
		t.Errorf("default scope = %q; want %q", got, "read write")
	}
	if got, ok := r.body["expires_in"].(float64); !ok || got != 3600 {
		t.Errorf("expires_in = %v; want 3600", r.body["expires_in"])
	}
	r = clientCredentials(t, srv, c, "read read")
	if got := r.str("scope"); got != "read" {
		t.Errorf("scope = %q; want %q", got, "read")
	}
}

func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	r := password(t, srv, c)
	wantToken(t, r)
	if r.str("refresh_token") == "" {
		t.Errorf("password grant issued no refresh token")
	}
	info := get(t, srv, srv.UserInfoURL(), r.str("access_token"))
	if info.str("preferred_username") != "alice" || info.str("sub") != "user-1" {
		t.Errorf("userinfo = %s; want alice", info.raw)
	}
}

func TestServer_refreshTokenPolicy(t *testing.T) {
	t.Parallel()
	t.Run("NoRefreshTokens", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, func(s *oauthtest.Server) { s.NoRefreshTokens = true })
		r := password(t, srv, srv.RegisterClient(oauthtest.Client{}))
		if r.str("refresh_token") != "" {
			t.Errorf("refresh token issued with NoRefreshTokens")
		}
	})
	t.Run("client without refresh_token grant", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, nil)
		r := password(t, srv, srv.RegisterClient(oauthtest.Client{GrantTypes: []string{"password"}}))
		wantToken(t, r)
		if r.str("refresh_token") != "" {
			t.Errorf("refresh token issued to a client that may not refresh")
		}
	})
}

func TestServer_TokenResponseFormat(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) {
		s.TokenResponseFormat = oauthtest.FormatForm
		s.ExpiresField = "expires"
	})
	c := srv.RegisterClient(oauthtest.Client{})
	r := clientCredentials(t, srv, c, "")
	if ct := r.header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Fatalf("Content-Type = %q; want form", ct)
	}
	v, err := url.ParseQuery(string(r.raw))
	if err != nil {
		t.Fatal(err)
	}
	if v.Get("access_token") == "" || v.Get("token_type") != "Bearer" || v.Get("expires") != "3600" || v.Has("expires_in") {
		t.Errorf("form token response = %q; want access_token, token_type and expires", r.raw)
	}

	c.Secret = "wrong"
	r = clientCredentials(t, srv, c, "")
	v, _ = url.ParseQuery(string(r.raw))
	if r.status != 401 || v.Get("error") != "invalid_client" {
		t.Errorf("form error response = HTTP %d %q; want 401 invalid_client", r.status, r.raw)
	}
}

func TestServer_AccessTokenTTL(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, func(s *oauthtest.Server) { s.AccessTokenTTL = -1 })
	r := clientCredentials(t, srv, srv.RegisterClient(oauthtest.Client{}), "")
	if _, ok := r.body["expires_in"]; ok {
		t.Errorf("expires_in sent for a token that never expires")
	}
	clk.Advance(1000 * 24 * 3600e9)
	if got := get(t, srv, srv.ResourceURL(), r.str("access_token")); got.status != 200 {
		t.Errorf("non-expiring token refused: HTTP %d", got.status)
	}
}
