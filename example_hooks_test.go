package oauthkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// A provider that insists on the access token in the query, which RFC
// 9700 section 4.3.2 forbids and oauthkit therefore does not offer as a
// placement, can still be reached: a ProtectedRequest hook moves the token
// from the Authorization header into the query. Query strings end up in
// server logs and Referer headers; do this only when there is no other
// way.
func ExampleHooks_tokenInQuery() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})

	tokenInQuery := func(req *http.Request) error {
		token, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return fmt.Errorf("no bearer token to move")
		}
		req.Header.Del("Authorization")
		q := req.URL.Query()
		q.Set("access_token", token)
		req.URL.RawQuery = q.Encode()
		return nil
	}
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
		Grant: oauthkit.ClientCredentials(),
		Hooks: oauthkit.Hooks{ProtectedRequest: []func(*http.Request) error{tokenInQuery}},
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := s.Get(context.Background(), srv.ResourceURL())
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var echo struct {
		ClientID string              `json:"client_id"`
		Query    map[string][]string `json:"query"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&echo); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, echo.ClientID == client.ID, len(echo.Query["access_token"]))
	// Output:
	// 200 true 1
}
