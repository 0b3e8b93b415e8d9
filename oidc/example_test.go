package oidc_test

import (
	"context"
	"fmt"
	"log"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// The OpenID Connect login: discovery, a session whose ID tokens are
// verified automatically (signature, iss, aud, exp, nonce, ...), the
// verified claims that come with the token, then userinfo. Its statements
// are the README's OpenID Connect snippet, line for line, with the givens
// (issuer, client, callback) from an oauthtest server.
func ExampleProvider_Config() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	ctx, issuer, id, secret, cb := context.Background(), srv.URL, client.ID, client.Secret, "https://app.example/cb"

	p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{}) // issuer: "https://accounts.google.com", ...
	check(err)
	cfg, err := p.Config(oauthkit.Config{
		ClientID: id, ClientSecret: secret, RedirectURL: cb,
		Scopes: []string{"openid", "email", "profile"},
	})
	check(err)
	s, err := oauthkit.NewSession(cfg) // endpoints, issuer (RFC 9207) and auth method from discovery
	check(err)
	ar, err := s.AuthorizationURL() // state, PKCE and nonce generated
	check(err)
	// The user logs in at ar.URL and comes back to cb, at callbackURL.
	callbackURL, err := srv.Authorize(ctx, ar.URL)
	check(err)
	tok, err := s.ExchangeAuthorizationResponse(ctx, callbackURL, *ar)
	check(err)
	// tok.IDToken is verified: signature under an algorithm allow-list, iss,
	// aud, azp, exp, iat, nonce, at_hash/c_hash and auth_time/max_age. Its
	// claims come with the token, typed, and are not verified again:
	idt, err := oidc.VerifiedIDToken(tok)
	check(err)
	fmt.Println(idt.Subject, idt.Email, idt.EmailVerified) // idt.Claims(&v) decodes any other claim
	info, err := p.UserInfo(ctx, tok, idt.Subject)         // userinfo's sub must be the same
	check(err)
	fmt.Println(info.Name)
	// Output:
	// user-1 alice@example.com true
	// Alice
}

// check stops an example at its first error.
func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
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
