package oauthkit_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// authCase is one client authentication method, as the server registers
// it and as the session uses it.
type authCase struct {
	name       string
	serverAuth string
	configure  func(*oauthkit.Config)
	public     bool
	key        bool // private_key_jwt: the client registers a public key
}

// clientKey is the private_key_jwt key of the tests.
var clientKey = func() *jose.Key {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	k, err := jose.NewKey(ec, "test-client-key", jose.ES256)
	if err != nil {
		panic(err)
	}
	return k
}()

// register registers a client for ac with oauthtest and returns the
// session config for it.
func (ac authCase) register(srv *oauthtest.Server, c oauthtest.Client) oauthkit.Config {
	c.AuthMethod = ac.serverAuth
	if ac.key {
		c.PublicKey = clientKey.Public()
	}
	reg := srv.RegisterClient(c)
	cfg := oauthkit.Config{ClientID: reg.ID, ClientSecret: reg.Secret, TokenURL: srv.TokenURL()}
	if ac.key {
		cfg.ClientKey = clientKey
	}
	ac.configure(&cfg)
	return cfg
}

func authCases() []authCase {
	return []authCase{
		{name: "client_secret_basic", serverAuth: oauthtest.ClientSecretBasic, configure: func(*oauthkit.Config) {}},
		{name: "client_secret_post", serverAuth: oauthtest.ClientSecretPost, configure: func(c *oauthkit.Config) { c.AuthMethod = oauthkit.ClientSecretPost }},
		{name: "none", serverAuth: oauthtest.AuthNone, public: true, configure: func(c *oauthkit.Config) { c.AuthMethod = oauthkit.AuthNone }},
		{name: "client_secret_jwt", serverAuth: oauthtest.ClientSecretJWT, configure: func(c *oauthkit.Config) { c.AuthMethod = oauthkit.ClientSecretJWT }},
		{name: "private_key_jwt", serverAuth: oauthtest.PrivateKeyJWT, key: true, configure: func(c *oauthkit.Config) { c.AuthMethod = oauthkit.PrivateKeyJWT }},
		{name: "client_secret_uri", serverAuth: oauthtest.ClientSecretURI, configure: func(c *oauthkit.Config) {
			c.ClientAuth = oauthkit.ClientAuthFunc(func(_ context.Context, r *oauthkit.ClientAuthRequest) error {
				q := r.URL.Query()
				q.Set("client_id", r.ClientID)
				q.Set("client_secret", r.ClientSecret)
				r.URL.RawQuery = q.Encode()
				return nil
			})
		}},
	}
}

// grantCase obtains a token with one grant.
type grantCase struct {
	name       string
	publicOK   bool
	fetch      func(t *testing.T, ctx context.Context, srv *oauthtest.Server, s *oauthkit.Session) (*oauthkit.Token, error)
	wantRefesh bool
}

func grantCases() []grantCase {
	user := oauthtest.DefaultUser()
	return []grantCase{
		{name: "authorization_code", publicOK: true, wantRefesh: true, fetch: func(t *testing.T, ctx context.Context, srv *oauthtest.Server, s *oauthkit.Session) (*oauthkit.Token, error) {
			ar, err := s.AuthorizationURL()
			if err != nil {
				return nil, err
			}
			cb, err := srv.Authorize(ctx, ar.URL)
			if err != nil {
				t.Fatal(err)
			}
			return s.ExchangeAuthorizationResponse(ctx, cb, *ar)
		}},
		{name: "password", wantRefesh: true, fetch: func(_ *testing.T, ctx context.Context, _ *oauthtest.Server, s *oauthkit.Session) (*oauthkit.Token, error) {
			return s.FetchToken(ctx, oauthkit.Password(user.Username, user.Password))
		}},
		{name: "client_credentials", fetch: func(_ *testing.T, ctx context.Context, _ *oauthtest.Server, s *oauthkit.Session) (*oauthkit.Token, error) {
			return s.FetchToken(ctx, oauthkit.ClientCredentials())
		}},
		{name: "refresh_token", publicOK: true, wantRefesh: true, fetch: func(t *testing.T, ctx context.Context, srv *oauthtest.Server, s *oauthkit.Session) (*oauthkit.Token, error) {
			da, err := s.DeviceAuthorization(ctx)
			if err != nil {
				return nil, err
			}
			srv.ApproveDevice(da.UserCode)
			da.Interval = 1
			if _, err := s.PollDeviceToken(ctx, da); err != nil {
				return nil, err
			}
			return s.Refresh(ctx)
		}},
		{name: "token_exchange", fetch: func(_ *testing.T, ctx context.Context, _ *oauthtest.Server, s *oauthkit.Session) (*oauthkit.Token, error) {
			sub, err := s.FetchToken(ctx, oauthkit.ClientCredentials())
			if err != nil {
				return nil, err
			}
			return s.FetchToken(ctx, oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{
				SubjectToken: sub.AccessToken, SubjectTokenType: oauthkit.TokenTypeAccessToken,
			}))
		}},
		{name: "extension grant", fetch: func(_ *testing.T, ctx context.Context, _ *oauthtest.Server, s *oauthkit.Session) (*oauthkit.Token, error) {
			// client_credentials spelled as a generic grant with its parameters.
			return s.FetchToken(ctx, oauthkit.ExtensionGrant(oauthkit.GrantTypeClientCredentials, url.Values{"scope": {"read"}}))
		}},
	}
}

// TestGrants_clientAuth runs every grant with every client authentication
// method against oauthtest, which checks each method strictly.
func TestGrants_clientAuth(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewUnstartedServer()
	srv.DeviceInterval = time.Second
	srv.Start()
	t.Cleanup(srv.Close)
	for _, ac := range authCases() {
		for _, gc := range grantCases() {
			if ac.public && !gc.publicOK {
				continue
			}
			t.Run(ac.name+"/"+gc.name, func(t *testing.T) {
				t.Parallel()
				cfg := ac.register(srv, oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
				cfg.AuthURL, cfg.DeviceAuthURL, cfg.RedirectURL = srv.AuthorizationURL(), srv.DeviceAuthorizationURL(), "https://app.example/cb"
				s, err := oauthkit.NewSession(cfg)
				if err != nil {
					t.Fatal(err)
				}
				tok, err := gc.fetch(t, t.Context(), srv, s)
				if err != nil {
					t.Fatalf("%s with %s: %v", gc.name, ac.name, err)
				}
				if tok.AccessToken == "" || (tok.RefreshToken != "") != gc.wantRefesh {
					t.Errorf("token = %v, want refresh token %v", tok, gc.wantRefesh)
				}
				resp, err := s.Get(t.Context(), srv.ResourceURL())
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("resource status = %d", resp.StatusCode)
				}
			})
		}
	}
}

// TestGrants_wrongSecret: a wrong secret is refused with invalid_client for
// every secret-based method, and no token is stored.
func TestGrants_wrongSecret(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	for _, ac := range authCases() {
		if ac.public {
			continue
		}
		t.Run(ac.name, func(t *testing.T) {
			t.Parallel()
			cfg := ac.register(srv, oauthtest.Client{})
			cfg.ClientSecret += "x"
			if ac.key {
				other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
				cfg.ClientKey, _ = jose.NewKey(other, "test-client-key", jose.ES256)
			}
			s, err := oauthkit.NewSession(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.FetchToken(t.Context(), nil)
			e, ok := errorsAs(err)
			if !ok || e.Code != oauthkit.ErrorCodeInvalidClient || e.StatusCode != 401 {
				t.Errorf("err = %v, want invalid_client (HTTP 401)", err)
			}
			if s.Token() != nil {
				t.Error("token stored after a failure")
			}
		})
	}
}

func errorsAs(err error) (*oauthkit.Error, bool) {
	return errors.AsType[*oauthkit.Error](err)
}
