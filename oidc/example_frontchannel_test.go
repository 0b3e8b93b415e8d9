package oidc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// A provider that requires pushed authorization requests (RFC 9126): the
// session learns it from the metadata, and AuthorizationURLContext pushes.
func ExampleProvider_Config_pushedAuthorization() {
	srv := oauthtest.NewUnstartedServer()
	srv.RequirePushedAuthorizationRequests = true
	srv.Start()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	ctx, issuer, id, secret, cb := context.Background(), srv.URL, client.ID, client.Secret, "https://app.example/cb"

	p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})
	check(err)
	cfg, err := p.Config(oauthkit.Config{ClientID: id, ClientSecret: secret, RedirectURL: cb, Scopes: []string{"openid"}})
	check(err)
	s, err := oauthkit.NewSession(cfg) // PushedAuthURL and RequirePushedAuth come from the metadata
	check(err)
	ar, err := s.AuthorizationURLContext(ctx) // pushes when the provider requires it
	check(err)
	fmt.Println(ar.RequestURI != "", !ar.ExpiresAt.IsZero())
	waitForCallback := func(ctx context.Context) (string, error) { return srv.Authorize(ctx, ar.URL) } // the browser
	callbackURL, err := waitForCallback(ctx)
	check(err)
	tok, err := s.ExchangeAuthorizationResponse(ctx, callbackURL, *ar)
	check(err)
	fmt.Println(tok.IDToken != "")
	// Output:
	// true true
	// true
}

// A request object (RFC 9101) encrypted to the key the provider
// publishes, pushed.
func ExampleProvider_RequestObjectEncryptionKey() {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	srv := oauthtest.NewUnstartedServer()
	srv.EncryptionKey, err = jose.NewEncryptionKey(ec, "enc-1", jose.ECDHES)
	check(err)
	srv.Start()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"},
		Secret: "a-client-secret-of-thirty-two-bytes-or-more"})
	ctx, issuer, id, secret, cb := context.Background(), srv.URL, client.ID, client.Secret, "https://app.example/cb"

	p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})
	check(err)
	enc, err := p.RequestObjectEncryptionKey(ctx) // optional: the provider's "enc" key
	check(err)
	cfg, err := p.Config(oauthkit.Config{ClientID: id, ClientSecret: secret, RedirectURL: cb,
		RequestObject: &oauthkit.RequestObjectConfig{EncryptionKey: enc}})
	check(err)
	s, err := oauthkit.NewSession(cfg)
	check(err)
	ar, err := s.PushAuthorizationRequest(ctx) // or s.AuthorizationURL() to pass it by value
	check(err)
	pushed := srv.Requests()[len(srv.Requests())-1].Form.Get("request")
	fmt.Println(enc.KeyID, jose.IsEncrypted(pushed))
	callbackURL, err := srv.Authorize(ctx, ar.URL)
	check(err)
	_, err = s.ExchangeAuthorizationResponse(ctx, callbackURL, *ar)
	fmt.Println(err)
	// Output:
	// enc-1 true
	// <nil>
}

// A JWT-secured authorization response (JARM): the session verifies the
// response JWT before it checks state and iss and redeems the code.
func ExampleProvider_JARMVerifier() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	ctx, issuer, id, secret, cb := context.Background(), srv.URL, client.ID, client.Secret, "https://app.example/cb"

	p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})
	check(err)
	cfg, err := p.Config(oauthkit.Config{ClientID: id, ClientSecret: secret, RedirectURL: cb, Scopes: []string{"openid"}})
	check(err)
	s, err := oauthkit.NewSession(cfg) // cfg.JARMVerifier is p.JARMVerifier(id)
	check(err)
	ar, err := s.AuthorizationURL(oauthkit.WithResponseMode(oauthkit.ResponseModeJWT))
	check(err)
	waitForCallback := func(ctx context.Context) (string, error) { return srv.Authorize(ctx, ar.URL) } // the browser
	callbackURL, err := waitForCallback(ctx)
	check(err)
	tok, err := s.ExchangeAuthorizationResponse(ctx, callbackURL, *ar) // verifies the response JWT first
	check(err)
	fmt.Println(tok.AccessToken != "")

	// A response JWT for another client is refused, and the code is not
	// redeemed.
	srv.InjectJWTFault(oauthtest.JWTFault{Kind: oauthtest.JARMResponseJWT, WrongAudience: true})
	ar, err = s.AuthorizationURL(oauthkit.WithResponseMode(oauthkit.ResponseModeJWT))
	check(err)
	callbackURL, err = srv.Authorize(ctx, ar.URL)
	check(err)
	_, err = s.ExchangeAuthorizationResponse(ctx, callbackURL, *ar)
	fmt.Println(errors.Is(err, oidc.ErrInvalidAudience), srv.RequestCount(oauthtest.TokenEndpoint))
	// Output:
	// true
	// true 1
}
