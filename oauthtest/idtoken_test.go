package oauthtest_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// fetchJWKS fetches the server's JWKS over HTTP.
func fetchJWKS(t *testing.T, srv *oauthtest.Server) *jose.KeySet {
	t.Helper()
	r := get(t, srv, srv.JWKSURL(), "")
	ks, err := jose.ParseJWKS(r.raw)
	if r.status != 200 || err != nil {
		t.Fatalf("JWKS: HTTP %d %s: %v", r.status, short(r.raw), err)
	}
	return ks
}

// verifyJWT verifies tok with the server's published JWKS and alg, and
// returns its header and claims.
func verifyJWT(t *testing.T, srv *oauthtest.Server, tok, alg string) (jose.Header, map[string]any) {
	t.Helper()
	v, err := jose.Verify(t.Context(), tok, fetchJWKS(t, srv), jose.VerifyOptions{Algorithms: []string{alg}})
	if err != nil {
		t.Fatalf("Verify(%.40q...) = %v", tok, err)
	}
	return v.Header, decodeJSON(t, v.Payload)
}

// unverified decodes tok without checking it, even an unsecured JWT.
func unverified(t *testing.T, tok string) (jose.Header, map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a compact JWS", tok)
	}
	var b [2][]byte
	for i := range b {
		var err error
		if b[i], err = base64.RawURLEncoding.DecodeString(parts[i]); err != nil {
			t.Fatalf("token %q: %v", tok, err)
		}
	}
	h := decodeJSON(t, b[0])
	str := func(k string) string { s, _ := h[k].(string); return s }
	return jose.Header{Algorithm: str("alg"), KeyID: str("kid"), Type: str("typ")}, decodeJSON(t, b[1])
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("claims %q: %v", b, err)
	}
	return m
}

// leftHash is the at_hash/c_hash of OpenID Connect Core 1.0 §3.1.3.6,
// computed independently of the server.
func leftHash(alg, v string) string {
	var h hash.Hash = sha256.New()
	switch alg {
	case "ES384", "RS384", "PS384":
		h = sha512.New384()
	case "ES512", "RS512", "PS512", "EdDSA":
		h = sha512.New()
	}
	h.Write([]byte(v))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

func oidcParams(c oauthtest.Client, responseType string) url.Values {
	p := codeParams(c)
	p.Set("response_type", responseType)
	p.Set("scope", "openid profile email")
	p.Set("nonce", "n-0S6_WzA2Mj")
	return p
}

// unix returns t as a JSON-decoded NumericDate.
func unix(t time.Time) float64 { return float64(t.Unix()) }

func TestIDToken_authorizationCode(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	p := oidcParams(c, "code")
	p.Set("max_age", "60")
	code := getCode(t, srv, p)
	authTime := clk.Now()
	clk.Advance(5 * time.Second)
	r := exchange(t, srv, c, code, verifier)
	wantToken(t, r)
	h, claims := verifyJWT(t, srv, r.str("id_token"), "RS256")
	now := clk.Now()
	want := map[string]any{
		"iss": srv.URL, "sub": "user-1", "aud": c.ID, "iat": unix(now), "exp": unix(now.Add(time.Hour)),
		"auth_time": unix(authTime), "nonce": "n-0S6_WzA2Mj", "at_hash": leftHash("RS256", r.str("access_token")),
		"name": "Alice", "preferred_username": "alice", "email": "alice@example.com", "email_verified": true,
	}
	if diff := cmp.Diff(want, claims); diff != "" {
		t.Errorf("ID token claims mismatch (-want +got):\n%s", diff)
	}
	if kid := srv.PublicKeys().Keys[0].KeyID; h.KeyID != kid || h.Type != "JWT" {
		t.Errorf("header kid %q typ %q; want %q JWT", h.KeyID, h.Type, kid)
	}

	// A refresh brings a new ID token without nonce (OpenID Connect Core
	// 1.0 §12.2) and with the original auth_time.
	clk.Advance(10 * time.Minute)
	rr := post(t, srv, srv.TokenURL(), c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r.str("refresh_token")}})
	wantToken(t, rr)
	_, claims = verifyJWT(t, srv, rr.str("id_token"), "RS256")
	if _, ok := claims["nonce"]; ok || claims["auth_time"] != unix(authTime) || claims["iat"] != unix(clk.Now()) ||
		claims["at_hash"] != leftHash("RS256", rr.str("access_token")) {
		t.Errorf("refreshed ID token claims = %v; want no nonce, the original auth_time, a new iat and at_hash", claims)
	}
}

func TestIDToken_scopes(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) {
		s.User = oauthtest.DefaultUser()
		s.User.Claims = map[string]any{"groups": []any{"admin"}}
		s.IDTokenTTL = time.Minute
	})
	c := srv.RegisterClient(oauthtest.Client{})
	tests := []struct {
		scope   string
		present []string
		absent  []string
	}{
		{"openid", []string{"sub", "groups", "auth_time"}, []string{"name", "email", "nonce", "c_hash", "azp"}},
		{"openid profile", []string{"name", "preferred_username"}, []string{"email", "email_verified"}},
		{"openid email", []string{"email", "email_verified"}, []string{"name"}},
	}
	for _, tc := range tests {
		r := post(t, srv, srv.TokenURL(), c, url.Values{
			"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}, "scope": {tc.scope},
		})
		_, claims := verifyJWT(t, srv, r.str("id_token"), "RS256")
		for _, k := range tc.present {
			if _, ok := claims[k]; !ok {
				t.Errorf("scope %q: claim %q missing from %v", tc.scope, k, claims)
			}
		}
		for _, k := range tc.absent {
			if _, ok := claims[k]; ok {
				t.Errorf("scope %q: unexpected claim %q in %v", tc.scope, k, claims)
			}
		}
		if exp, iat := claims["exp"].(float64), claims["iat"].(float64); exp-iat != 60 {
			t.Errorf("exp - iat = %v; want IDTokenTTL 60", exp-iat)
		}
	}
	if r := password(t, srv, c); r.str("id_token") != "" {
		t.Errorf("ID token issued without the openid scope")
	}
	if r := clientCredentials(t, srv, c, "openid"); r.str("id_token") != "" {
		t.Errorf("ID token issued to a client_credentials grant")
	}
}

func TestServer_IDTokenAlg(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(s *oauthtest.Server) { s.IDTokenAlg = alg })
			c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
			q := fragment(t, authorize(t, srv, oidcParams(c, "code id_token token")))
			h, claims := verifyJWT(t, srv, q.Get("id_token"), alg)
			if h.Algorithm != alg || claims["at_hash"] != leftHash(alg, q.Get("access_token")) ||
				claims["c_hash"] != leftHash(alg, q.Get("code")) {
				t.Errorf("alg %s, at_hash %v, c_hash %v; want %s and hashes of the token and code",
					h.Algorithm, claims["at_hash"], claims["c_hash"], alg)
			}
			m := get(t, srv, srv.OpenIDConfigurationURL(), "").body
			if diff := cmp.Diff([]any{alg}, m["id_token_signing_alg_values_supported"]); diff != "" {
				t.Errorf("id_token_signing_alg_values_supported mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// fragment returns the parameters of a callback URL's fragment.
func fragment(t *testing.T, u *url.URL) url.Values {
	t.Helper()
	q, err := url.ParseQuery(u.Fragment)
	if err != nil {
		t.Fatalf("fragment %q: %v", u.Fragment, err)
	}
	return q
}

func TestAuthorize_hybrid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		responseType          string
		code, token, idToken  bool
		needOpenID, needNonce bool
	}{
		{"id_token", false, false, true, true, true},
		{"id_token token", false, true, true, true, true},
		{"token id_token", false, true, true, true, true},
		{"code id_token", true, false, true, true, true},
		{"code token", true, true, false, false, true},
		{"code id_token token", true, true, true, true, true},
		{"id_token token code", true, true, true, true, true},
	}
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	for _, tc := range tests {
		t.Run(tc.responseType, func(t *testing.T) {
			t.Parallel()
			u := authorize(t, srv, oidcParams(c, tc.responseType))
			q := fragment(t, u)
			if u.RawQuery != "" || q.Get("state") != "xyz" || q.Get("iss") != srv.URL {
				t.Fatalf("callback %v; want state and iss in the fragment only", u)
			}
			if q.Has("code") != tc.code || q.Has("access_token") != tc.token || q.Has("id_token") != tc.idToken ||
				q.Has("refresh_token") {
				t.Fatalf("fragment %v; want code %v, access_token %v, id_token %v, no refresh_token",
					q, tc.code, tc.token, tc.idToken)
			}
			if tc.idToken {
				_, claims := verifyJWT(t, srv, q.Get("id_token"), "RS256")
				checkHashes(t, claims, q)
			}
			if tc.code {
				r := exchange(t, srv, c, q.Get("code"), verifier)
				_, claims := verifyJWT(t, srv, r.str("id_token"), "RS256")
				if claims["nonce"] != "n-0S6_WzA2Mj" {
					t.Errorf("token endpoint ID token nonce = %v; want the request's", claims["nonce"])
				}
			}
		})
	}
}

// checkHashes checks nonce, at_hash and c_hash of an ID token sent in an
// authorization response q.
func checkHashes(t *testing.T, claims map[string]any, q url.Values) {
	t.Helper()
	if claims["nonce"] != "n-0S6_WzA2Mj" {
		t.Errorf("nonce = %v; want the request's", claims["nonce"])
	}
	for claim, param := range map[string]string{"at_hash": "access_token", "c_hash": "code"} {
		got, ok := claims[claim]
		switch {
		case q.Has(param) && got != leftHash("RS256", q.Get(param)):
			t.Errorf("%s = %v; want the hash of %s", claim, got, param)
		case !q.Has(param) && ok:
			t.Errorf("%s = %v sent without %s", claim, got, param)
		}
	}
}

func TestAuthorize_hybridErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		client    oauthtest.Client
		params    func(url.Values)
		wantError string
		inQuery   bool
	}{
		{name: "id_token without openid", params: func(p url.Values) { p.Set("scope", "profile") }, wantError: "invalid_scope"},
		{name: "id_token without nonce", params: func(p url.Values) { p.Del("nonce") }, wantError: "invalid_request"},
		{
			name:      "code token with openid without nonce",
			params:    func(p url.Values) { p.Set("response_type", "code token"); p.Del("nonce") },
			wantError: "invalid_request",
		},
		{name: "query mode", params: func(p url.Values) { p.Set("response_mode", "query") }, wantError: "invalid_request"},
		{name: "implicit not allowed", client: oauthtest.Client{GrantTypes: []string{"authorization_code"}}, wantError: "unauthorized_client"},
		{
			name: "repeated value", params: func(p url.Values) { p.Set("response_type", "code code") },
			wantError: "unsupported_response_type", inQuery: true,
		},
		{
			name: "double space", params: func(p url.Values) { p.Set("response_type", "code  id_token") },
			wantError: "unsupported_response_type", inQuery: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, nil)
			tc.client.RedirectURIs = []string{callback}
			c := srv.RegisterClient(tc.client)
			p := oidcParams(c, "code id_token")
			if tc.params != nil {
				tc.params(p)
			}
			u := authorize(t, srv, p)
			q := u.Query()
			if !tc.inQuery {
				q = fragment(t, u)
			}
			if q.Get("error") != tc.wantError || q.Has("code") || q.Has("id_token") {
				t.Errorf("callback %v; want error %q", u, tc.wantError)
			}
		})
	}
}

func TestAuthorize_codeTokenWithoutOpenID(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	p := codeParams(c)
	p.Set("response_type", "code token")
	q := fragment(t, authorize(t, srv, p))
	if q.Get("code") == "" || q.Get("access_token") == "" || q.Has("id_token") {
		t.Errorf("fragment %v; want code and access_token only", q)
	}
	if r := exchange(t, srv, c, q.Get("code"), verifier); r.str("id_token") != "" || r.str("access_token") == "" {
		t.Errorf("exchange answered %s; want a token without id_token", short(r.raw))
	}
}

func TestIDToken_deviceGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	d := post(t, srv, srv.DeviceAuthorizationURL(), c, url.Values{"scope": {"openid"}})
	if err := srv.ApproveDevice(d.str("user_code")); err != nil {
		t.Fatal(err)
	}
	r := post(t, srv, srv.TokenURL(), c, url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {d.str("device_code")},
	})
	if _, claims := verifyJWT(t, srv, r.str("id_token"), "RS256"); claims["sub"] != "user-1" {
		t.Errorf("device grant ID token sub = %v", claims["sub"])
	}
	if !strings.Contains(short(r.raw), "id_token") {
		t.Errorf("no id_token in %s", short(r.raw))
	}
}
