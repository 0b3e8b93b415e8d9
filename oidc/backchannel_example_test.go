package oidc_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// Back-channel logout: the provider posts a logout token to the client's
// backchannel_logout_uri; the handler verifies it and tells the
// application which session ended.
func ExampleNewBackChannelLogoutHandler() {
	ctx := context.Background()
	srv := oauthtest.NewServer()
	defer srv.Close()
	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{})
	if err != nil {
		log.Fatal(err)
	}

	// The application's endpoint, registered as backchannel_logout_uri.
	app := httptest.NewUnstartedServer(nil)
	app.Start()
	defer app.Close()
	client := srv.RegisterClient(oauthtest.Client{BackChannelLogoutURI: app.URL + "/backchannel-logout"})
	app.Config.Handler = oidc.NewBackChannelLogoutHandler(p.LogoutTokenVerifier(client.ID),
		func(ctx context.Context, t *oidc.LogoutToken) error {
			fmt.Println("end sessions of", t.Subject, "session known:", t.SessionID != "")
			return nil
		})

	// The user logs in, then logs out at the provider.
	cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, Scopes: []string{"openid"}})
	if err != nil {
		log.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := s.FetchToken(ctx, oauthkit.Password("alice", "wonderland")); err != nil {
		log.Fatal(err)
	}
	for _, d := range srv.BackChannelLogout(ctx, oauthtest.BackChannelLogoutRequest{}) {
		fmt.Println("provider got HTTP", d.StatusCode)
	}
	// Output:
	// end sessions of user-1 session known: true
	// provider got HTTP 200
}
