package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/assertion"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// oidcDemoSteps are the steps of OpenID Connect and of JWT client
// authentication and grants.
func oidcDemoSteps() []demoStep {
	return []demoStep{
		{"openid connect login", stepOIDCLogin},
		{"client auth private_key_jwt", stepPrivateKeyJWT},
		{"jwt bearer grant", stepJWTBearer},
	}
}

func stepOIDCLogin(ctx context.Context, d *demoEnv) (string, error) {
	d.note("discovery: the provider's endpoints and keys come from its metadata")
	prov, err := oidc.NewProvider(ctx, d.srv.URL, oidc.ProviderConfig{HTTPClient: d.hc})
	if err != nil {
		return "", err
	}
	c := d.srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{demoRedirect}})
	base := d.config(c)
	base.RedirectURL, base.Scopes = demoRedirect, []string{"openid", "profile", "email"}
	cfg, err := prov.Config(base)
	if err != nil {
		return "", err
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return "", err
	}
	ar, callback, err := d.codeFlow(ctx, s)
	if err != nil {
		return "", err
	}
	d.note("the ID token's signature, iss, aud, exp, nonce %s and at_hash are checked", d.red.short(ar.Nonce))
	tok, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if err != nil {
		return "", err
	}
	sub := idTokenSubject(tok)
	ui, err := prov.UserInfo(ctx, tok, sub)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("ID token %s validated for subject %q; userinfo says %s <%s>", d.red.short(tok.IDToken), sub, ui.Name, ui.Email), nil
}

// demoKey returns a new P-256 signing key.
func demoKey(kid string) (*jose.Key, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return jose.NewKey(priv, kid, jose.ES256)
}

func stepPrivateKeyJWT(ctx context.Context, d *demoEnv) (string, error) {
	key, err := demoKey("demo-client-key")
	if err != nil {
		return "", err
	}
	s, _, err := d.session(oauthtest.Client{AuthMethod: oauthtest.PrivateKeyJWT, PublicKey: key.Public()},
		func(c *oauthkit.Config) { c.ClientKey = key })
	if err != nil {
		return "", err
	}
	d.note("the client signs a short-lived assertion with its private key; the server holds only the public key")
	if _, err := s.FetchToken(ctx, oauthkit.ClientCredentials()); err != nil {
		return "", err
	}
	return "the server verified the ES256 client assertion", nil
}

func stepJWTBearer(ctx context.Context, d *demoEnv) (string, error) {
	key, err := demoKey("demo-service-key")
	if err != nil {
		return "", err
	}
	const issuer = "reports@service.example"
	d.srv.TrustIssuer(issuer, key)
	s, err := assertion.NewSession(assertion.Config{
		TokenURL: d.srv.TokenURL(), Issuer: issuer, Key: key, HTTPClient: d.hc,
	})
	if err != nil {
		return "", err
	}
	d.note("a service account signs an assertion and trades it for a token (RFC 7523); no client secret")
	tok, err := s.ValidToken(ctx)
	if err != nil {
		return "", err
	}
	if tok.RefreshToken != "" {
		return "", errors.New("the JWT-bearer grant returned a refresh token")
	}
	return fmt.Sprintf("%s token %s for %s", tok.TokenType, d.red.short(tok.AccessToken), issuer), nil
}
