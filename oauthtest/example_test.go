package oauthtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// A client_credentials request sent with plain net/http.
func ExampleNewServer() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	c := srv.RegisterClient(oauthtest.Client{Scopes: []string{"read"}})

	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.ID, c.Secret)
	resp, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, len(tok.AccessToken) > 0, tok.TokenType, tok.ExpiresIn, tok.Scope)
	// Output: 200 true Bearer 3600 read
}

// The browser's part of the authorization code flow.
func ExampleServer_Authorize() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"http://127.0.0.1:8080/callback"}})

	authURL := srv.AuthorizationURL() + "?" + url.Values{
		"response_type": {"code"},
		"client_id":     {c.ID},
		"state":         {"af0ifjsldkj"},
	}.Encode()
	callback, err := srv.Authorize(context.Background(), authURL)
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(callback)
	fmt.Println(u.Path, u.Query().Get("state"), u.Query().Get("code") != "", u.Query().Get("iss") == srv.URL)
	// Output: /callback af0ifjsldkj true true
}

// A token endpoint that fails once with 503 and then recovers.
func ExampleServer_InjectFault() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	srv.InjectFault(oauthtest.Fault{
		Endpoint: oauthtest.DiscoveryEndpoint,
		Status:   http.StatusServiceUnavailable,
		Header:   http.Header{"Retry-After": {"1"}},
		Times:    1,
	})
	for range 2 {
		resp, err := srv.Client().Get(srv.MetadataURL())
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After") != "")
	}
	fmt.Println(srv.RequestCount(oauthtest.DiscoveryEndpoint))
	// Output:
	// 503 true
	// 200 false
	// 2
}

// OpenID Connect discovery, the JWKS, and an ID token verified with jose.
func ExampleServer_openID() {
	srv := oauthtest.NewUnstartedServer()
	srv.IDTokenAlg = jose.ES256
	srv.Start()
	defer srv.Close()
	c := srv.RegisterClient(oauthtest.Client{})

	var disco struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := getJSON(srv, srv.OpenIDConfigurationURL(), &disco); err != nil {
		fmt.Println(err)
		return
	}
	var keys jose.KeySet
	if err := getJSON(srv, disco.JWKSURI, &keys); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(disco.Issuer == srv.URL, disco.Algs, len(keys.Keys))

	form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}, "scope": {"openid email"}}
	req, _ := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.ID, c.Secret)
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := doJSON(srv, req, &tok); err != nil {
		fmt.Println(err)
		return
	}
	v, err := jose.Verify(context.Background(), tok.IDToken, &keys, jose.VerifyOptions{Algorithms: disco.Algs})
	if err != nil {
		fmt.Println(err)
		return
	}
	var claims struct {
		Subject string `json:"sub"`
		Email   string `json:"email"`
	}
	_ = json.Unmarshal(v.Payload, &claims)
	fmt.Println(claims.Subject, claims.Email)
	// Output:
	// true [ES256] 1
	// user-1 alice@example.com
}

// An ID token with a bad signature, which a relying party must refuse.
func ExampleServer_InjectIDTokenFault() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	c := srv.RegisterClient(oauthtest.Client{})
	srv.InjectIDTokenFault(oauthtest.IDTokenFault{BadSignature: true, Times: 1})

	for range 2 {
		form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}, "scope": {"openid"}}
		req, _ := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(c.ID, c.Secret)
		var tok struct {
			IDToken string `json:"id_token"`
		}
		if err := doJSON(srv, req, &tok); err != nil {
			fmt.Println(err)
			return
		}
		_, err := jose.Verify(context.Background(), tok.IDToken, srv.PublicKeys(), jose.VerifyOptions{})
		fmt.Println(errors.Is(err, jose.ErrInvalidSignature))
	}
	// Output:
	// true
	// false
}

func getJSON(srv *oauthtest.Server, u string, v any) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	return doJSON(srv, req, v)
}

func doJSON(srv *oauthtest.Server, req *http.Request, v any) error {
	resp, err := srv.Client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", req.URL, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
