package oauthtest_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oauthkit/oauthkit/oauthtest"
)

const (
	callback = "http://127.0.0.1:9/cb"
	verifier = "dBjftJeZ4CVP-mJ0APq1Cy3rUIu8TgHhbbL_xwyQ0-bv6w"
)

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorize runs the authorization request and returns the callback URL.
func authorize(t *testing.T, srv *oauthtest.Server, params url.Values) *url.URL {
	t.Helper()
	cb, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+params.Encode())
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	u, err := url.Parse(cb)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func codeParams(c oauthtest.Client) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {callback},
		"state": {"xyz"}, "code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"},
	}
}

// getCode runs the authorization request and returns the code.
func getCode(t *testing.T, srv *oauthtest.Server, params url.Values) string {
	t.Helper()
	q := authorize(t, srv, params).Query()
	if q.Get("code") == "" {
		t.Fatalf("callback %v has no code", q)
	}
	return q.Get("code")
}

func exchange(t *testing.T, srv *oauthtest.Server, c oauthtest.Client, code, verifier string) response {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	return post(t, srv, srv.TokenURL(), c, form)
}

func TestAuthorizationCodeFlow(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	cb := authorize(t, srv, codeParams(c))
	q := cb.Query()
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != callback {
		t.Errorf("redirected to %q; want %q", got, callback)
	}
	if q.Get("state") != "xyz" || q.Get("iss") != srv.URL {
		t.Errorf("callback query = %v; want state xyz and iss %q", q, srv.URL)
	}
	r := exchange(t, srv, c, q.Get("code"), verifier)
	wantToken(t, r)
	if r.str("refresh_token") == "" {
		t.Errorf("no refresh token")
	}
	res := get(t, srv, srv.ResourceURL(), r.str("access_token"))
	if res.str("sub") != "user-1" || res.str("client_id") != c.ID {
		t.Errorf("resource answered %s; want sub user-1 and client %s", res.raw, c.ID)
	}
}

func TestAuthorizationCodeFlow_plainPKCE(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone, RedirectURIs: []string{callback}})
	p := codeParams(c)
	p.Set("code_challenge", verifier)
	p.Del("code_challenge_method") // plain is the default (RFC 7636 §4.3)
	wantToken(t, exchange(t, srv, c, getCode(t, srv, p), verifier))
}

func TestAuthorizationCodeFlow_redirectURIQueryKept(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	cb := "http://127.0.0.1:9/cb?tenant=a"
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{cb}})
	u := authorize(t, srv, url.Values{"response_type": {"code"}, "client_id": {c.ID}})
	if u.Query().Get("tenant") != "a" || u.Query().Get("code") == "" {
		t.Errorf("callback = %v; want tenant=a and a code", u)
	}
}

func TestAuthorizationCodeGrant_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		params    func(url.Values)
		form      func(url.Values)
		other     bool // redeem as another client
		wantError string
	}{
		{name: "wrong verifier", form: func(f url.Values) { f.Set("code_verifier", strings.Repeat("a", 43)) }, wantError: "invalid_grant"},
		{name: "missing verifier", form: func(f url.Values) { f.Del("code_verifier") }, wantError: "invalid_grant"},
		{name: "short verifier", form: func(f url.Values) { f.Set("code_verifier", "abc") }, wantError: "invalid_grant"},
		{
			name:   "verifier without challenge",
			params: func(p url.Values) { p.Del("code_challenge"); p.Del("code_challenge_method") },
			form:   func(url.Values) {}, wantError: "invalid_grant",
		},
		{name: "redirect_uri mismatch", form: func(f url.Values) { f.Set("redirect_uri", "http://127.0.0.1:9/other") }, wantError: "invalid_grant"},
		{name: "redirect_uri missing", form: func(f url.Values) { f.Del("redirect_uri") }, wantError: "invalid_grant"},
		{name: "another client", form: func(url.Values) {}, other: true, wantError: "invalid_grant"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, nil)
			c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback, callback + "2"}})
			p := codeParams(c)
			if tc.params != nil {
				tc.params(p)
			}
			form := url.Values{
				"grant_type": {"authorization_code"}, "code": {getCode(t, srv, p)},
				"redirect_uri": {callback}, "code_verifier": {verifier},
			}
			tc.form(form)
			if tc.other {
				c = srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
			}
			wantError(t, post(t, srv, srv.TokenURL(), c, form), 400, tc.wantError)
		})
	}
}

func TestAuthorizationCodeGrant_reuseRevokesTokens(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	code := getCode(t, srv, codeParams(c))
	first := exchange(t, srv, c, code, verifier)
	wantToken(t, first)
	wantError(t, exchange(t, srv, c, code, verifier), 400, "invalid_grant")
	if r := get(t, srv, srv.ResourceURL(), first.str("access_token")); r.status != 401 {
		t.Errorf("access token from a reused code still works: HTTP %d", r.status)
	}
	r := post(t, srv, srv.TokenURL(), c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first.str("refresh_token")}})
	wantError(t, r, 400, "invalid_grant")
}

func TestAuthorizationCodeGrant_expiry(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, func(s *oauthtest.Server) { s.CodeTTL = 30 * time.Second })
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	code := getCode(t, srv, codeParams(c))
	clk.Advance(30 * time.Second)
	wantError(t, exchange(t, srv, c, code, verifier), 400, "invalid_grant")
}

func TestAuthorize_redirectedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		client    oauthtest.Client
		params    func(url.Values)
		wantError string
	}{
		{name: "missing response_type", params: func(p url.Values) { p.Del("response_type") }, wantError: "invalid_request"},
		{name: "unknown response_type", params: func(p url.Values) { p.Set("response_type", "magic") }, wantError: "unsupported_response_type"},
		{name: "bad challenge method", params: func(p url.Values) { p.Set("code_challenge_method", "S512") }, wantError: "invalid_request"},
		{name: "short challenge", params: func(p url.Values) { p.Set("code_challenge", "abc") }, wantError: "invalid_request"},
		{name: "method without challenge", params: func(p url.Values) { p.Del("code_challenge") }, wantError: "invalid_request"},
		{
			name: "public client without PKCE", client: oauthtest.Client{AuthMethod: oauthtest.AuthNone},
			params: func(p url.Values) { p.Del("code_challenge"); p.Del("code_challenge_method") }, wantError: "invalid_request",
		},
		{
			name: "PKCE required", client: oauthtest.Client{RequirePKCE: true},
			params: func(p url.Values) { p.Del("code_challenge"); p.Del("code_challenge_method") }, wantError: "invalid_request",
		},
		{name: "scope not allowed", client: oauthtest.Client{Scopes: []string{"read"}}, params: func(p url.Values) { p.Set("scope", "write") }, wantError: "invalid_scope"},
		{name: "grant not allowed", client: oauthtest.Client{GrantTypes: []string{"implicit"}}, wantError: "unauthorized_client"},
		{name: "unknown response_mode", params: func(p url.Values) { p.Set("response_mode", "web_message") }, wantError: "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, nil)
			tc.client.RedirectURIs = []string{callback}
			c := srv.RegisterClient(tc.client)
			p := codeParams(c)
			if tc.params != nil {
				tc.params(p)
			}
			q := authorize(t, srv, p).Query()
			if q.Get("error") != tc.wantError || q.Get("state") != "xyz" || q.Has("code") {
				t.Errorf("callback query = %v; want error %q with state", q, tc.wantError)
			}
		})
	}
}

func TestAuthorize_notRedirected(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback, callback + "2"}})
	tests := []struct {
		name   string
		params url.Values
	}{
		{"unknown client", url.Values{"response_type": {"code"}, "client_id": {"nobody"}, "redirect_uri": {callback}}},
		{"missing client", url.Values{"response_type": {"code"}, "redirect_uri": {callback}}},
		{"unregistered redirect", url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {"http://evil/cb"}}},
		{"ambiguous redirect", url.Values{"response_type": {"code"}, "client_id": {c.ID}}},
		{"repeated parameter", url.Values{"response_type": {"code"}, "client_id": {c.ID, c.ID}, "redirect_uri": {callback}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cb, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+tc.params.Encode())
			if err == nil || !strings.Contains(err.Error(), "invalid_request") {
				t.Errorf("Authorize() = %q, %v; want an invalid_request error", cb, err)
			}
		})
	}
}

func TestAuthorize_consent(t *testing.T) {
	t.Parallel()
	var got oauthtest.AuthorizationRequest
	bob := oauthtest.User{Subject: "user-2", Username: "bob"}
	deny := true
	srv := newServer(t, func(s *oauthtest.Server) {
		s.Consent = func(req oauthtest.AuthorizationRequest) oauthtest.AuthorizationDecision {
			got = req
			if deny {
				return oauthtest.AuthorizationDecision{Deny: true, ErrorDescription: "no thanks"}
			}
			return oauthtest.AuthorizationDecision{User: &bob}
		}
	})
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}, Scopes: []string{"read", "write"}})
	p := codeParams(c)
	p.Set("nonce", "n-1")
	q := authorize(t, srv, p).Query()
	want := url.Values{"error": {"access_denied"}, "error_description": {"no thanks"}, "state": {"xyz"}, "iss": {srv.URL}}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Errorf("denied callback query mismatch (-want +got):\n%s", diff)
	}
	if got.Scope != "read write" || got.Nonce != "n-1" || got.CodeChallengeMethod != "S256" || got.RedirectURI != callback {
		t.Errorf("Consent got %+v", got)
	}

	deny = false
	r := exchange(t, srv, c, getCode(t, srv, p), verifier)
	if info := get(t, srv, srv.UserInfoURL(), r.str("access_token")); info.str("sub") != "user-2" {
		t.Errorf("userinfo sub = %q; want the consenting user", info.str("sub"))
	}
}

func TestAuthorize_implicit(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.OmitIssuer = true })
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone, RedirectURIs: []string{callback}})
	u := authorize(t, srv, url.Values{"response_type": {"token"}, "client_id": {c.ID}, "state": {"s1"}})
	if u.RawQuery != "" {
		t.Errorf("implicit response used the query: %v", u)
	}
	f, err := url.ParseQuery(u.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if f.Get("access_token") == "" || f.Get("token_type") != "Bearer" || f.Get("expires_in") != "3600" ||
		f.Get("state") != "s1" || f.Has("refresh_token") || f.Has("iss") {
		t.Errorf("fragment = %v; want access_token, token_type, expires_in, state, no refresh_token and no iss", f)
	}

	u = authorize(t, srv, url.Values{"response_type": {"token"}, "client_id": {c.ID}, "response_mode": {"query"}})
	if f, _ := url.ParseQuery(u.Fragment); f.Get("error") != "invalid_request" {
		t.Errorf("response_mode=query with token: fragment %v; want invalid_request", f)
	}
}

func TestAuthorize_fragmentMode(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	p := codeParams(c)
	p.Set("response_mode", "fragment")
	u := authorize(t, srv, p)
	f, _ := url.ParseQuery(u.Fragment)
	wantToken(t, exchange(t, srv, c, f.Get("code"), verifier))
}

func TestAuthorize_post(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	hc := *srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.PostForm(srv.AuthorizationURL(), codeParams(c))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Errorf("POST /authorize = HTTP %d Location %v; want 302 with code", resp.StatusCode, loc)
	}
}
