//go:build interop

package interop

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
)

// TestDiscovery fetches the provider's metadata with oidc.Discover and
// checks what oauthkit relies on.
func TestDiscovery(t *testing.T) {
	t.Parallel()
	m, err := oidc.Discover(t.Context(), op.Issuer, oidc.DiscoveryConfig{HTTPClient: httpClient})
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if m.Issuer != op.Issuer || !strings.HasPrefix(op.Issuer, "http://127.0.0.1:") {
		t.Errorf("issuer = %q; want %q, http://127.0.0.1:PORT", m.Issuer, op.Issuer)
	}
	endpoints := map[string]string{
		"authorization_endpoint":        m.AuthorizationEndpoint,
		"token_endpoint":                m.TokenEndpoint,
		"userinfo_endpoint":             m.UserInfoEndpoint,
		"jwks_uri":                      m.JWKSURL,
		"device_authorization_endpoint": m.DeviceAuthorizationEndpoint,
		"introspection_endpoint":        m.IntrospectionEndpoint,
		"revocation_endpoint":           m.RevocationEndpoint,
	}
	for name, u := range endpoints {
		if !strings.HasPrefix(u, op.Issuer+"/") {
			t.Errorf("%s = %q; want a URL under %q", name, u, op.Issuer)
		}
	}
	for _, c := range allClients {
		if !slices.Contains(m.TokenEndpointAuthMethodsSupported, c.Method) {
			t.Errorf("token_endpoint_auth_methods_supported = %q; want it to contain %q", m.TokenEndpointAuthMethodsSupported, c.Method)
		}
	}
	grants := []string{oauthkit.GrantTypeAuthorizationCode, oauthkit.GrantTypeRefreshToken, oauthkit.GrantTypeClientCredentials, oauthkit.GrantTypeDeviceCode}
	for _, g := range grants {
		if !slices.Contains(m.GrantTypesSupported, g) {
			t.Errorf("grant_types_supported = %q; want it to contain %q", m.GrantTypesSupported, g)
		}
	}
	if !slices.Contains(m.CodeChallengeMethodsSupported, string(oauthkit.PKCES256)) {
		t.Errorf("code_challenge_methods_supported = %q; want S256", m.CodeChallengeMethodsSupported)
	}
	// RFC 9207 section 3.
	if !m.AuthorizationResponseISSSupported {
		t.Error("authorization_response_iss_parameter_supported = false; want true")
	}
	if got, err := oidc.ChooseAuthMethod(m.TokenEndpointAuthMethodsSupported, true, false); err != nil || got != oauthkit.ClientSecretBasic {
		t.Errorf("ChooseAuthMethod(secret) = %q, %v; want %q", got, err, oauthkit.ClientSecretBasic)
	}
}

// TestDiscovery_issuerMismatch asks for the same server under another
// name: the document's issuer differs, which Discover refuses (OpenID
// Connect Discovery section 4.3).
func TestDiscovery_issuerMismatch(t *testing.T) {
	t.Parallel()
	other := strings.Replace(op.Issuer, "127.0.0.1", "localhost", 1)
	_, err := oidc.Discover(t.Context(), other, oidc.DiscoveryConfig{HTTPClient: httpClient})
	if !errors.Is(err, oidc.ErrDiscoveryIssuerMismatch) {
		t.Errorf("Discover(%q) = %v; want oidc.ErrDiscoveryIssuerMismatch", other, err)
	}
}

// TestJWKS fetches the provider's keys with a jose.RemoteKeySet and
// verifies a fresh ID token with them, first with jose.Verify and then with
// an oidc.Verifier built on the same key set.
func TestJWKS(t *testing.T) {
	t.Parallel()
	keys, err := jose.NewRemoteKeySet(jose.RemoteKeySetConfig{URL: idp.Metadata().JWKSURL, HTTPClient: httpClient})
	if err != nil {
		t.Fatal(err)
	}
	// server.mjs publishes one RS256 and one ES256 key.
	for _, h := range []jose.Header{{Algorithm: jose.RS256, KeyID: "rs256"}, {Algorithm: jose.ES256, KeyID: "es256"}} {
		got, err := keys.KeysFor(t.Context(), h)
		if err != nil || len(got) != 1 || got[0].IsPrivate() {
			t.Errorf("KeysFor(%+v) = %v, %v; want one public key", h, got, err)
		}
	}

	ar, tok := logIn(t, basicClient.session(t))
	algs := []string{jose.RS256, jose.ES256}
	v, err := jose.Verify(t.Context(), tok.IDToken, keys, jose.VerifyOptions{Algorithms: algs})
	if err != nil {
		t.Fatalf("jose.Verify(id_token): %v", err)
	}
	var claims struct {
		Iss   string `json:"iss"`
		Nonce string `json:"nonce"`
	}
	if err := json.Unmarshal(v.Payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims.Iss != op.Issuer || claims.Nonce != ar.Nonce || !slices.Contains(algs, v.Header.Algorithm) {
		t.Errorf("verified id_token: alg %q iss %q nonce %q; want %q %q", v.Header.Algorithm, claims.Iss, claims.Nonce, op.Issuer, ar.Nonce)
	}

	verifier := oidc.NewVerifier(op.Issuer, basicClient.ID, keys, oidc.VerifierConfig{Algorithms: algs})
	if _, err := verifier.Verify(t.Context(), tok.IDToken, oidc.ExpectNonce(ar.Nonce)); err != nil {
		t.Errorf("oidc Verifier.Verify: %v", err)
	}
	if _, err := verifier.Verify(t.Context(), tok.IDToken, oidc.ExpectNonce("other")); !errors.Is(err, oidc.ErrInvalidNonce) {
		t.Errorf("Verify with another nonce = %v; want oidc.ErrInvalidNonce", err)
	}
	late := oidc.NewVerifier(op.Issuer, basicClient.ID, keys, oidc.VerifierConfig{
		Algorithms: algs, Now: func() time.Time { return time.Now().Add(24 * time.Hour) },
	})
	if _, err := late.Verify(t.Context(), tok.IDToken); !errors.Is(err, oidc.ErrIDTokenExpired) {
		t.Errorf("Verify a day later = %v; want oidc.ErrIDTokenExpired", err)
	}
}
