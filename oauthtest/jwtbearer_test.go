package oauthtest_test

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

const (
	grantJWTBearer     = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeAccess    = "urn:ietf:params:oauth:token-type:access_token"
	serviceAccount     = "robot@example.iam"
)

// bearerSetup is a server that trusts serviceAccount's key.
type bearerSetup struct {
	srv *oauthtest.Server
	now time.Time
	key *jose.Key
}

func newBearerSetup(t *testing.T) bearerSetup {
	t.Helper()
	srv, clk := newClockServer(t, nil)
	key := newES256(t, "sa-1")
	srv.TrustIssuer(serviceAccount, key)
	return bearerSetup{srv: srv, now: clk.Now(), key: key}
}

// grantClaims are valid grant assertion claims.
func (b bearerSetup) grantClaims() map[string]any {
	return map[string]any{
		"iss": serviceAccount, "sub": "user-1", "aud": b.srv.TokenURL(), "jti": rand.Text(),
		"iat": b.now.Unix(), "exp": b.now.Add(time.Hour).Unix(), "scope": "read write",
	}
}

func (b bearerSetup) request(t *testing.T, c *oauthtest.Client, assertion string, extra url.Values) response {
	t.Helper()
	form := url.Values{"grant_type": {grantJWTBearer}, "assertion": {assertion}}
	for k, v := range extra {
		form[k] = v
	}
	if c != nil {
		return post(t, b.srv, b.srv.TokenURL(), *c, form)
	}
	return do(t, b.srv, newPost(t, b.srv.TokenURL(), form))
}

func TestJWTBearerGrant(t *testing.T) {
	t.Parallel()
	b := newBearerSetup(t)
	r := b.request(t, nil, sign(t, b.key, jose.ES256, b.grantClaims()), nil)
	wantToken(t, r)
	if r.str("scope") != "read write" || r.str("refresh_token") != "" || r.str("id_token") != "" {
		t.Errorf("token response %s; want the assertion's scope, no refresh or ID token", short(r.raw))
	}
	res := get(t, b.srv, b.srv.ResourceURL(), r.str("access_token"))
	if res.str("sub") != "user-1" || res.str("client_id") != serviceAccount {
		t.Errorf("resource saw %s; want sub user-1 and the issuer as client", short(res.raw))
	}
	if info := get(t, b.srv, b.srv.UserInfoURL(), r.str("access_token")); info.str("email") != "alice@example.com" {
		t.Errorf("userinfo for the user's subject: %s", short(info.raw))
	}

	// Without sub, the issuer is the subject; the scope parameter wins.
	claims := b.grantClaims()
	delete(claims, "sub")
	r = b.request(t, nil, sign(t, b.key, jose.ES256, claims), url.Values{"scope": {"read"}})
	wantToken(t, r)
	res = get(t, b.srv, b.srv.ResourceURL(), r.str("access_token"))
	if res.str("sub") != serviceAccount || r.str("scope") != "read" {
		t.Errorf("resource saw %s, scope %q; want the issuer as subject and scope read", short(res.raw), r.str("scope"))
	}

	// An authenticated client is the token's client.
	c := b.srv.RegisterClient(oauthtest.Client{Scopes: []string{"read"}})
	r = b.request(t, &c, sign(t, b.key, jose.ES256, b.grantClaims()), url.Values{"scope": {"read"}})
	wantToken(t, r)
	if res := get(t, b.srv, b.srv.ResourceURL(), r.str("access_token")); res.str("client_id") != c.ID {
		t.Errorf("resource saw client %q; want %q", res.str("client_id"), c.ID)
	}
}

func TestJWTBearerGrant_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mutate     func(b bearerSetup, claims map[string]any) string // returns the assertion
		client     func(b bearerSetup) *oauthtest.Client
		extra      url.Values
		wantStatus int
		wantError  string
		wantDesc   string
	}{
		{name: "missing assertion", mutate: func(bearerSetup, map[string]any) string { return "" },
			wantStatus: 400, wantError: "invalid_request", wantDesc: "assertion required"},
		{name: "untrusted issuer", mutate: func(b bearerSetup, c map[string]any) string {
			c["iss"] = "someone@example"
			return sign(t, b.key, jose.ES256, c)
		}, wantStatus: 400, wantError: "invalid_grant", wantDesc: "not trusted"},
		{name: "bad signature", mutate: func(b bearerSetup, c map[string]any) string {
			return sign(t, newES256(t, "sa-1"), jose.ES256, c)
		}, wantStatus: 400, wantError: "invalid_grant", wantDesc: "invalid signature"},
		{name: "wrong aud", mutate: func(b bearerSetup, c map[string]any) string {
			c["aud"] = "https://other.example/token"
			return sign(t, b.key, jose.ES256, c)
		}, wantStatus: 400, wantError: "invalid_grant", wantDesc: "aud"},
		{name: "expired", mutate: func(b bearerSetup, c map[string]any) string {
			c["exp"] = b.now.Add(-time.Minute).Unix()
			return sign(t, b.key, jose.ES256, c)
		}, wantStatus: 400, wantError: "invalid_grant", wantDesc: "expired"},
		{name: "exp too far", mutate: func(b bearerSetup, c map[string]any) string {
			c["exp"] = b.now.Add(3 * time.Hour).Unix()
			return sign(t, b.key, jose.ES256, c)
		}, wantStatus: 400, wantError: "invalid_grant", wantDesc: "one hour"},
		{name: "iat in the future", mutate: func(b bearerSetup, c map[string]any) string {
			c["iat"] = b.now.Add(time.Hour).Unix()
			return sign(t, b.key, jose.ES256, c)
		}, wantStatus: 400, wantError: "invalid_grant", wantDesc: "iat"},
		{name: "malformed claims", mutate: func(b bearerSetup, c map[string]any) string {
			c["sub"] = 7
			return sign(t, b.key, jose.ES256, c)
		}, wantStatus: 400, wantError: "invalid_grant", wantDesc: "malformed"},
		{name: "scope not allowed", client: func(b bearerSetup) *oauthtest.Client {
			c := b.srv.RegisterClient(oauthtest.Client{Scopes: []string{"read"}})
			return &c
		}, wantStatus: 400, wantError: "invalid_scope"},
		{name: "grant not allowed", client: func(b bearerSetup) *oauthtest.Client {
			c := b.srv.RegisterClient(oauthtest.Client{GrantTypes: []string{"client_credentials"}})
			return &c
		}, wantStatus: 400, wantError: "unauthorized_client"},
		{name: "wrong client secret", client: func(b bearerSetup) *oauthtest.Client {
			c := b.srv.RegisterClient(oauthtest.Client{})
			c.Secret = "wrong"
			return &c
		}, wantStatus: 401, wantError: "invalid_client"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBearerSetup(t)
			claims := b.grantClaims()
			assertion := sign(t, b.key, jose.ES256, claims)
			if tc.mutate != nil {
				assertion = tc.mutate(b, claims)
			}
			var c *oauthtest.Client
			if tc.client != nil {
				c = tc.client(b)
			}
			r := b.request(t, c, assertion, tc.extra)
			wantError(t, r, tc.wantStatus, tc.wantError)
			if !strings.Contains(r.str("error_description"), tc.wantDesc) {
				t.Errorf("error_description = %q; want it to contain %q", r.str("error_description"), tc.wantDesc)
			}
		})
	}
}

func TestJWTBearerGrant_replayAndHMAC(t *testing.T) {
	t.Parallel()
	b := newBearerSetup(t)
	secret := &jose.Key{Key: []byte(strings.Repeat("h", 48))}
	b.srv.TrustIssuer("hmac-issuer", secret)
	claims := b.grantClaims()
	claims["iss"] = "hmac-issuer"
	claims["aud"] = b.srv.URL // the issuer is a valid audience too
	a := sign(t, secret, jose.HS384, claims)
	wantToken(t, b.request(t, nil, a, nil))
	r := b.request(t, nil, a, nil)
	wantError(t, r, http.StatusBadRequest, "invalid_grant")
	if !strings.Contains(r.str("error_description"), "already used") {
		t.Errorf("error_description = %q; want a replay", r.str("error_description"))
	}
	// Without jti an assertion may be used again.
	delete(claims, "jti")
	a = sign(t, secret, jose.HS384, claims)
	wantToken(t, b.request(t, nil, a, nil))
	wantToken(t, b.request(t, nil, a, nil))
}

func TestServer_TrustIssuer_panics(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	for _, tc := range []struct {
		iss string
		key *jose.Key
	}{{"", newES256(t, "")}, {"iss", nil}} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "oauthtest: ") {
					t.Errorf("TrustIssuer(%q, %v) panic = %q; want an oauthtest: panic", tc.iss, tc.key, msg)
				}
			}()
			srv.TrustIssuer(tc.iss, tc.key)
		}()
	}
}

func TestTokenExchangeGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	a := srv.RegisterClient(oauthtest.Client{Scopes: []string{"read", "write"}})
	b := srv.RegisterClient(oauthtest.Client{})
	subject := clientCredentials(t, srv, a, "read write").str("access_token")
	exchange := func(form url.Values) response {
		form.Set("grant_type", grantTokenExchange)
		return post(t, srv, srv.TokenURL(), b, form)
	}
	r := exchange(url.Values{"subject_token": {subject}, "subject_token_type": {tokenTypeAccess}, "scope": {"read"}})
	wantToken(t, r)
	if r.str("issued_token_type") != tokenTypeAccess || r.str("scope") != "read" || r.str("refresh_token") != "" {
		t.Errorf("exchange answered %s; want an access token with scope read", short(r.raw))
	}
	res := get(t, srv, srv.ResourceURL(), r.str("access_token"))
	if res.str("sub") != a.ID || res.str("client_id") != b.ID {
		t.Errorf("resource saw %s; want sub %s, client %s", short(res.raw), a.ID, b.ID)
	}

	user := password(t, srv, a)
	r = exchange(url.Values{"subject_token": {user.str("access_token")}, "subject_token_type": {tokenTypeAccess}})
	if info := get(t, srv, srv.UserInfoURL(), r.str("access_token")); info.str("sub") != "user-1" {
		t.Errorf("userinfo with an exchanged user token: %s", short(info.raw))
	}

	tests := []struct {
		name      string
		form      url.Values
		wantError string
	}{
		{"no subject_token", url.Values{"subject_token_type": {tokenTypeAccess}}, "invalid_request"},
		{"wrong type", url.Values{"subject_token": {subject}, "subject_token_type": {"urn:ietf:params:oauth:token-type:id_token"}}, "invalid_request"},
		{"unknown token", url.Values{"subject_token": {"x"}, "subject_token_type": {tokenTypeAccess}}, "invalid_request"},
		{"refresh token", url.Values{"subject_token": {user.str("refresh_token")}, "subject_token_type": {tokenTypeAccess}}, "invalid_request"},
		{"actor token without type", url.Values{"subject_token": {subject}, "subject_token_type": {tokenTypeAccess}, "actor_token": {subject}}, "invalid_request"},
		{"actor type without token", url.Values{"subject_token": {subject}, "subject_token_type": {tokenTypeAccess}, "actor_token_type": {tokenTypeAccess}}, "invalid_request"},
		{"unknown actor token", url.Values{"subject_token": {subject}, "subject_token_type": {tokenTypeAccess},
			"actor_token": {"x"}, "actor_token_type": {tokenTypeAccess}}, "invalid_request"},
		{"relative resource", url.Values{"subject_token": {subject}, "subject_token_type": {tokenTypeAccess}, "resource": {"/api"}}, "invalid_target"},
		{"requested type", url.Values{
			"subject_token": {subject}, "subject_token_type": {tokenTypeAccess},
			"requested_token_type": {"urn:ietf:params:oauth:token-type:refresh_token"},
		}, "invalid_request"},
		{"wider scope", url.Values{"subject_token": {subject}, "subject_token_type": {tokenTypeAccess}, "scope": {"admin"}}, "invalid_scope"},
	}
	for _, tc := range tests {
		wantError(t, exchange(tc.form), http.StatusBadRequest, tc.wantError)
	}
}

func TestTokenExchangeGrant_delegation(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	a := srv.RegisterClient(oauthtest.Client{})
	b := srv.RegisterClient(oauthtest.Client{})
	user := password(t, srv, a).str("access_token")
	actor := clientCredentials(t, srv, b, "").str("access_token")
	r := post(t, srv, srv.TokenURL(), b, url.Values{
		"grant_type": {grantTokenExchange}, "subject_token": {user}, "subject_token_type": {tokenTypeAccess},
		"actor_token": {actor}, "actor_token_type": {tokenTypeAccess}, "requested_token_type": {tokenTypeAccess},
		"resource": {"https://api.example/a", "https://api.example/b"}, "audience": {"billing"},
	})
	wantToken(t, r)
	info := post(t, srv, srv.IntrospectionURL(), b, url.Values{"token": {r.str("access_token")}})
	act, _ := info.body["act"].(map[string]any)
	if info.str("sub") != "user-1" || act["sub"] != b.ID {
		t.Errorf("introspection = %s; want sub user-1 acted for by %s", short(info.raw), b.ID)
	}
	aud, _ := info.body["aud"].([]any)
	if len(aud) != 3 || aud[0] != "https://api.example/a" || aud[1] != "https://api.example/b" || aud[2] != "billing" {
		t.Errorf("introspection aud = %v; want both resources and the audience", info.body["aud"])
	}
}
