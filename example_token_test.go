package oauthkit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// A token saved by a Python program with Authlib (the dict form of
// OAuth2Token) is one call away: TokenFromMap reads it as Authlib does.
// Its expires_at had been mangled to a string, so the expiry falls back to
// expires_in, counted from loading.
func ExampleTokenFromMap() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	issuer, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()})
	user := oauthtest.DefaultUser()
	issued, err := issuer.FetchToken(context.Background(), oauthkit.Password(user.Username, user.Password))
	if err != nil {
		log.Fatal(err)
	}

	dict := map[string]any{ // as the Python program stored it
		"access_token":  issued.AccessToken,
		"refresh_token": issued.RefreshToken,
		"token_type":    "Bearer",
		"expires_in":    3600,
		"expires_at":    "2026-01-01 00:00",
	}
	tok, err := oauthkit.TokenFromMap(dict)
	if err != nil {
		log.Fatal(err)
	}
	s, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()})
	s.SetToken(tok)
	fmt.Println(s.Token().ExpiresIn, s.Token().ExpiresAt.IsZero())

	resp, err := s.Get(context.Background(), srv.ResourceURL())
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 3600 false
	// 200
}
