//go:build interop

package interop

import (
	"crypto/rand"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/go-cmp/cmp"
)

// scopeOpenID asks for every claim of the test user.
const scopeOpenID = "openid email profile"

// authRequest is one authorization request (RFC 6749 section 4.1.1) with
// PKCE (RFC 7636) and an OpenID Connect nonce.
type authRequest struct {
	client   client
	scope    string
	state    string
	nonce    string
	verifier string // empty: no PKCE
}

func newAuthRequest(c client, scope string) authRequest {
	verifier, _ := newPKCE()
	return authRequest{client: c, scope: scope, state: rand.Text(), nonce: rand.Text(), verifier: verifier}
}

// URL returns the authorization URL.
func (a authRequest) URL() string {
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {a.client.ID},
		"redirect_uri":  {redirectURI},
		"scope":         {a.scope},
		"state":         {a.state},
		"nonce":         {a.nonce},
	}
	if a.verifier != "" {
		q.Set("code_challenge", s256(a.verifier))
		q.Set("code_challenge_method", "S256")
	}
	return op.Meta.AuthorizationEndpoint + "?" + q.Encode()
}

// authorize runs the authorization request through the browser stand-in and
// returns the callback's query, after checking state and iss (RFC 9207).
func authorize(t *testing.T, a authRequest) url.Values {
	t.Helper()
	cb, err := login(t.Context(), a.URL())
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	u, err := url.Parse(cb)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if got := q.Get("state"); got != a.state {
		t.Errorf("callback state = %q; want %q", got, a.state)
	}
	if got := q.Get("iss"); got != op.Issuer {
		t.Errorf("callback iss = %q; want %q", got, op.Issuer)
	}
	return q
}

// code authorizes a and returns the authorization code.
func code(t *testing.T, a authRequest) string {
	t.Helper()
	q := authorize(t, a)
	if q.Get("error") != "" || q.Get("code") == "" {
		t.Fatalf("callback = %q; want a code", q.Encode())
	}
	return q.Get("code")
}

// exchange redeems an authorization code (RFC 6749 section 4.1.3).
func exchange(t *testing.T, a authRequest, code string) tokenResponse {
	t.Helper()
	return token(t, a.client, exchangeForm(a, code))
}

func exchangeForm(a authRequest, code string) url.Values {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}
	if a.verifier != "" {
		form.Set("code_verifier", a.verifier)
	}
	return form
}

// verifyIDToken checks the ID token's signature against the provider's JWKS
// and its iss, aud, exp and nonce, and returns its claims.
func verifyIDToken(t *testing.T, raw string, c client, nonce string) map[string]any {
	t.Helper()
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		t.Fatalf("parse id_token: %v", err)
	}
	var set jose.JSONWebKeySet
	if err := getJSON(t.Context(), op.Meta.JWKSURI, &set); err != nil {
		t.Fatal(err)
	}
	keys := set.Key(tok.Headers[0].KeyID)
	if len(keys) != 1 {
		t.Fatalf("id_token kid %q matches %d keys in the JWKS; want 1", tok.Headers[0].KeyID, len(keys))
	}
	var std jwt.Claims
	var claims map[string]any
	if err := tok.Claims(keys[0].Key, &std, &claims); err != nil {
		t.Fatalf("id_token signature: %v", err)
	}
	want := jwt.Expected{Issuer: op.Issuer, AnyAudience: jwt.Audience{c.ID}, Time: time.Now()}
	if err := std.ValidateWithLeeway(want, time.Minute); err != nil {
		t.Errorf("id_token claims: %v", err)
	}
	if got := claims["nonce"]; got != nonce {
		t.Errorf("id_token nonce = %v; want %q", got, nonce)
	}
	return claims
}

func TestAuthorizationCode(t *testing.T) {
	t.Parallel()
	for _, c := range allClients {
		t.Run(c.Method, func(t *testing.T) {
			t.Parallel()
			a := newAuthRequest(c, scopeOpenID)
			tok := exchange(t, a, code(t, a))
			if tok.RefreshToken == "" {
				t.Error("no refresh_token")
			}
			if tok.IDToken == "" {
				t.Fatal("no id_token")
			}
			claims := verifyIDToken(t, tok.IDToken, c, a.nonce)
			if claims["sub"] != testUser["sub"] {
				t.Errorf("id_token sub = %v; want %v", claims["sub"], testUser["sub"])
			}
			if diff := cmp.Diff(testUser, userInfo(t, tok.AccessToken)); diff != "" {
				t.Errorf("userinfo (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAuthorizationCode_publicClientNeedsPKCE checks that a public client's
// request without code_challenge is refused at the redirect URI.
func TestAuthorizationCode_publicClientNeedsPKCE(t *testing.T) {
	t.Parallel()
	a := newAuthRequest(publicClient, scopeOpenID)
	a.verifier = ""
	q := authorize(t, a)
	if got := q.Get("error"); got != "invalid_request" {
		t.Errorf("callback error = %q (%q); want invalid_request", got, q.Get("error_description"))
	}
}

// TestAuthorizationCode_wrongVerifier checks that the token endpoint
// enforces PKCE for a confidential client that used it.
func TestAuthorizationCode_wrongVerifier(t *testing.T) {
	t.Parallel()
	a := newAuthRequest(basicClient, scopeOpenID)
	c := code(t, a)
	a.verifier, _ = newPKCE()
	_, err := tryToken(t.Context(), a.client, exchangeForm(a, c))
	wantErrorCode(t, err, "invalid_grant")
}

// TestAuthorizationCode_reuseRevokesGrant checks that redeeming a code twice
// fails and revokes the tokens issued for it (RFC 6749 section 4.1.2).
func TestAuthorizationCode_reuseRevokesGrant(t *testing.T) {
	t.Parallel()
	a := newAuthRequest(basicClient, scopeOpenID)
	c := code(t, a)
	tok := exchange(t, a, c)
	_, err := tryToken(t.Context(), a.client, exchangeForm(a, c))
	wantErrorCode(t, err, "invalid_grant")
	if got := introspect(t, basicClient, tok.AccessToken); got.Active {
		t.Errorf("access token after code reuse: introspection active = true; want false")
	}
	_, err = tryToken(t.Context(), a.client, refreshForm(tok.RefreshToken))
	wantErrorCode(t, err, "invalid_grant")
}
