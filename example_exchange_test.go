package oauthkit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// A service exchanges the token a user's request came with for a token of
// its own, on the user's behalf and for one audience (RFC 8693).
func ExampleTokenExchange() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	frontend := srv.RegisterClient(oauthtest.Client{})
	backend := srv.RegisterClient(oauthtest.Client{})
	ctx := context.Background()

	// The token the frontend holds for the user.
	fs, err := oauthkit.NewSession(oauthkit.Config{ClientID: frontend.ID, ClientSecret: frontend.Secret, TokenURL: srv.TokenURL()})
	if err != nil {
		log.Fatal(err)
	}
	user := oauthtest.DefaultUser()
	userToken, err := fs.FetchToken(ctx, oauthkit.Password(user.Username, user.Password))
	if err != nil {
		log.Fatal(err)
	}

	// The backend trades it for its own.
	bs, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: backend.ID, ClientSecret: backend.Secret,
		TokenURL: srv.TokenURL(), IntrospectionURL: srv.IntrospectionURL(),
	})
	if err != nil {
		log.Fatal(err)
	}
	tok, err := bs.FetchToken(ctx, oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{
		SubjectToken:     userToken.AccessToken,
		SubjectTokenType: oauthkit.TokenTypeAccessToken,
		Audiences:        []string{"billing"},
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.IssuedTokenType(), tok.AccessToken != userToken.AccessToken)
	info, err := bs.Introspect(ctx, tok.AccessToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Subject, info.Audience)
	// Output:
	// urn:ietf:params:oauth:token-type:access_token true
	// user-1 [billing]
}
