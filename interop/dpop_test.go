//go:build interop

package interop

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
)

// dpopConfig edits a session config for DPoP with a key made for it.
func dpopConfig(c *oauthkit.Config) { c.DPoP = &dpop.Config{} }

// TestDPoP_login: a login whose every token request carries a proof
// (dpop-client is dpop_bound_access_tokens) gets DPoP-bound tokens; the
// refresh keeps the key; userinfo takes the token with its proof and not
// as a bearer token; introspection names the key.
func TestDPoP_login(t *testing.T) {
	t.Parallel()
	s := dpopClient.session(t, dpopConfig)
	_, tok := logIn(t, s)
	if tok.TokenType != "DPoP" {
		t.Fatalf("token_type = %q; want DPoP", tok.TokenType)
	}
	refreshed, err := s.Refresh(t.Context())
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if refreshed.TokenType != "DPoP" || refreshed.AccessToken == tok.AccessToken {
		t.Errorf("refreshed token %v; want a new DPoP token", refreshed)
	}
	ui, err := idp.SessionUserInfo(t.Context(), s, "")
	if err != nil || ui.Subject != testUser["sub"] {
		t.Fatalf("SessionUserInfo = %+v, %v", ui, err)
	}
	// The bound token as a bearer token is refused.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, idp.Metadata().UserInfoEndpoint, nil)
	req.Header.Set("Authorization", "Bearer "+refreshed.AccessToken)
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("DPoP-bound token as a bearer token: HTTP %d; want 401", resp.StatusCode)
	}
	cs, err := oauthkit.ParseWWWAuthenticate(resp.Header)
	if err != nil || len(cs) == 0 {
		t.Errorf("challenges %v, %v", cs, err)
	}
	in, err := s.Introspect(t.Context(), refreshed.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if cnf, _ := in.Extra["cnf"].(map[string]any); cnf["jkt"] != s.DPoP().Thumbprint() {
		t.Errorf("introspection cnf = %v; want jkt %s", in.Extra["cnf"], s.DPoP().Thumbprint())
	}
}

// TestDPoP_nonce: dpop-nonce-client must put the server's nonce in its
// proofs: the first token request is refused with use_dpop_nonce and sent
// once more; the next one uses the cached nonce.
func TestDPoP_nonce(t *testing.T) {
	t.Parallel()
	tokenPath := mustURLPath(t, idp.Metadata().TokenEndpoint)
	hc, counter := newCountingClient(tokenPath)
	s := dpopNonceClient.session(t, dpopConfig, func(c *oauthkit.Config) { c.HTTPClient = hc })
	for i, want := range []int64{2, 3} {
		tok, err := s.FetchToken(t.Context(), oauthkit.ClientCredentials())
		if err != nil {
			t.Fatalf("fetch %d: %v", i+1, err)
		}
		if tok.TokenType != "DPoP" {
			t.Errorf("token_type = %q", tok.TokenType)
		}
		if got := counter.count(tokenPath); got != want {
			t.Errorf("after fetch %d: %d token requests; want %d", i+1, got, want)
		}
	}
	if u, _ := url.Parse(op.Issuer); s.DPoP().Nonce(u) == "" {
		t.Error("no nonce cached")
	}
}

// TestDPoP_nonceWithClientAssertion: the nonce retry of a private_key_jwt
// client carries a new assertion; the provider records an assertion's
// jti before it checks the proof, and refuses one used twice.
func TestDPoP_nonceWithClientAssertion(t *testing.T) {
	t.Parallel()
	tokenPath := mustURLPath(t, idp.Metadata().TokenEndpoint)
	hc, counter := newCountingClient(tokenPath)
	s := privateJWTClient.session(t, dpopConfig, func(c *oauthkit.Config) { c.HTTPClient = hc })
	tok, err := s.FetchToken(t.Context(), oauthkit.ClientCredentials())
	if err != nil {
		t.Fatalf("FetchToken: %v", err)
	}
	if tok.TokenType != "DPoP" || counter.count(tokenPath) != 2 {
		t.Errorf("token_type %q after %d token requests; want DPoP after 2 (one nonce retry)", tok.TokenType, counter.count(tokenPath))
	}
}

// TestDPoP_dpopJKT: dpop_jkt in the authorization request binds the code
// to the key; another key cannot redeem it.
func TestDPoP_dpopJKT(t *testing.T) {
	t.Parallel()
	s := dpopClient.session(t, dpopConfig)
	ar, cb := authorize(t, s, oauthkit.WithDPoPJKT())
	thief := dpopClient.session(t, dpopConfig)
	if _, err := thief.ExchangeAuthorizationResponse(t.Context(), cb, *ar); err == nil {
		t.Fatal("a code bound to one key was redeemed with another")
	}
	// The failed attempt spent the code (RFC 6749 section 4.1.2), so a
	// second login shows the right key succeeds.
	ar, cb = authorize(t, s, oauthkit.WithDPoPJKT())
	if _, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar); err != nil {
		t.Errorf("exchange with the key: %v", err)
	}
}

// TestDPoP_requiredByClient: dpop-client without DPoP is refused.
func TestDPoP_requiredByClient(t *testing.T) {
	t.Parallel()
	s := dpopClient.session(t)
	_, err := s.FetchToken(t.Context(), oauthkit.ClientCredentials())
	if e, ok := errors.AsType[*oauthkit.Error](err); !ok || e.Endpoint != "token" {
		t.Errorf("FetchToken without a proof = %v; want the token endpoint's error", err)
	}
}

func mustURLPath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// TestDPoP_pushedAuthorization: the pushed authorization request carries
// a proof (RFC 9449 section 10.1), which binds the code to the key.
func TestDPoP_pushedAuthorization(t *testing.T) {
	t.Parallel()
	s := dpopClient.session(t, dpopConfig)
	if s.Config().PushedAuthURL == "" {
		t.Skip("the provider has no pushed authorization endpoint")
	}
	ar, err := s.PushAuthorizationRequest(t.Context(), oauthkit.WithParam("prompt", "consent"))
	if err != nil {
		t.Fatalf("PushAuthorizationRequest: %v", err)
	}
	cb, err := login(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	thief := dpopClient.session(t, dpopConfig)
	if _, err := thief.ExchangeAuthorizationResponse(t.Context(), cb, *ar); err == nil {
		t.Fatal("a code pushed with one key was redeemed with another")
	}
	ar, err = s.PushAuthorizationRequest(t.Context(), oauthkit.WithParam("prompt", "consent"))
	if err != nil {
		t.Fatal(err)
	}
	if cb, err = login(t.Context(), ar.URL); err != nil {
		t.Fatal(err)
	}
	if tok, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar); err != nil || tok.TokenType != "DPoP" {
		t.Errorf("exchange with the key = %v, %v", tok, err)
	}
}
