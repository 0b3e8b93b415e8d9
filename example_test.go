package oauthkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// This example runs the authorization code grant: the user is sent to the
// authorization URL, and the response the server redirects back with is
// exchanged for a token. PKCE is on by default.
func ExampleSession_AuthorizationURL() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/github"}})

	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(),
		RedirectURL: "https://app.example/github",
		Scopes:      []string{"user:email"},
	})
	if err != nil {
		log.Fatal(err)
	}
	// Step 1: send the user to the authorization URL; save ar (state, verifier).
	ar, err := s.AuthorizationURL()
	if err != nil {
		log.Fatal(err)
	}
	q := mustParse(ar.URL).Query()
	fmt.Println(q.Get("response_type"), q.Get("scope"), q.Get("code_challenge_method"), q.Get("state") == ar.State)

	// The server redirects back to the callback with code and state.
	callback, err := srv.Authorize(context.Background(), ar.URL)
	if err != nil {
		log.Fatal(err)
	}
	// Step 2: check state and exchange the code (with the PKCE verifier).
	tok, err := s.ExchangeAuthorizationResponse(context.Background(), callback, *ar)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.Scope, tok.AccessToken != "")
	// Output:
	// code user:email S256 true
	// Bearer user:email true
}

// This example completes an authorization in another session than the one
// that started it, as a web app does after the redirect: the saved
// AuthorizationRequest carries the state and the PKCE verifier.
func ExampleSession_ExchangeAuthorizationResponse_restoredState() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	cfg := oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(), RedirectURL: "https://app.example/cb",
	}

	// Request 1: build the URL and save the request, e.g. in the user's session.
	first, _ := oauthkit.NewSession(cfg)
	ar, _ := first.AuthorizationURL()
	saved, _ := json.Marshal(ar)

	callback, _ := srv.Authorize(context.Background(), ar.URL)

	// Request 2, later, maybe another process: restore and exchange.
	var restored oauthkit.AuthorizationRequest
	if err := json.Unmarshal(saved, &restored); err != nil {
		log.Fatal(err)
	}
	second, _ := oauthkit.NewSession(cfg)
	tok, err := second.ExchangeAuthorizationResponse(context.Background(), callback, restored)
	fmt.Println(err, tok.AccessToken != "")
	// Output: <nil> true
}

// This example sends a PKCE code verifier of the caller's own with the
// authorization request and the code exchange.
func ExampleWithCodeVerifier() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone, RedirectURIs: []string{"http://127.0.0.1:8000/cb"}})
	s, _ := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, AuthMethod: oauthkit.AuthNone,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(), RedirectURL: "http://127.0.0.1:8000/cb",
	})
	verifier := oauthkit.GenerateCodeVerifier()
	ar, _ := s.AuthorizationURL(oauthkit.WithCodeVerifier(verifier))
	callback, _ := srv.Authorize(context.Background(), ar.URL)

	code := mustParse(callback).Query().Get("code")
	tok, err := s.Exchange(context.Background(), code, oauthkit.WithCodeVerifier(verifier))
	fmt.Println(err, tok.AccessToken != "")
	// Output: <nil> true
}

// This example runs the implicit grant: the token comes in the fragment of
// the redirect, and no token request is sent.
func ExampleWithResponseType_implicit() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://example.com/cb"}})
	s, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, AuthURL: srv.AuthorizationURL(), RedirectURL: "https://example.com/cb"})

	ar, _ := s.AuthorizationURL(oauthkit.WithResponseType("token"))
	fmt.Println(mustParse(ar.URL).Query().Get("response_type"))

	callback, _ := srv.Authorize(context.Background(), ar.URL) // https://example.com/cb#access_token=...&state=...
	tok, err := s.ExchangeAuthorizationResponse(context.Background(), callback, *ar)
	fmt.Println(err, tok.TokenType, tok.ExpiresIn)
	// Output:
	// token
	// <nil> Bearer 3600
}

// This example fetches a token with the resource owner password grant.
func ExamplePassword() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	s, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()})

	user := oauthtest.DefaultUser()
	tok, err := s.FetchToken(context.Background(), oauthkit.Password(user.Username, user.Password))
	fmt.Println(err, tok.RefreshToken != "")
	// Output: <nil> true
}

// This example fetches a token with the client credentials grant, which a
// nil grant means; ClientCredentials() names it.
func ExampleClientCredentials() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	s, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()})

	tok1, err1 := s.FetchToken(context.Background(), nil)
	tok2, err2 := s.FetchToken(context.Background(), oauthkit.ClientCredentials())
	fmt.Println(err1, err2, tok1.AccessToken != tok2.AccessToken, tok2.RefreshToken == "")
	// Output: <nil> <nil> true true
}

// This example authenticates the client with client_secret_post instead of
// the default client_secret_basic.
func ExampleConfig_authMethod() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretPost})
	s, _ := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
		AuthMethod: oauthkit.ClientSecretPost,
	})
	_, err := s.FetchToken(context.Background(), nil)
	fmt.Println(err)
	// Output: <nil>
}

// This example registers a custom client authentication method by name:
// one that puts the client id and secret in the token URL's query, as
// some providers want. The same function could be set as
// Config.ClientAuth directly, or given to one call with WithClientAuth.
func ExampleClientAuthFunc() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretURI})

	authClientSecretURI := oauthkit.ClientAuthFunc(func(_ context.Context, r *oauthkit.ClientAuthRequest) error {
		q := r.URL.Query()
		q.Set("client_id", r.ClientID)
		q.Set("client_secret", r.ClientSecret)
		for k, v := range r.Form { // the body goes to the URL too
			q[k] = v
		}
		r.URL.RawQuery = q.Encode()
		r.Form = url.Values{}
		return nil
	})
	s, _ := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
		AuthMethod:  "client_secret_uri",
		AuthMethods: map[string]oauthkit.ClientAuth{"client_secret_uri": authClientSecretURI},
	})
	_, err := s.FetchToken(context.Background(), oauthkit.ClientCredentials())
	fmt.Println(err)

	// A session with the default method is refused by this server...
	plain, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()})
	_, err = plain.FetchToken(context.Background(), nil)
	fmt.Println(err)
	// ...unless one call overrides it.
	_, err = plain.FetchToken(context.Background(), nil, oauthkit.WithClientAuth(authClientSecretURI))
	fmt.Println(err)
	// Output:
	// <nil>
	// oauthkit: token endpoint: "invalid_client" "client registered for client_secret_uri authenticated with client_secret_basic" (HTTP 401)
	// <nil>
}

// This example calls a protected resource with a token restored from a
// database.
func ExampleSession_Get() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	issuer, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()})
	saved, _ := issuer.FetchToken(context.Background(), nil)
	row, _ := json.Marshal(saved) // what the application stored

	var token oauthkit.Token
	if err := json.Unmarshal(row, &token); err != nil {
		log.Fatal(err)
	}
	s, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()})
	s.SetToken(&token)

	resp, err := s.Get(context.Background(), srv.ResourceURL())
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output: 200
}

// This example adapts the session to a provider that does not follow the
// standard: Stack Overflow answers the token request form-encoded with
// "expires" instead of "expires_in", and wants a site parameter on every
// API request.
func ExampleHooks() {
	srv := oauthtest.NewUnstartedServer()
	srv.TokenResponseFormat = oauthtest.FormatForm
	srv.ExpiresField = "expires"
	srv.Start()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})

	fixTokenResponse := func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return err
		}
		data := map[string]any{"token_type": "Bearer"}
		for k := range form {
			data[k] = form.Get(k)
		}
		if exp := form.Get("expires"); exp != "" {
			data["expires_in"] = exp
		}
		b, _ := json.Marshal(data)
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
		resp.Header.Set("Content-Type", "application/json")
		return nil
	}
	addSite := func(req *http.Request) error {
		q := req.URL.Query()
		q.Set("site", "stackoverflow")
		req.URL.RawQuery = q.Encode()
		return nil
	}
	s, _ := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
		Hooks: oauthkit.Hooks{
			AccessTokenResponse: []func(*http.Response) error{fixTokenResponse},
			ProtectedRequest:    []func(*http.Request) error{addSite},
		},
	})
	tok, err := s.FetchToken(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.ExpiresIn, !tok.ExpiresAt.IsZero())

	resp, err := s.Get(context.Background(), srv.ResourceURL())
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var echo struct {
		Query map[string][]string `json:"query"`
	}
	json.NewDecoder(resp.Body).Decode(&echo)
	fmt.Println(echo.Query["site"])
	// Output:
	// 3600 true
	// [stackoverflow]
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		log.Fatal(err)
	}
	return u
}

// This example saves renewed tokens: an expired token is refreshed before
// the request, and the new token is handed to OnTokenUpdate, with the
// refresh token it replaces to find the stored row.
func ExampleConfig_onTokenUpdate() {
	srv := oauthtest.NewUnstartedServer()
	srv.RotateRefreshTokens = true
	srv.Start()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	cfg := oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()}
	first, _ := oauthkit.NewSession(cfg)
	user := oauthtest.DefaultUser()
	stored, _ := first.FetchToken(context.Background(), oauthkit.Password(user.Username, user.Password))
	stored.ExpiresAt = stored.ExpiresAt.Add(-2 * time.Hour) // it has expired since it was saved

	cfg.OnTokenUpdate = func(_ context.Context, u oauthkit.TokenUpdate) error {
		if u.OldRefreshToken == stored.RefreshToken {
			fmt.Println("update stored row: new refresh token:", u.Token.RefreshToken != stored.RefreshToken)
		}
		return nil
	}
	s, _ := oauthkit.NewSession(cfg)
	s.SetToken(stored)
	resp, err := s.Get(context.Background(), srv.ResourceURL())
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// update stored row: new refresh token: true
	// 200
}

// This example refreshes a token explicitly, with a given refresh token.
func ExampleSession_Refresh() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	s, _ := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL()})
	user := oauthtest.DefaultUser()
	token, _ := s.FetchToken(context.Background(), oauthkit.Password(user.Username, user.Password))

	newToken, err := s.Refresh(context.Background(), oauthkit.WithTokenURL(srv.TokenURL()), oauthkit.WithRefreshToken(token.RefreshToken))
	fmt.Println(err, newToken.AccessToken != token.AccessToken, newToken.RefreshToken == token.RefreshToken)
	// Output: <nil> true true
}

// This example asks the introspection endpoint whether a token is active.
func ExampleSession_Introspect() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	s, _ := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
		RevocationURL: srv.RevocationURL(), IntrospectionURL: srv.IntrospectionURL(),
	})
	user := oauthtest.DefaultUser()
	token, _ := s.FetchToken(context.Background(), oauthkit.Password(user.Username, user.Password))

	info, err := s.Introspect(context.Background(), token.AccessToken)
	fmt.Println(err, info.Active, info.Username, info.ClientID == client.ID)

	// A per-call endpoint works too, as in Authlib's introspect_token(url, token=...).
	info, _ = s.Introspect(context.Background(), token.RefreshToken,
		oauthkit.WithEndpointURL(srv.IntrospectionURL()), oauthkit.WithTokenTypeHint(oauthkit.TokenTypeHintRefreshToken))
	fmt.Println(info.Active)
	// Output:
	// <nil> true alice true
	// true
}

// This example revokes the session's refresh token, which ends the grant
// and clears the session's token.
func ExampleSession_Revoke() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	s, _ := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
		RevocationURL: srv.RevocationURL(), IntrospectionURL: srv.IntrospectionURL(),
	})
	user := oauthtest.DefaultUser()
	token, _ := s.FetchToken(context.Background(), oauthkit.Password(user.Username, user.Password))

	err := s.Revoke(context.Background(), token.RefreshToken)
	fmt.Println(err, s.Token() == nil)

	info, _ := s.Introspect(context.Background(), token.AccessToken)
	fmt.Println(info.Active)
	// Output:
	// <nil> true
	// false
}

// The device authorization grant (RFC 8628): show the user the code, then
// poll until they approve it.
func ExampleSession_PollDeviceToken() {
	srv := oauthtest.NewUnstartedServer()
	srv.DeviceInterval = time.Second
	srv.Start()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone})
	s, _ := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, AuthMethod: oauthkit.AuthNone,
		TokenURL: srv.TokenURL(), DeviceAuthURL: srv.DeviceAuthorizationURL(),
	})
	da, err := s.DeviceAuthorization(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(da.VerificationURI != "", da.UserCode != "")

	srv.ApproveDevice(da.UserCode) // the user types the code on another device

	tok, err := s.PollDeviceToken(context.Background(), da)
	fmt.Println(err, tok.AccessToken != "")
	// Output:
	// true true
	// <nil> true
}
