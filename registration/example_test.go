package registration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
	"github.com/oauthkit/oauthkit/registration"
)

// Register a client with an initial access token, use it, and delete it.
func ExampleRegistrar_Register() {
	ctx := context.Background()
	srv := oauthtest.NewUnstartedServer()
	srv.InitialAccessToken = "let-me-in"
	srv.Start()
	defer srv.Close()

	r, err := registration.New(registration.Config{Endpoint: srv.RegistrationURL(), InitialAccessToken: "let-me-in"})
	if err != nil {
		log.Fatal(err)
	}
	c, err := r.Register(ctx, registration.Metadata{
		ClientName: "reporting job",
		GrantTypes: []string{"client_credentials"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.ClientID != "", c.ClientSecret != "", c.TokenEndpointAuthMethod)

	s, err := oauthkit.NewSession(c.Config(oauthkit.Config{TokenURL: srv.TokenURL()}))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := s.FetchToken(ctx, oauthkit.ClientCredentials())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.AccessToken != "")

	if err := r.Delete(ctx, c); err != nil {
		log.Fatal(err)
	}
	// Output:
	// true true client_secret_basic
	// true
}

// Register at a provider found by discovery, and log in with the new
// client.
func ExampleRegistrar_Register_provider() {
	srv := oauthtest.NewUnstartedServer()
	srv.InitialAccessToken = "let-me-in"
	srv.Start()
	defer srv.Close()
	ctx, issuer, cb, initialAccessToken := context.Background(), srv.URL, "https://app.example/cb", "let-me-in"
	var stored []byte
	saveClient := func(c *registration.Client) { stored, _ = json.Marshal(c) }

	p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})
	check(err)
	r, err := registration.New(registration.Config{Endpoint: p.Metadata().RegistrationEndpoint, InitialAccessToken: initialAccessToken})
	check(err)
	c, err := r.Register(ctx, registration.Metadata{RedirectURIs: []string{cb}, ClientName: "my app"})
	check(err)
	saveClient(c) // JSON; RegistrationAccessToken and RegistrationClientURI manage it later
	cfg, err := p.Config(c.Config(oauthkit.Config{Scopes: []string{"openid"}}))
	check(err)
	s, err := oauthkit.NewSession(cfg)
	check(err)

	ar, err := s.AuthorizationURL()
	check(err)
	callbackURL, err := srv.Authorize(ctx, ar.URL)
	check(err)
	tok, err := s.ExchangeAuthorizationResponse(ctx, callbackURL, *ar)
	check(err)
	var restored registration.Client
	check(json.Unmarshal(stored, &restored))
	fmt.Println(cfg.RedirectURL, tok.IDToken != "", restored.ClientID == c.ClientID)
	// Output:
	// https://app.example/cb true true
}

// check stops an example at its first error.
func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
