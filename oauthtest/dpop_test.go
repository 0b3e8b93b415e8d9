package oauthtest_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

func newProver(t *testing.T, now func() time.Time) *dpop.Prover {
	t.Helper()
	p, err := dpop.New(dpop.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// postDPoP sends a token request as c with a proof from p (none when p is
// nil), with the nonce p cached for the server.
func postDPoP(t *testing.T, srv *oauthtest.Server, p *dpop.Prover, c oauthtest.Client, form url.Values) response {
	t.Helper()
	form = cloneForm(form)
	form.Set("client_id", c.ID)
	form.Set("client_secret", c.Secret)
	req := newPost(t, srv.TokenURL(), form)
	if p != nil {
		setProof(t, p, req, "")
	}
	r := do(t, srv, req)
	if p != nil {
		p.UpdateNonce(req.URL, r.header)
	}
	return r
}

func setProof(t *testing.T, p *dpop.Prover, req *http.Request, accessToken string) {
	t.Helper()
	proof, err := p.Proof(req.Method, req.URL, accessToken)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("DPoP", proof)
}

// getDPoP sends a GET to u with a DPoP-bound token and a proof from p.
func getDPoP(t *testing.T, srv *oauthtest.Server, p *dpop.Prover, u, accessToken string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "DPoP "+accessToken)
	setProof(t, p, req, accessToken)
	r := do(t, srv, req)
	p.UpdateNonce(req.URL, r.header)
	return r
}

func wantChallenge(t *testing.T, r response, status int, scheme, code string) {
	t.Helper()
	h := r.header.Get("WWW-Authenticate")
	if r.status != status || !strings.HasPrefix(h, scheme+" ") || !strings.Contains(h, `error="`+code+`"`) {
		t.Fatalf("got HTTP %d, WWW-Authenticate %q; want HTTP %d, a %s challenge with error %q", r.status, h, status, scheme, code)
	}
}

func TestDPoP_boundTokens(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretPost})
	p := newProver(t, nil)
	r := postDPoP(t, srv, p, c, url.Values{"grant_type": {"client_credentials"}})
	if r.status != http.StatusOK || r.str("token_type") != "DPoP" {
		t.Fatalf("token request with a proof: HTTP %d %s; want a DPoP token", r.status, short(r.raw))
	}
	at := r.str("access_token")
	if res := getDPoP(t, srv, p, srv.ResourceURL(), at); res.status != http.StatusOK {
		t.Errorf("resource with the bound token and a proof: HTTP %d %s", res.status, short(res.raw))
	}
	// RFC 9449 §7.2: a bound token is no bearer token.
	wantChallenge(t, get(t, srv, srv.ResourceURL(), at), 401, "DPoP", "invalid_token")
	// A proof of another key.
	wantChallenge(t, getDPoP(t, srv, newProver(t, nil), srv.ResourceURL(), at), 401, "DPoP", "invalid_token")
	info := post(t, srv, srv.IntrospectionURL(), c, url.Values{"token": {at}})
	cnf, _ := info.body["cnf"].(map[string]any)
	if info.str("token_type") != "DPoP" || cnf["jkt"] != p.Thumbprint() {
		t.Errorf("introspection = %s; want token_type DPoP and cnf.jkt %s", short(info.raw), p.Thumbprint())
	}

	// Without a proof, a bearer token, which the DPoP scheme does not carry.
	bearer := postDPoP(t, srv, nil, c, url.Values{"grant_type": {"client_credentials"}})
	wantToken(t, bearer)
	wantChallenge(t, getDPoP(t, srv, p, srv.ResourceURL(), bearer.str("access_token")), 401, "DPoP", "invalid_token")
	if res := get(t, srv, srv.ResourceURL(), bearer.str("access_token")); res.status != http.StatusOK {
		t.Errorf("bearer token as bearer: HTTP %d", res.status)
	}
}

func TestDPoP_proofChecks(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretPost})
	p := newProver(t, nil)
	at := postDPoP(t, srv, p, c, url.Values{"grant_type": {"client_credentials"}}).str("access_token")
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	key, _ := jose.NewKey(ec, "", jose.ES256)
	jwk, _ := key.PublicJWK()
	privJWK, _ := key.MarshalJSON()
	sign := func(header map[string]any, claims map[string]any) string {
		tok, err := jose.Sign(key, "", header, claims)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	claims := func(edit func(map[string]any)) map[string]any {
		m := map[string]any{"jti": rand.Text(), "htm": "GET", "htu": srv.ResourceURL(), "iat": time.Now().Unix(), "ath": dpop.AccessTokenHash(at)}
		if edit != nil {
			edit(m)
		}
		return m
	}
	good := map[string]any{"typ": "dpop+jwt", "jwk": rawJSON(jwk)}
	replayed, err := p.Proof(http.MethodGet, mustParse(t, srv.ResourceURL()), at)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		proof string
		code  string
	}{
		{"replayed proof", replayed, "invalid_dpop_proof"},
		{"wrong ath", mustProof(t, p, "GET", srv.ResourceURL(), "another token"), "invalid_dpop_proof"},
		{"wrong htm", mustProof(t, p, "POST", srv.ResourceURL(), at), "invalid_dpop_proof"},
		{"wrong htu", mustProof(t, p, "GET", srv.UserInfoURL(), at), "invalid_dpop_proof"},
		{"not a jws", "x.y.z", "invalid_dpop_proof"},
		{"wrong typ", sign(map[string]any{"typ": "JWT", "jwk": rawJSON(jwk)}, claims(nil)), "invalid_dpop_proof"},
		{"no jwk", sign(map[string]any{"typ": "dpop+jwt"}, claims(nil)), "invalid_dpop_proof"},
		{"private jwk", sign(map[string]any{"typ": "dpop+jwt", "jwk": rawJSON(privJWK)}, claims(nil)), "invalid_dpop_proof"},
		{"no jti", sign(good, claims(func(m map[string]any) { delete(m, "jti") })), "invalid_dpop_proof"},
		{"old iat", sign(good, claims(func(m map[string]any) { m["iat"] = time.Now().Add(-time.Hour).Unix() })), "invalid_dpop_proof"},
		{"another key than the token's", sign(good, claims(nil)), "invalid_token"},
	}
	// The first use of the replayed proof succeeds.
	if r := sendProof(t, srv, at, replayed); r.status != http.StatusOK {
		t.Fatalf("first use of a proof: HTTP %d %s", r.status, short(r.raw))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantChallenge(t, sendProof(t, srv, at, tc.proof), 401, "DPoP", tc.code)
		})
	}
}

func sendProof(t *testing.T, srv *oauthtest.Server, at, proof string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.ResourceURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "DPoP "+at)
	req.Header.Set("DPoP", proof)
	return do(t, srv, req)
}

func mustProof(t *testing.T, p *dpop.Prover, method, u, at string) string {
	t.Helper()
	proof, err := p.Proof(method, mustParse(t, u), at)
	if err != nil {
		t.Fatal(err)
	}
	return proof
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

func TestDPoP_nonce(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.DPoPNonce = true })
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretPost})
	p := newProver(t, nil)
	cc := url.Values{"grant_type": {"client_credentials"}}
	// RFC 9449 §8: the first request without a nonce is refused with one.
	r := postDPoP(t, srv, p, c, cc)
	wantError(t, r, http.StatusBadRequest, "use_dpop_nonce")
	if r.header.Get("DPoP-Nonce") == "" {
		t.Fatal("use_dpop_nonce without a DPoP-Nonce header")
	}
	r = postDPoP(t, srv, p, c, cc)
	if r.status != http.StatusOK || r.header.Get("DPoP-Nonce") == "" {
		t.Fatalf("with the nonce: HTTP %d %s, nonce %q", r.status, short(r.raw), r.header.Get("DPoP-Nonce"))
	}
	at := r.str("access_token")
	if res := getDPoP(t, srv, p, srv.ResourceURL(), at); res.status != http.StatusOK {
		t.Fatalf("resource with the nonce: HTTP %d %s", res.status, short(res.raw))
	}
	// After one rotation the previous nonce still works and the answer
	// hands out the new one; after two it is refused.
	srv.RotateDPoPNonce()
	old := p.Nonce(mustParse(t, srv.URL))
	if res := getDPoP(t, srv, p, srv.ResourceURL(), at); res.status != http.StatusOK || p.Nonce(mustParse(t, srv.URL)) == old {
		t.Fatalf("after one rotation: HTTP %d, nonce updated: %t", res.status, p.Nonce(mustParse(t, srv.URL)) != old)
	}
	srv.RotateDPoPNonce()
	srv.RotateDPoPNonce()
	wantChallenge(t, getDPoP(t, srv, p, srv.ResourceURL(), at), 401, "DPoP", "use_dpop_nonce")
	if res := getDPoP(t, srv, p, srv.ResourceURL(), at); res.status != http.StatusOK {
		t.Fatalf("with the nonce from the refusal: HTTP %d", res.status)
	}
}

func TestDPoP_required(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.RequireDPoP = true })
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretPost})
	wantError(t, postDPoP(t, srv, nil, c, url.Values{"grant_type": {"client_credentials"}}), 400, "invalid_dpop_proof")

	plain := newServer(t, nil)
	bound := plain.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretPost, DPoPBoundAccessTokens: true})
	wantError(t, postDPoP(t, plain, nil, bound, url.Values{"grant_type": {"client_credentials"}}), 400, "invalid_dpop_proof")

	// An unbound token at a resource that requires DPoP: the implicit
	// grant's tokens come from the authorization endpoint, without a
	// proof.
	implicit := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"http://127.0.0.1/cb"}})
	cb, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+url.Values{
		"response_type": {"token"}, "client_id": {implicit.ID}, "state": {"s"},
	}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	frag, _ := url.ParseQuery(mustParse(t, cb).Fragment)
	if frag.Get("access_token") == "" {
		t.Fatalf("implicit grant: %s", cb)
	}
	r := get(t, srv, srv.ResourceURL(), frag.Get("access_token"))
	wantChallenge(t, r, 401, "DPoP", "invalid_token")
	if !strings.Contains(r.header.Get("WWW-Authenticate"), `algs="`) {
		t.Errorf("DPoP challenge without algs: %q", r.header.Get("WWW-Authenticate"))
	}
}

func TestDPoP_refreshWithTheSameKey(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.RotateRefreshTokens = true })
	public := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone})
	p := newProver(t, nil)
	form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}, "client_id": {public.ID}}
	req := newPost(t, srv.TokenURL(), form)
	setProof(t, p, req, "")
	r := do(t, srv, req)
	if r.str("token_type") != "DPoP" || r.str("refresh_token") == "" {
		t.Fatalf("password grant with a proof: %s", short(r.raw))
	}
	refresh := func(p *dpop.Prover, rt string) response {
		req := newPost(t, srv.TokenURL(), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {public.ID}})
		if p != nil {
			setProof(t, p, req, "")
		}
		return do(t, srv, req)
	}
	// RFC 9449 §5: a public client's refresh token is bound to its key.
	wantError(t, refresh(newProver(t, nil), r.str("refresh_token")), 400, "invalid_dpop_proof")
	wantError(t, refresh(nil, r.str("refresh_token")), 400, "invalid_dpop_proof")
	again := refresh(p, r.str("refresh_token"))
	if again.status != http.StatusOK || again.str("token_type") != "DPoP" {
		t.Fatalf("refresh with the same key: HTTP %d %s", again.status, short(again.raw))
	}
}
