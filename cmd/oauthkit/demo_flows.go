package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// demoRedirect is the registered redirect URI of the demo's web clients.
// The demo plays the browser, so nothing listens there.
const demoRedirect = "https://app.example/callback"

// demoSteps lists the steps of the demo in order. To add a step, write a
// function and add a row.
func demoSteps() []demoStep {
	return append([]demoStep{
		{"authorization code + pkce", stepAuthorizationCode},
		{"tampered state rejected", stepTamperedState},
		{"implicit grant", stepImplicit},
		{"password grant", stepPassword},
		{"client credentials", stepClientCredentials},
		{"client auth client_secret_basic", stepAuthMethod(oauthtest.ClientSecretBasic)},
		{"client auth client_secret_post", stepAuthMethod(oauthtest.ClientSecretPost)},
		{"client auth none + pkce", stepPublicClient},
		{"client auth client_secret_uri (custom)", stepCustomAuth},
		{"protected request", stepProtectedRequest},
		{"automatic refresh", stepAutoRefresh},
		{"on token update", stepOnTokenUpdate},
		{"failed refresh keeps old token", stepFailedRefresh},
	}, slices.Concat(extraDemoSteps(), oidcDemoSteps(), frontChannelDemoSteps(), senderDemoSteps(), appDemoSteps())...)
}

// browse plays the user's browser: it opens the authorization URL and
// returns where the server redirects to, without following it.
func (d *demoEnv) browse(ctx context.Context, authURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || loc == "" {
		return "", fmt.Errorf("authorization endpoint answered HTTP %d without a redirect", resp.StatusCode)
	}
	return loc, nil
}

// codeFlow runs the authorization code flow for s up to the callback.
func (d *demoEnv) codeFlow(ctx context.Context, s *oauthkit.Session, opts ...oauthkit.AuthURLOption) (*oauthkit.AuthorizationRequest, string, error) {
	ar, err := s.AuthorizationURL(opts...)
	if err != nil {
		return nil, "", err
	}
	d.note("the browser goes to the authorization URL; the server approves and redirects back")
	callback, err := d.browse(ctx, ar.URL)
	return ar, callback, err
}

func stepAuthorizationCode(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{RedirectURIs: []string{demoRedirect}, Scopes: []string{"profile", "email"}},
		func(c *oauthkit.Config) { c.RedirectURL = demoRedirect; c.Scopes = []string{"profile"} })
	if err != nil {
		return "", err
	}
	ar, callback, err := d.codeFlow(ctx, s)
	if err != nil {
		return "", err
	}
	d.note("state matches in constant time; the code is exchanged with the PKCE verifier %s", d.red.short(ar.CodeVerifier))
	tok, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s token %s for scope %q, refresh token %s", tok.TokenType, d.red.short(tok.AccessToken), tok.Scope, d.red.short(tok.RefreshToken)), nil
}

func stepTamperedState(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{RedirectURIs: []string{demoRedirect}},
		func(c *oauthkit.Config) { c.RedirectURL = demoRedirect })
	if err != nil {
		return "", err
	}
	ar, callback, err := d.codeFlow(ctx, s)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(callback)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("state", oauthkit.GenerateState())
	u.RawQuery = q.Encode()
	d.note("an attacker swaps the state in the callback")
	before := d.srv.RequestCount(oauthtest.TokenEndpoint)
	_, err = s.ExchangeAuthorizationResponse(ctx, u.String(), *ar)
	if !errors.Is(err, oauthkit.ErrStateMismatch) {
		return "", fmt.Errorf("got %v, want ErrStateMismatch", err)
	}
	if n := d.srv.RequestCount(oauthtest.TokenEndpoint) - before; n != 0 {
		return "", fmt.Errorf("%d token requests were sent after a state mismatch", n)
	}
	return "rejected with ErrStateMismatch; no token request was sent", nil
}

func stepImplicit(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{RedirectURIs: []string{demoRedirect}},
		func(c *oauthkit.Config) { c.RedirectURL = demoRedirect })
	if err != nil {
		return "", err
	}
	ar, callback, err := d.codeFlow(ctx, s, oauthkit.WithResponseType("token"))
	if err != nil {
		return "", err
	}
	d.note("the token arrives in the URL fragment; the token endpoint is not called")
	tok, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s token %s, expires in %ds", tok.TokenType, d.red.short(tok.AccessToken), tok.ExpiresIn), nil
}

func stepPassword(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{}, nil)
	if err != nil {
		return "", err
	}
	user := oauthtest.DefaultUser()
	d.note("the resource owner's name %q and password go straight to the token endpoint", user.Username)
	tok, err := s.FetchToken(ctx, oauthkit.Password(user.Username, user.Password))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s token %s, refresh token %s", tok.TokenType, d.red.short(tok.AccessToken), d.red.short(tok.RefreshToken)), nil
}

func stepClientCredentials(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{}, nil)
	if err != nil {
		return "", err
	}
	tok, err := s.FetchToken(ctx, oauthkit.ClientCredentials())
	if err != nil {
		return "", err
	}
	if tok.RefreshToken != "" {
		return "", errors.New("client credentials token came with a refresh token")
	}
	return fmt.Sprintf("%s token %s for the client itself, no refresh token", tok.TokenType, d.red.short(tok.AccessToken)), nil
}

// stepAuthMethod gets a client-credentials token with a built-in client
// authentication method.
func stepAuthMethod(method string) func(context.Context, *demoEnv) (string, error) {
	return func(ctx context.Context, d *demoEnv) (string, error) {
		s, _, err := d.session(oauthtest.Client{AuthMethod: method}, nil)
		if err != nil {
			return "", err
		}
		if _, err := s.FetchToken(ctx, oauthkit.ClientCredentials()); err != nil {
			return "", err
		}
		return "the server accepted " + method, nil
	}
}

func stepPublicClient(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{AuthMethod: oauthtest.AuthNone, RedirectURIs: []string{demoRedirect}},
		func(c *oauthkit.Config) { c.RedirectURL = demoRedirect })
	if err != nil {
		return "", err
	}
	ar, callback, err := d.codeFlow(ctx, s)
	if err != nil {
		return "", err
	}
	d.note("a public client has no secret: the PKCE verifier proves it started the flow")
	tok, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s token %s with client_id only", tok.TokenType, d.red.short(tok.AccessToken)), nil
}

// clientSecretURI is a custom client authentication method: the client
// credentials and the parameters go in the query of the POST request, as
// some providers require.
var clientSecretURI = oauthkit.ClientAuthFunc(func(_ context.Context, r *oauthkit.ClientAuthRequest) error {
	q := r.URL.Query()
	q.Set("client_id", r.ClientID)
	q.Set("client_secret", r.ClientSecret)
	for k, v := range r.Form {
		q[k] = v
	}
	r.URL.RawQuery = q.Encode()
	r.Form = url.Values{}
	return nil
})

func stepCustomAuth(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{AuthMethod: oauthtest.ClientSecretURI}, func(c *oauthkit.Config) {
		c.AuthMethods = map[string]oauthkit.ClientAuth{oauthtest.ClientSecretURI: clientSecretURI}
	})
	if err != nil {
		return "", err
	}
	d.note("the method is registered by name in Config.AuthMethods and selected with AuthMethod")
	if _, err := s.FetchToken(ctx, oauthkit.ClientCredentials()); err != nil {
		return "", err
	}
	return "the server accepted client_secret_uri", nil
}
