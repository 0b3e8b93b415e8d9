package registration_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
	"github.com/oauthkit/oauthkit/registration"
)

const iat = "initial-access-token"

func newServer(t *testing.T) (*oauthtest.Server, *registration.Registrar) {
	t.Helper()
	srv := oauthtest.NewUnstartedServer()
	srv.InitialAccessToken = iat
	srv.Start()
	t.Cleanup(srv.Close)
	r, err := registration.New(registration.Config{Endpoint: srv.RegistrationURL(), InitialAccessToken: iat, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return srv, r
}

// TestRegistrar_lifecycle registers a client, uses it, reads, updates and
// deletes it.
func TestRegistrar_lifecycle(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, r := newServer(t)
	c, err := r.Register(ctx, registration.Metadata{
		RedirectURIs: []string{"https://app.example/cb"}, GrantTypes: []string{"client_credentials"},
		ClientName: "demo", Extra: map[string]any{"x_custom": "kept"},
	})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if c.ClientID == "" || c.ClientSecret == "" || c.RegistrationAccessToken == "" || c.ClientIDIssuedAt.IsZero() ||
		c.TokenEndpointAuthMethod != oauthkit.ClientSecretBasic || c.ClientName != "demo" || c.Extra["x_custom"] != "kept" {
		t.Fatalf("Register = %+v; want credentials, a registration access token and the metadata", c)
	}

	s, err := oauthkit.NewSession(c.Config(oauthkit.Config{TokenURL: srv.TokenURL(), HTTPClient: srv.Client()}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FetchToken(ctx, oauthkit.ClientCredentials()); err != nil {
		t.Fatalf("client credentials with the registered client: %v", err)
	}
	if s.Config().RedirectURL != "https://app.example/cb" {
		t.Errorf("Config().RedirectURL = %q; want the registered one", s.Config().RedirectURL)
	}

	read, err := r.Read(ctx, c)
	if err != nil || read.ClientID != c.ClientID || read.ClientName != "demo" {
		t.Fatalf("Read = %+v, %v", read, err)
	}
	m := read.Metadata
	m.ClientName = "renamed"
	up, err := r.Update(ctx, read, m)
	if err != nil || up.ClientName != "renamed" || up.ClientSecret != c.ClientSecret || up.RegistrationAccessToken != c.RegistrationAccessToken {
		t.Fatalf("Update = %+v, %v; want the new name, same secret and token", up, err)
	}
	if err := r.Delete(ctx, up); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err = r.Read(ctx, up)
	if e, ok := errors.AsType[*oauthkit.Error](err); !ok || e.Code != "invalid_token" || e.Endpoint != "client configuration" {
		t.Errorf("Read after Delete = %v; want invalid_token from the client configuration endpoint", err)
	}
	if _, err := s.FetchToken(ctx, oauthkit.ClientCredentials()); err == nil {
		t.Error("the deleted client still gets tokens")
	}
}

func TestRegistrar_privateKeyJWT(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, r := newServer(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	key, _ := jose.NewKey(ec, "k1", jose.ES256)
	c, err := r.Register(ctx, registration.Metadata{TokenEndpointAuthMethod: oauthkit.PrivateKeyJWT,
		GrantTypes: []string{"client_credentials"}, JWKS: &jose.KeySet{Keys: []*jose.Key{key}}})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if c.ClientSecret != "" {
		t.Error("private_key_jwt client got a secret")
	}
	for _, k := range c.JWKS.Keys {
		if k.IsPrivate() {
			t.Fatal("the private key went to the server and back")
		}
	}
	s, err := oauthkit.NewSession(c.Config(oauthkit.Config{TokenURL: srv.TokenURL(), HTTPClient: srv.Client(), ClientKey: key}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FetchToken(ctx, oauthkit.ClientCredentials()); err != nil {
		t.Fatalf("private_key_jwt with the registered keys: %v", err)
	}
}

func TestRegistrar_errors(t *testing.T) {
	t.Parallel()
	srv, r := newServer(t)
	open, _ := registration.New(registration.Config{Endpoint: srv.RegistrationURL(), HTTPClient: srv.Client()})
	tests := []struct {
		name     string
		r        *registration.Registrar
		m        registration.Metadata
		fault    *oauthtest.Fault
		wantCode string
		wantIs   error
		wantResp bool
	}{
		{name: "no initial access token", r: open, wantCode: "invalid_token"},
		{name: "bad redirect uri", r: r, m: registration.Metadata{RedirectURIs: []string{"/relative"}}, wantCode: "invalid_redirect_uri"},
		{name: "bad method", r: r, m: registration.Metadata{TokenEndpointAuthMethod: "magic"}, wantCode: "invalid_client_metadata"},
		{name: "html", r: r, fault: &oauthtest.Fault{Status: 200, Body: []byte("<html>hi</html>"), ContentType: "text/html"}, wantIs: registration.ErrInvalidClientInformation},
		{name: "no client_id", r: r, fault: &oauthtest.Fault{Status: 201, Body: []byte(`{"client_secret":"s"}`)}, wantIs: registration.ErrInvalidClientInformation},
		{name: "bad timestamp", r: r, fault: &oauthtest.Fault{Status: 201, Body: []byte(`{"client_id":"c","client_id_issued_at":"soon"}`)}, wantIs: registration.ErrInvalidClientInformation},
		{name: "502", r: r, fault: &oauthtest.Fault{Status: 502, Body: []byte("bad gateway"), ContentType: "text/plain"}, wantResp: true},
		{name: "redirect", r: r, fault: &oauthtest.Fault{Status: 307, Header: map[string][]string{"Location": {"https://evil.example/"}}, Body: []byte{}}, wantIs: oauthkit.ErrRedirect},
		{name: "too large", r: r, fault: &oauthtest.Fault{Status: 201, BodySize: 2 << 20}, wantIs: oauthkit.ErrResponseTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: faults are per server.
			if tt.fault != nil {
				f := *tt.fault
				f.Endpoint, f.Times = oauthtest.RegistrationEndpoint, 1
				srv.InjectFault(f)
			}
			c, err := tt.r.Register(t.Context(), tt.m)
			if c != nil {
				t.Errorf("client %v returned with the error", c)
			}
			if e, ok := errors.AsType[*oauthkit.Error](err); tt.wantCode != "" && (!ok || e.Code != tt.wantCode) {
				t.Errorf("Register = %v; want *oauthkit.Error %q", err, tt.wantCode)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Register = %v; want %v", err, tt.wantIs)
			}
			if _, ok := errors.AsType[*oauthkit.ResponseError](err); tt.wantResp && !ok {
				t.Errorf("Register = %v; want *oauthkit.ResponseError", err)
			}
		})
	}
}

func TestNew_insecure(t *testing.T) {
	t.Parallel()
	if _, err := registration.New(registration.Config{Endpoint: "http://as.example/register"}); !errors.Is(err, oauthkit.ErrInsecureTransport) {
		t.Errorf("New(http endpoint) = %v; want ErrInsecureTransport", err)
	}
	r, _ := registration.New(registration.Config{})
	if _, err := r.Register(t.Context(), registration.Metadata{}); !errors.Is(err, oauthkit.ErrNoEndpoint) {
		t.Errorf("Register without an endpoint = %v; want ErrNoEndpoint", err)
	}
	if _, err := r.Read(t.Context(), &registration.Client{ClientID: "c"}); !errors.Is(err, oauthkit.ErrNoEndpoint) {
		t.Errorf("Read without a client URI = %v; want ErrNoEndpoint", err)
	}
}

func TestClient_String_redactsSecrets(t *testing.T) {
	t.Parallel()
	c := registration.Client{ClientID: "c1", ClientSecret: "s3cret", RegistrationAccessToken: "r4t"}
	cfg := registration.Config{Endpoint: "https://op.example/c1/register", InitialAccessToken: "i4t"}
	r, err := registration.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{c, &c, cfg, &cfg, r} {
		var logged strings.Builder
		slog.New(slog.NewTextHandler(&logged, nil)).Info("value", "v", v)
		for _, out := range []string{fmt.Sprintf("%v %+v %#v %s %q %x %d", v, v, v, v, v, v, v), logged.String()} {
			if strings.Contains(out, "s3cret") || strings.Contains(out, "r4t") || strings.Contains(out, "i4t") || !strings.Contains(out, "c1") {
				t.Errorf("%T output %q shows a secret or hides the client id or endpoint", v, out)
			}
		}
	}
	b, _ := json.Marshal(c)
	var back registration.Client
	if err := json.Unmarshal(b, &back); err != nil || back.ClientSecret != "s3cret" || back.RegistrationAccessToken != "r4t" {
		t.Errorf("JSON round trip = %+v, %v; want the secrets kept for storage", back, err)
	}
}

// TestRegistrar_managementAnswers: RFC 7592 section 3 lets the server
// rotate the registration access token on any call; the client then
// carries the new one, keeps the old one when the answer has none, and
// refuses an answer about another client.
func TestRegistrar_managementAnswers(t *testing.T) {
	t.Parallel()
	srv, r := newServer(t)
	c, err := r.Register(t.Context(), registration.Metadata{GrantTypes: []string{"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		body      string
		wantToken string
		wantURI   string
		wantIs    error
		noSecret  bool
	}{
		{name: "rotated", body: `{"client_id":%q,"registration_access_token":"rotated-token","registration_client_uri":"https://op.example/moved"}`,
			wantToken: "rotated-token", wantURI: "https://op.example/moved"},
		{name: "token and secret left out", body: `{"client_id":%q}`, wantToken: c.RegistrationAccessToken, wantURI: c.RegistrationClientURI},
		{name: "made public", body: `{"client_id":%q,"token_endpoint_auth_method":"none"}`, wantToken: c.RegistrationAccessToken, wantURI: c.RegistrationClientURI, noSecret: true},
		{name: "another client", body: `{"client_id":"someone-else-%s","registration_access_token":"t"}`, wantIs: registration.ErrInvalidClientInformation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: faults are per server.
			srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.ClientConfigurationEndpoint, Times: 1, Status: 200,
				Body: fmt.Appendf(nil, tt.body, c.ClientID)})
			got, err := r.Read(t.Context(), c)
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) || got != nil {
					t.Fatalf("Read = %v, %v; want no client and %v", got, err, tt.wantIs)
				}
				return
			}
			if err != nil || got.RegistrationAccessToken != tt.wantToken || got.RegistrationClientURI != tt.wantURI {
				t.Fatalf("Read = %+v, %v; want token %q at %q", got, err, tt.wantToken, tt.wantURI)
			}
			if wantSecret := !tt.noSecret; (got.ClientSecret == c.ClientSecret) != wantSecret || c.ClientSecret == "" {
				t.Errorf("Read kept the client secret: %t; want %t", got.ClientSecret == c.ClientSecret, wantSecret)
			}
		})
	}
}

// TestRegistrar_Update_sendsCredentials: the update carries client_id and
// the client's secret (RFC 7592 section 2.2) with the new metadata.
func TestRegistrar_Update_sendsCredentials(t *testing.T) {
	t.Parallel()
	srv, r := newServer(t)
	c, err := r.Register(t.Context(), registration.Metadata{GrantTypes: []string{"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Update(t.Context(), c, registration.Metadata{GrantTypes: []string{"client_credentials"}, ClientName: "n"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	var sent map[string]any
	if err := json.Unmarshal(reqs[len(reqs)-1].Body, &sent); err != nil {
		t.Fatal(err)
	}
	if sent["client_id"] != c.ClientID || sent["client_secret"] != c.ClientSecret || sent["client_name"] != "n" {
		t.Errorf("update body %v; want client_id, client_secret and the metadata", sent)
	}
}

// TestClient_Config_pushedAuthorization: a client registered with
// require_pushed_authorization_requests pushes its authorization requests
// when its Config is completed from discovery afterwards, the order the
// docs show, which is the only order that knows the PAR endpoint.
func TestClient_Config_pushedAuthorization(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, r := newServer(t)
	c, err := r.Register(ctx, registration.Metadata{RedirectURIs: []string{"https://app.example/cb"},
		RequirePushedAuthorizationRequests: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.Config(c.Config(oauthkit.Config{HTTPClient: srv.Client()}))
	if err != nil {
		t.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := s.AuthorizationURLContext(ctx)
	if err != nil {
		t.Fatalf("AuthorizationURLContext: %v", err)
	}
	if ar.RequestURI == "" {
		t.Fatalf("authorization request %v was not pushed", ar)
	}
	callback, err := srv.Authorize(ctx, ar.URL)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	if _, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar); err != nil {
		t.Fatalf("ExchangeAuthorizationResponse: %v", err)
	}
	// Without any PAR endpoint the session refuses to start, rather than
	// build requests the server turns down.
	if _, err := oauthkit.NewSession(c.Config(oauthkit.Config{AuthURL: srv.AuthorizationURL()})); !errors.Is(err, oauthkit.ErrInvalidConfig) {
		t.Errorf("NewSession without a PAR endpoint = %v; want ErrInvalidConfig", err)
	}
}
