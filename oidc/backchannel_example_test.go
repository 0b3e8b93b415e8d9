package oidc_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// Back-channel logout: the provider posts a logout token to the client's
// backchannel_logout_uri; the handler verifies it and tells the
// application which session ended.
func ExampleNewBackChannelLogoutHandler() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	mux := http.NewServeMux()
	app := httptest.NewServer(mux) // the application, at its backchannel_logout_uri
	defer app.Close()
	client := srv.RegisterClient(oauthtest.Client{BackChannelLogoutURI: app.URL + "/backchannel-logout"})
	ctx, issuer, id := context.Background(), srv.URL, client.ID
	endSessions := func(ctx context.Context, iss, sub, sid string) error {
		fmt.Println("end the sessions of", sub, "session known:", sid != "")
		return nil
	}

	p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})
	check(err)
	h := oidc.NewBackChannelLogoutHandler(p.LogoutTokenVerifier(id), func(ctx context.Context, t *oidc.LogoutToken) error {
		return endSessions(ctx, t.Issuer, t.Subject, t.SessionID) // your own session store
	})
	mux.Handle("/backchannel-logout", h)

	// The user logs in, then logs out at the provider.
	cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, Scopes: []string{"openid"}})
	check(err)
	s, err := oauthkit.NewSession(cfg)
	check(err)
	_, err = s.FetchToken(ctx, oauthkit.Password("alice", "wonderland"))
	check(err)
	for _, d := range srv.BackChannelLogout(ctx, oauthtest.BackChannelLogoutRequest{}) {
		fmt.Println("the provider got HTTP", d.StatusCode, d.CacheControl)
	}
	// Output:
	// end the sessions of user-1 session known: true
	// the provider got HTTP 200 no-store
}

// RP-initiated logout with the state checked on the way back.
func ExampleCheckLogoutReturn() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{PostLogoutRedirectURIs: []string{"https://app.example/bye"}})
	ctx, issuer, cb := context.Background(), srv.URL, "https://app.example/bye"
	s, err := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret,
		TokenURL: srv.TokenURL(), Scopes: []string{"openid"}})
	check(err)
	tok, err := s.FetchToken(ctx, oauthkit.Password("alice", "wonderland"))
	check(err)
	idToken := tok.IDToken

	p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})
	check(err)
	state := oauthkit.GenerateState()
	u, err := p.EndSessionURL(oidc.LogoutRequest{IDTokenHint: idToken, PostLogoutRedirectURI: cb, State: state})
	check(err)
	waitForCallback := func(ctx context.Context) (string, error) { return followOne(ctx, u) } // the browser
	returnURL, err := waitForCallback(ctx)
	check(err)
	err = oidc.CheckLogoutReturn(returnURL, state) // oauthkit.ErrStateMismatch when forged
	fmt.Println(err)
	fmt.Println(oidc.CheckLogoutReturn(returnURL, oauthkit.GenerateState()) != nil)
	// Output:
	// <nil>
	// true
}

// followOne sends a GET to u and returns where it redirects.
func followOne(ctx context.Context, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return resp.Header.Get("Location"), nil
}
