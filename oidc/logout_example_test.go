package oidc_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// RP-Initiated Logout: send the browser to the provider's end-session
// endpoint with the ID token as a hint, and check the state it brings back.
func ExampleProvider_EndSessionURL() {
	ctx := context.Background()
	srv := oauthtest.NewServer()
	defer srv.Close()
	const bye = "http://127.0.0.1:8080/logged-out"
	client := srv.RegisterClient(oauthtest.Client{PostLogoutRedirectURIs: []string{bye}})

	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{})
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, Scopes: []string{"openid"}})
	if err != nil {
		log.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := s.FetchToken(ctx, oauthkit.Password("alice", "wonderland"))
	if err != nil {
		log.Fatal(err)
	}

	state := oauthkit.GenerateState()
	u, err := p.EndSessionURL(oidc.LogoutRequest{IDTokenHint: tok.IDToken, PostLogoutRedirectURI: bye, State: state})
	if err != nil {
		log.Fatal(err)
	}

	// The browser follows u; the provider sends it back to bye.
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.Path, back.Query().Get("state") == state)
	// Output: /logged-out true
}
