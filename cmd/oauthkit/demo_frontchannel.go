package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
	"github.com/oauthkit/oauthkit/registration"
)

// demoHMACSecret is a client secret long enough for HS256 request
// objects.
const demoHMACSecret = "demo-secret-0123456789abcdef0123456789"

// frontChannelDemoSteps are the steps of the hardened front channel.
func frontChannelDemoSteps() []demoStep {
	return []demoStep{
		{"pushed authorization request (par)", stepPAR},
		{"request object (jar)", stepRequestObject},
		{"jwt secured response (jarm)", stepJARM},
		{"forged jarm response rejected", stepJARMForged},
		{"rp-initiated logout", stepRPLogout},
		{"back-channel logout", stepBackChannelLogout},
		{"dynamic client registration", stepRegistration},
	}
}

// oidcSession registers c and returns the provider and a session
// configured from discovery.
func (d *demoEnv) oidcSession(ctx context.Context, c oauthtest.Client, scopes ...string) (*oidc.Provider, *oauthkit.Session, oauthtest.Client, error) {
	prov, err := oidc.NewProvider(ctx, d.srv.URL, oidc.ProviderConfig{HTTPClient: d.hc})
	if err != nil {
		return nil, nil, c, err
	}
	c = d.srv.RegisterClient(c)
	base := d.config(c)
	base.AuthURL, base.TokenURL, base.RedirectURL, base.Scopes = "", "", demoRedirect, scopes
	cfg, err := prov.Config(base)
	if err != nil {
		return nil, nil, c, err
	}
	s, err := oauthkit.NewSession(cfg)
	return prov, s, c, err
}

func stepPAR(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{RedirectURIs: []string{demoRedirect}, RequirePushedAuthorizationRequests: true},
		func(c *oauthkit.Config) {
			c.RedirectURL, c.PushedAuthURL, c.RequirePushedAuth = demoRedirect, d.srv.PushedAuthorizationURL(), true
		})
	if err != nil {
		return "", err
	}
	d.note("the client requires PAR: the parameters go to the server first, with client authentication")
	ar, err := s.AuthorizationURLContext(ctx)
	if err != nil {
		return "", err
	}
	d.note("the browser carries only client_id and request_uri")
	callback, err := d.browse(ctx, ar.URL)
	if err != nil {
		return "", err
	}
	if _, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar); err != nil {
		return "", err
	}
	return fmt.Sprintf("pushed as %s, valid until %s; code exchanged", d.red.short(ar.RequestURI), ar.ExpiresAt.Format("15:04:05")), nil
}

func stepRequestObject(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{RedirectURIs: []string{demoRedirect}, Secret: demoHMACSecret},
		func(c *oauthkit.Config) { c.RedirectURL, c.Issuer = demoRedirect, d.srv.URL })
	if err != nil {
		return "", err
	}
	d.note("the parameters travel in a request object signed with the client secret (HS256)")
	ar, callback, err := d.codeFlow(ctx, s, oauthkit.WithRequestObject())
	if err != nil {
		return "", err
	}
	u, _ := url.Parse(ar.URL)
	if _, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar); err != nil {
		return "", err
	}
	return fmt.Sprintf("request object %s verified by the server; code exchanged", d.red.short(u.Query().Get("request"))), nil
}

func stepJARM(ctx context.Context, d *demoEnv) (string, error) {
	_, s, _, err := d.oidcSession(ctx, oauthtest.Client{RedirectURIs: []string{demoRedirect}}, "openid")
	if err != nil {
		return "", err
	}
	d.note("response_mode=jwt: the server signs the response; the session checks it before state and iss")
	ar, callback, err := d.codeFlow(ctx, s, oauthkit.WithResponseMode(oauthkit.ResponseModeJWT))
	if err != nil {
		return "", err
	}
	cb, _ := url.Parse(callback)
	if _, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar); err != nil {
		return "", err
	}
	return fmt.Sprintf("response JWT %s verified (signature, iss, aud, exp); code exchanged", d.red.short(cb.Query().Get("response"))), nil
}

func stepJARMForged(ctx context.Context, d *demoEnv) (string, error) {
	_, s, _, err := d.oidcSession(ctx, oauthtest.Client{RedirectURIs: []string{demoRedirect}}, "openid")
	if err != nil {
		return "", err
	}
	d.srv.InjectJWTFault(oauthtest.JWTFault{Kind: oauthtest.JARMResponseJWT, WrongAudience: true, Times: 1})
	d.note("the server signs a response JWT for another client")
	ar, callback, err := d.codeFlow(ctx, s, oauthkit.WithResponseMode(oauthkit.ResponseModeJWT))
	if err != nil {
		return "", err
	}
	before := d.srv.RequestCount(oauthtest.TokenEndpoint)
	_, err = s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if !errors.Is(err, oidc.ErrInvalidAudience) {
		return "", fmt.Errorf("exchange of a forged response: %v; want oidc.ErrInvalidAudience", err)
	}
	if d.srv.RequestCount(oauthtest.TokenEndpoint) != before {
		return "", errors.New("the code of a forged response was redeemed")
	}
	return "rejected with oidc.ErrInvalidAudience; the code was not redeemed", nil
}

func stepRPLogout(ctx context.Context, d *demoEnv) (string, error) {
	const bye = "https://app.example/logged-out"
	prov, s, _, err := d.oidcSession(ctx, oauthtest.Client{PostLogoutRedirectURIs: []string{bye}}, "openid")
	if err != nil {
		return "", err
	}
	user := oauthtest.DefaultUser()
	tok, err := s.FetchToken(ctx, oauthkit.Password(user.Username, user.Password))
	if err != nil {
		return "", err
	}
	state := oauthkit.GenerateState()
	u, err := prov.EndSessionURL(oidc.LogoutRequest{IDTokenHint: tok.IDToken, PostLogoutRedirectURI: bye, State: state})
	if err != nil {
		return "", err
	}
	d.note("the browser goes to the end-session endpoint with the ID token as hint, and comes back")
	back, err := d.browse(ctx, u)
	if err != nil {
		return "", err
	}
	if err := oidc.CheckLogoutReturn(back, state); err != nil {
		return "", err
	}
	return "logged out at the provider; the return's state matched", nil
}

func stepBackChannelLogout(ctx context.Context, d *demoEnv) (string, error) {
	var got atomic.Pointer[oidc.LogoutToken]
	var h atomic.Pointer[http.Handler]
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*h.Load()).ServeHTTP(w, r) }))
	defer app.Close()
	prov, s, c, err := d.oidcSession(ctx, oauthtest.Client{BackChannelLogoutURI: app.URL + "/backchannel-logout"}, "openid")
	if err != nil {
		return "", err
	}
	handler := oidc.NewBackChannelLogoutHandler(prov.LogoutTokenVerifier(c.ID), func(_ context.Context, t *oidc.LogoutToken) error {
		got.Store(t)
		return nil
	})
	h.Store(&handler)
	user := oauthtest.DefaultUser()
	if _, err := s.FetchToken(ctx, oauthkit.Password(user.Username, user.Password)); err != nil {
		return "", err
	}
	d.note("the user logs out at the provider, which posts a logout token to the application, twice")
	d.srv.InjectJWTFault(oauthtest.JWTFault{Kind: oauthtest.LogoutTokenJWT, Replay: true, Times: 1})
	ds := d.srv.BackChannelLogout(ctx, oauthtest.BackChannelLogoutRequest{})
	if len(ds) != 2 || ds[0].StatusCode != http.StatusOK || ds[1].StatusCode != http.StatusBadRequest {
		return "", fmt.Errorf("deliveries %+v; want 200, then 400 for the replay", ds)
	}
	t := got.Load()
	if t == nil {
		return "", errors.New("the application was not told")
	}
	return fmt.Sprintf("session %s of %s ended (HTTP 200); the replayed token got HTTP 400", d.red.short(t.SessionID), t.Subject), nil
}

func stepRegistration(ctx context.Context, d *demoEnv) (string, error) {
	r, err := registration.New(registration.Config{Endpoint: d.srv.RegistrationURL(), HTTPClient: d.hc})
	if err != nil {
		return "", err
	}
	c, err := r.Register(ctx, registration.Metadata{ClientName: "demo", GrantTypes: []string{"client_credentials"}})
	if err != nil {
		return "", err
	}
	cfg := c.Config(oauthkit.Config{TokenURL: d.srv.TokenURL(), HTTPClient: d.hc, Now: d.clock.now})
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return "", err
	}
	if _, err := s.FetchToken(ctx, oauthkit.ClientCredentials()); err != nil {
		return "", err
	}
	d.note("the registration access token manages the client (RFC 7592): delete it")
	if err := r.Delete(ctx, c); err != nil {
		return "", err
	}
	return fmt.Sprintf("registered %s, got a token with it, deleted it", c.ClientID), nil
}
