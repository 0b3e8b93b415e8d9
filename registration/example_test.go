package registration_test

import (
	"context"
	"fmt"
	"log"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
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
