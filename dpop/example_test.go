package dpop_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// A proof for a token request made by hand: the server binds the token to
// the prover's key.
func ExampleProver_Proof() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})

	p, err := dpop.New(dpop.Config{}) // a new P-256 key, ES256
	if err != nil {
		log.Fatal(err)
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		log.Fatal(err)
	}
	proof, err := p.Proof(req.Method, req.URL, "") // with the cached nonce, if any
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(dpop.HeaderProof, proof)
	req.SetBasicAuth(client.ID, client.Secret)
	resp, err := srv.Client().Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	p.UpdateNonce(req.URL, resp.Header) // learn the nonce, if the server sent one
	var tok struct {
		TokenType string `json:"token_type"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, tok.TokenType, p.Algorithm(), len(p.Thumbprint()))
	// Output:
	// 200 DPoP ES256 43
}
