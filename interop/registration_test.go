//go:build interop

package interop

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/registration"
)

// initialAccessToken authorizes registration at server.mjs.
const initialAccessToken = "interop-initial-access-token"

// registrar returns a Registrar for the provider's registration endpoint.
func registrar(t *testing.T, token string) *registration.Registrar {
	t.Helper()
	r, err := registration.New(registration.Config{Endpoint: idp.Metadata().RegistrationEndpoint,
		InitialAccessToken: token, HTTPClient: httpClient})
	if err != nil {
		t.Fatalf("registration.New: %v", err)
	}
	return r
}

// register registers a code-flow client with m's extra metadata.
func register(t *testing.T, m registration.Metadata) *registration.Client {
	t.Helper()
	m.RedirectURIs = []string{redirectURI}
	m.GrantTypes = []string{"authorization_code", "refresh_token"}
	m.ResponseTypes = []string{"code"}
	c, err := registrar(t, initialAccessToken).Register(t.Context(), m)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	return c
}

// registeredSession returns a session of the registered client c,
// completed from discovery.
func registeredSession(t *testing.T, c *registration.Client, edit ...func(*oauthkit.Config)) *oauthkit.Session {
	t.Helper()
	cfg, err := idp.Config(c.Config(oauthkit.Config{Scopes: scopesOpenID, Issuer: op.Issuer,
		RequireIssuerParameter: true, HTTPClient: httpClient}))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edit {
		e(&cfg)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRegistration registers a client (RFC 7591), logs in with it, and
// manages it (RFC 7592): read, update with a rotated registration access
// token, delete.
func TestRegistration(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	if _, err := registrar(t, "wrong").Register(ctx, registration.Metadata{RedirectURIs: []string{redirectURI}}); err == nil {
		t.Error("Register with a wrong initial access token succeeded")
	}
	c := register(t, registration.Metadata{ClientName: "interop"})
	if c.ClientSecret == "" || c.RegistrationAccessToken == "" || c.RegistrationClientURI == "" {
		t.Fatalf("Register = %v; want a secret and management credentials", c)
	}
	s := registeredSession(t, c)
	ar, cb := authorize(t, s)
	exchange(t, s, ar, cb)

	r := registrar(t, "")
	read, err := r.Read(ctx, c)
	if err != nil || read.ClientName != "interop" {
		t.Fatalf("Read = %v, %v", read, err)
	}
	m := read.Metadata
	m.ClientName = "renamed"
	up, err := r.Update(ctx, read, m)
	if err != nil || up.ClientName != "renamed" {
		t.Fatalf("Update = %v, %v", up, err)
	}
	if up.RegistrationAccessToken == read.RegistrationAccessToken {
		t.Error("registration access token not rotated by the update")
	}
	_, err = r.Read(ctx, read)
	wantOAuthError(t, err, "client configuration", "invalid_token")
	if err := r.Delete(ctx, up); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err = r.Read(ctx, up)
	wantOAuthError(t, err, "client configuration", "invalid_token")
}

// TestJARM_encrypted registers a client whose JWT-secured responses are
// encrypted to its key, and logs in with response_mode=jwt.
func TestJARM_encrypted(t *testing.T) {
	t.Parallel()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := jose.NewEncryptionKey(ec, "rp-enc", jose.ECDHES)
	if err != nil {
		t.Fatal(err)
	}
	c := register(t, registration.Metadata{JWKS: &jose.KeySet{Keys: []*jose.Key{key}}, Extra: map[string]any{
		"authorization_encrypted_response_alg": jose.ECDHES,
		"authorization_encrypted_response_enc": jose.A128CBCHS256,
	}})
	s := registeredSession(t, c, func(cfg *oauthkit.Config) { cfg.JARMVerifier = idp.JARMVerifier(c.ClientID, key) })
	ar, cb := authorize(t, s, oauthkit.WithResponseMode(oauthkit.ResponseModeJWT))
	if !jose.IsEncrypted(mustURL(t, cb).Query().Get("response")) {
		t.Fatalf("callback %s; want an encrypted response JWT", cb)
	}
	exchange(t, s, ar, cb)
}
