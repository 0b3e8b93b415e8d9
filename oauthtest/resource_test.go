package oauthtest_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestResource(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{Scopes: []string{"read"}})
	tok := clientCredentials(t, srv, c, "").str("access_token")

	r := get(t, srv, srv.ResourceURL()+"?site=stackoverflow", tok)
	want := map[string]any{
		"sub": c.ID, "scope": "read", "client_id": c.ID, "method": "GET",
		"query": map[string]any{"site": []any{"stackoverflow"}},
	}
	if diff := cmp.Diff(want, r.body); diff != "" {
		t.Errorf("resource answer mismatch (-want +got):\n%s", diff)
	}

	tests := []struct {
		name       string
		req        func() *http.Request
		wantStatus int
		wantAuth   string // substring of WWW-Authenticate
	}{
		{"form body", func() *http.Request {
			return newPost(t, srv.ResourceURL(), url.Values{"access_token": {tok}, "x": {"1"}})
		}, 200, ""},
		{"query", func() *http.Request {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.ResourceURL()+"?access_token="+tok, nil)
			return req
		}, 200, ""},
		{"no token", func() *http.Request {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.ResourceURL(), nil)
			return req
		}, 401, `Bearer realm="oauthtest"`},
		{"unknown token", func() *http.Request {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.ResourceURL(), nil)
			req.Header.Set("Authorization", "Bearer nope")
			return req
		}, 401, `error="invalid_token"`},
		{"two methods", func() *http.Request {
			req := newPost(t, srv.ResourceURL(), url.Values{"access_token": {tok}})
			req.Header.Set("Authorization", "Bearer "+tok)
			return req
		}, 400, `error="invalid_request"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, tc.req())
			if r.status != tc.wantStatus {
				t.Errorf("got HTTP %d %s; want %d", r.status, r.raw, tc.wantStatus)
			}
			if got := r.header.Get("WWW-Authenticate"); !strings.Contains(got, tc.wantAuth) {
				t.Errorf("WWW-Authenticate = %q; want it to contain %q", got, tc.wantAuth)
			}
		})
	}
	refreshTok := password(t, srv, c).str("refresh_token")
	if r := get(t, srv, srv.ResourceURL(), refreshTok); r.status != 401 {
		t.Errorf("refresh token accepted as access token: HTTP %d", r.status)
	}
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) {
		s.User = oauthtest.User{
			Subject: "u-9", Username: "bob", Password: "pw", Email: "bob@example.com", Name: "Bob",
			Claims: map[string]any{"locale": "fr", "sub": "ignored"},
		}
	})
	c := srv.RegisterClient(oauthtest.Client{})
	r := post(t, srv, srv.TokenURL(), c, url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"pw"}})
	got := get(t, srv, srv.UserInfoURL(), r.str("access_token")).body
	want := map[string]any{
		"sub": "u-9", "name": "Bob", "email": "bob@example.com", "email_verified": false,
		"preferred_username": "bob", "locale": "fr",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("userinfo mismatch (-want +got):\n%s", diff)
	}
	cc := get(t, srv, srv.UserInfoURL(), clientCredentials(t, srv, c, "").str("access_token"))
	if cc.status != http.StatusForbidden || !strings.Contains(cc.header.Get("WWW-Authenticate"), "insufficient_scope") {
		t.Errorf("userinfo with a client token: HTTP %d %q; want 403 insufficient_scope", cc.status, cc.header.Get("WWW-Authenticate"))
	}
}

func TestMetadata(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	m := get(t, srv, srv.MetadataURL(), "").body
	for key, want := range map[string]any{
		"issuer":                        srv.URL,
		"authorization_endpoint":        srv.AuthorizationURL(),
		"token_endpoint":                srv.TokenURL(),
		"revocation_endpoint":           srv.RevocationURL(),
		"introspection_endpoint":        srv.IntrospectionURL(),
		"device_authorization_endpoint": srv.DeviceAuthorizationURL(),
		"userinfo_endpoint":             srv.UserInfoURL(),
		"authorization_response_iss_parameter_supported": true,
	} {
		if m[key] != want {
			t.Errorf("metadata %s = %v; want %v", key, m[key], want)
		}
	}
	if diff := cmp.Diff([]any{"S256", "plain"}, m["code_challenge_methods_supported"]); diff != "" {
		t.Errorf("code_challenge_methods_supported mismatch (-want +got):\n%s", diff)
	}
	grants, _ := m["grant_types_supported"].([]any)
	if len(grants) != 8 {
		t.Errorf("grant_types_supported = %v; want 8 grants", grants)
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	clientCredentials(t, srv, c, "read")
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("Requests() has %d requests; want 1", len(reqs))
	}
	r := reqs[0]
	if r.Endpoint != oauthtest.TokenEndpoint || r.Method != "POST" || r.Path != "/token" ||
		r.Form.Get("scope") != "read" || !strings.HasPrefix(r.Header.Get("Authorization"), "Basic ") {
		t.Errorf("recorded request = %+v", r)
	}
	reqs[0].Form.Set("scope", "changed")
	if srv.Requests()[0].Form.Get("scope") != "read" {
		t.Errorf("Requests() returned shared state")
	}
}

func TestTLSServer(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewTLSServer()
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("URL = %q; want https", srv.URL)
	}
	c := srv.RegisterClient(oauthtest.Client{})
	wantToken(t, clientCredentials(t, srv, c, ""))
}

func TestServer_Handler(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewUnstartedServer()
	srv.URL = "https://auth.example"
	c := srv.RegisterClient(oauthtest.Client{})
	req := newPost(t, srv.URL+"/token", url.Values{"grant_type": {"client_credentials"}})
	req.SetBasicAuth(c.ID, c.Secret)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "access_token") {
		t.Errorf("Handler answered %d %s", rec.Code, rec.Body.String())
	}
	srv.Close()
}

func TestServer_startTwicePanics(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	defer func() {
		if msg, _ := recover().(string); !strings.HasPrefix(msg, "oauthtest: ") {
			t.Errorf("second Start panic = %q; want an oauthtest: panic", msg)
		}
	}()
	srv.Start()
}
