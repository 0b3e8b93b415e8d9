package oidc_test

import (
	"context"
	"fmt"
	"log"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// The seed's "OAuth 2 OpenID Connect" flow: discovery, a session whose ID
// tokens are verified automatically (signature, iss, aud, exp, nonce, ...),
// then the claims.
func ExampleProvider_Config() {
	ctx := context.Background()
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})

	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{})
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := p.Config(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret,
		RedirectURL: "https://app.example/cb", Scopes: []string{"openid", "email", "profile"},
	})
	if err != nil {
		log.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ar, err := s.AuthorizationURL() // state, PKCE and, with openid, a nonce
	if err != nil {
		log.Fatal(err)
	}
	callback, err := srv.Authorize(ctx, ar.URL) // the user logs in
	if err != nil {
		log.Fatal(err)
	}
	tok, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar) // ID token verified here
	if err != nil {
		log.Fatal(err)
	}

	// The token is verified; decode its claims (verifying again is cheap).
	idt, err := p.Verifier(client.ID).Verify(ctx, tok.IDToken, oidc.ExpectNonce(ar.Nonce))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.AuthMethod, ar.Nonce != "")
	fmt.Println(idt.Subject, idt.Email, idt.EmailVerified)

	info, err := p.UserInfo(ctx, tok, idt.Subject)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Subject, info.Email)
	// Output:
	// client_secret_basic true
	// user-1 alice@example.com true
	// user-1 alice@example.com
}

// The seed's manual path, jwt.decode(id_token, keys,
// claims_cls=CodeIDToken) and claims.validate(): verify an ID token from a
// token response by hand, with the provider's published keys.
func ExampleVerifier_Verify() {
	ctx := context.Background()
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})

	// A session without discovery: ID tokens are kept unverified.
	s, _ := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(),
		RedirectURL: "https://app.example/cb", Scopes: []string{"openid", "email"},
	})
	ar, _ := s.AuthorizationURL()
	callback, _ := srv.Authorize(ctx, ar.URL)
	tok, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if err != nil {
		log.Fatal(err)
	}

	// The keys, e.g. from https://www.googleapis.com/oauth2/v3/certs.
	keys := srv.PublicKeys()
	v := oidc.NewVerifier(srv.URL, client.ID, keys, oidc.VerifierConfig{})
	claims, err := v.Verify(ctx, tok.IDToken, oidc.ExpectNonce(ar.Nonce), oidc.ExpectAccessToken(tok.AccessToken))
	if err != nil {
		log.Fatal(err)
	}
	var extra struct {
		Name string `json:"name"`
	}
	_ = claims.Claims(&extra)
	fmt.Println(claims.Subject, claims.Email)

	_, err = v.Verify(ctx, tok.IDToken, oidc.ExpectNonce("another nonce"))
	fmt.Println(err != nil)
	// Output:
	// user-1 alice@example.com
	// true
}
