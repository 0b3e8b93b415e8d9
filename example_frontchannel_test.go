package oauthkit_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// A pushed authorization request (RFC 9126): the parameters go to the
// server over the back channel, and the URL the user visits carries only
// client_id and request_uri.
func ExampleSession_PushAuthorizationRequest() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{
		RedirectURIs:                       []string{"https://app.example/cb"},
		RequirePushedAuthorizationRequests: true,
	})
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(), PushedAuthURL: srv.PushedAuthorizationURL(),
		RedirectURL: "https://app.example/cb", RequirePushedAuth: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ar, err := s.AuthorizationURLContext(ctx) // pushes, since the server requires it
	if err != nil {
		log.Fatal(err)
	}
	q := mustParse(ar.URL).Query()
	fmt.Println(len(q), strings.HasPrefix(q.Get("request_uri"), "urn:ietf:params:oauth:request_uri:"), !ar.ExpiresAt.IsZero())

	callback, err := srv.Authorize(ctx, ar.URL)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.AccessToken != "")
	// Output:
	// 2 true true
	// true
}

// A signed request object (RFC 9101, "JAR") passed by value: the request
// parameters are in a JWT signed with the client secret, and only
// client_id and request travel next to it.
func ExampleWithRequestObject() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{
		RedirectURIs: []string{"https://app.example/cb"},
		Secret:       "a-secret-of-at-least-thirty-two-bytes",
	})
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, Issuer: srv.URL,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(), RedirectURL: "https://app.example/cb",
	})
	if err != nil {
		log.Fatal(err)
	}
	ar, err := s.AuthorizationURL(oauthkit.WithRequestObject())
	if err != nil {
		log.Fatal(err)
	}
	q := mustParse(ar.URL).Query()
	fmt.Println(q.Get("client_id") == client.ID, strings.Count(q.Get("request"), "."), q.Has("state"))

	callback, err := srv.Authorize(context.Background(), ar.URL)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := s.ExchangeAuthorizationResponse(context.Background(), callback, *ar)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.AccessToken != "")
	// Output:
	// true 2 false
	// true
}
