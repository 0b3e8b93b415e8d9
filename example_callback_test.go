package oauthkit_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// A net/http app completes the login in the redirect URL's handler with
// the request itself: the query of a GET, or the form body of
// response_mode=form_post.
func ExampleSession_ExchangeCallback() {
	srv := oauthtest.NewServer()
	defer srv.Close()

	var s *oauthkit.Session
	var saved oauthkit.AuthorizationRequest // kept server-side or in a sealed cookie
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := s.ExchangeCallback(r.Context(), r, saved)
		if err != nil {
			http.Error(w, "login failed", http.StatusBadRequest)
			return
		}
		fmt.Fprintln(w, "logged in with a", tok.TokenType, "token")
	}))
	defer app.Close()

	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{app.URL + "/callback"}})
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(),
		RedirectURL: app.URL + "/callback",
	})
	if err != nil {
		log.Fatal(err)
	}
	ar, err := s.AuthorizationURL()
	if err != nil {
		log.Fatal(err)
	}
	saved = *ar

	// The browser follows the server's redirect to the app.
	callback, err := srv.Authorize(context.Background(), ar.URL)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := http.Get(callback)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.StatusCode, " ", string(body))
	// Output:
	// 200 logged in with a Bearer token
}
