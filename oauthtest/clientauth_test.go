package oauthtest_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// authCase sends a password grant request authenticated in some way.
type authCase struct {
	name       string
	method     string // registered AuthMethod
	id, secret string // registered values; empty: generated
	// build adds credentials to the request's form, query or header.
	build      func(req url.Values, query url.Values, h http.Header, c oauthtest.Client)
	wantStatus int
	wantError  string
	wantBasic  bool // a WWW-Authenticate Basic challenge is expected
}

func (tc authCase) run(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{ID: tc.id, Secret: tc.secret, AuthMethod: tc.method})
	form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}}
	query := url.Values{}
	h := http.Header{}
	tc.build(form, query, h, c)
	u := srv.TokenURL()
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req := newPost(t, u, form)
	for k, v := range h {
		req.Header[k] = v
	}
	r := do(t, srv, req)
	if tc.wantError == "" {
		wantToken(t, r)
		return
	}
	wantError(t, r, tc.wantStatus, tc.wantError)
	if got := r.header.Get("WWW-Authenticate"); (got != "") != tc.wantBasic {
		t.Errorf("WWW-Authenticate = %q; want challenge: %v", got, tc.wantBasic)
	}
}

func basicHeader(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

func withBasic(form, query url.Values, h http.Header, c oauthtest.Client) {
	h.Set("Authorization", basicHeader(url.QueryEscape(c.ID), url.QueryEscape(c.Secret)))
}

func withPost(form, query url.Values, h http.Header, c oauthtest.Client) {
	form.Set("client_id", c.ID)
	form.Set("client_secret", c.Secret)
}

func withURI(form, query url.Values, h http.Header, c oauthtest.Client) {
	query.Set("client_id", c.ID)
	query.Set("client_secret", c.Secret)
}

func withID(form, query url.Values, h http.Header, c oauthtest.Client) {
	form.Set("client_id", c.ID)
}

func TestClientAuthentication(t *testing.T) {
	t.Parallel()
	tests := []authCase{
		{name: "basic", method: oauthtest.ClientSecretBasic, build: withBasic},
		{name: "basic default method", build: withBasic},
		{
			name: "basic form-encoded credentials", id: "my client:1", secret: "s+e/c r%t",
			build: withBasic,
		},
		{
			name: "basic credentials not form-encoded", id: "app", secret: "a+b",
			build: func(_, _ url.Values, h http.Header, c oauthtest.Client) {
				h.Set("Authorization", basicHeader(c.ID, c.Secret)) // "+" decodes to " "
			},
			wantStatus: 401, wantError: "invalid_client", wantBasic: true,
		},
		{
			name: "basic wrong secret",
			build: func(_, _ url.Values, h http.Header, c oauthtest.Client) {
				h.Set("Authorization", basicHeader(c.ID, "wrong"))
			},
			wantStatus: 401, wantError: "invalid_client", wantBasic: true,
		},
		{
			name: "basic malformed header",
			build: func(_, _ url.Values, h http.Header, c oauthtest.Client) {
				h.Set("Authorization", "Basic !!!")
			},
			wantStatus: 401, wantError: "invalid_client", wantBasic: true,
		},
		{
			name: "basic client sends post", build: withPost,
			wantStatus: 401, wantError: "invalid_client",
		},
		{name: "post", method: oauthtest.ClientSecretPost, build: withPost},
		{
			name: "post wrong secret", method: oauthtest.ClientSecretPost,
			build: func(form, _ url.Values, _ http.Header, c oauthtest.Client) {
				form.Set("client_id", c.ID)
				form.Set("client_secret", "wrong")
			},
			wantStatus: 401, wantError: "invalid_client",
		},
		{
			name: "post client sends basic", method: oauthtest.ClientSecretPost, build: withBasic,
			wantStatus: 401, wantError: "invalid_client", wantBasic: true,
		},
		{name: "none", method: oauthtest.AuthNone, build: withID},
		{
			name: "none client sends secret", method: oauthtest.AuthNone,
			build: func(form, _ url.Values, _ http.Header, c oauthtest.Client) {
				form.Set("client_id", c.ID)
				form.Set("client_secret", "x")
			},
			wantStatus: 401, wantError: "invalid_client",
		},
		{
			name: "confidential client sends no secret", build: withID,
			wantStatus: 401, wantError: "invalid_client",
		},
		{name: "uri", method: oauthtest.ClientSecretURI, build: withURI},
		{
			name: "uri with every parameter in the query", method: oauthtest.ClientSecretURI,
			build: func(form, query url.Values, h http.Header, c oauthtest.Client) {
				withURI(form, query, h, c)
				for k := range form {
					query.Set(k, form.Get(k))
					form.Del(k)
				}
			},
		},
		{
			name: "uri wrong secret", method: oauthtest.ClientSecretURI,
			build: func(_, query url.Values, _ http.Header, c oauthtest.Client) {
				query.Set("client_id", c.ID)
				query.Set("client_secret", "wrong")
			},
			wantStatus: 401, wantError: "invalid_client",
		},
		{
			name: "post client sends uri", method: oauthtest.ClientSecretPost, build: withURI,
			wantStatus: 401, wantError: "invalid_client",
		},
		{
			name: "two methods at once", method: oauthtest.ClientSecretPost,
			build: func(form, query url.Values, h http.Header, c oauthtest.Client) {
				withPost(form, query, h, c)
				withBasic(form, query, h, c)
			},
			wantStatus: 400, wantError: "invalid_request",
		},
		{
			name: "client_id differs from basic", build: func(form, query url.Values, h http.Header, c oauthtest.Client) {
				withBasic(form, query, h, c)
				form.Set("client_id", "other")
			},
			wantStatus: 400, wantError: "invalid_request",
		},
		{
			name: "unknown client",
			build: func(_, _ url.Values, h http.Header, _ oauthtest.Client) {
				h.Set("Authorization", basicHeader("nobody", "x"))
			},
			wantStatus: 401, wantError: "invalid_client", wantBasic: true,
		},
		{
			name: "no credentials", build: func(url.Values, url.Values, http.Header, oauthtest.Client) {},
			wantStatus: 401, wantError: "invalid_client",
		},
		{
			name: "basic client sends an assertion",
			build: func(form, _ url.Values, _ http.Header, c oauthtest.Client) {
				form.Set("client_id", c.ID)
				form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
				form.Set("client_assertion", "a.b.c")
			},
			wantStatus: 401, wantError: "invalid_client",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestRegisterClient(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	redirects := []string{"http://127.0.0.1/cb"}
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: redirects})
	if c.ID == "" || c.Secret == "" || c.AuthMethod != oauthtest.ClientSecretBasic {
		t.Errorf("RegisterClient filled ID %q, Secret %q, AuthMethod %q; want generated values and client_secret_basic",
			c.ID, c.Secret, c.AuthMethod)
	}
	redirects[0] = "http://changed"
	if c.RedirectURIs[0] != "http://127.0.0.1/cb" {
		t.Errorf("RegisterClient kept the caller's slice")
	}
	pub := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone})
	if pub.Secret != "" {
		t.Errorf("public client got secret %q; want none", pub.Secret)
	}
}

func TestRegisterClient_panics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    oauthtest.Client
	}{
		{"duplicate id", oauthtest.Client{ID: "dup"}},
		{"unknown method", oauthtest.Client{AuthMethod: "magic"}},
		{"public with secret", oauthtest.Client{AuthMethod: oauthtest.AuthNone, Secret: "s"}},
		{"relative redirect", oauthtest.Client{RedirectURIs: []string{"/cb"}}},
		{"redirect with fragment", oauthtest.Client{RedirectURIs: []string{"http://x/cb#f"}}},
		{"private_key_jwt without key", oauthtest.Client{AuthMethod: oauthtest.PrivateKeyJWT}},
		{"private_key_jwt with empty JWKS", oauthtest.Client{AuthMethod: oauthtest.PrivateKeyJWT, JWKS: &jose.KeySet{}}},
		{"symmetric PublicKey", oauthtest.Client{AuthMethod: oauthtest.PrivateKeyJWT, PublicKey: &jose.Key{Key: make([]byte, 32)}}},
		{"short client_secret_jwt secret", oauthtest.Client{AuthMethod: oauthtest.ClientSecretJWT, Secret: "short"}},
	}
	srv := newServer(t, nil)
	srv.RegisterClient(oauthtest.Client{ID: "dup"})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if len(msg) < 11 || msg[:11] != "oauthtest: " {
					t.Errorf("RegisterClient panic = %q; want an oauthtest: panic", msg)
				}
			}()
			srv.RegisterClient(tc.c)
		})
	}
}
