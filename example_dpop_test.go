package oauthkit_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// A session with DPoP binds its tokens to a key it made for itself: the
// server asks for a nonce first, the session retries once with it, and
// every request to the resource carries a proof.
func ExampleSession_dpop() {
	srv := oauthtest.NewUnstartedServer()
	srv.RequireDPoP = true
	srv.DPoPNonce = true
	srv.Start()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})

	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
		DPoP: &dpop.Config{}, // ES256 with a key generated for this session
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	tok, err := s.FetchToken(ctx, oauthkit.ClientCredentials())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, srv.RequestCount(oauthtest.TokenEndpoint), "token requests")

	resp, err := s.Get(ctx, srv.ResourceURL())
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// DPoP 2 token requests
	// 200
}

// A protected resource says why it refused a request in WWW-Authenticate.
func ExampleParseWWWAuthenticate() {
	h := http.Header{"Www-Authenticate": {`DPoP algs="ES256 EdDSA", error="invalid_token", error_description="token expired"`}}
	cs, err := oauthkit.ParseWWWAuthenticate(h)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cs {
		fmt.Println(c.Scheme, c.Error, c.Algs, c.ErrorDescription)
	}
	// Output:
	// DPoP invalid_token [ES256 EdDSA] token expired
}
