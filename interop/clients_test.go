//go:build interop

package interop

import (
	"errors"
	"net/url"
	"testing"

	"github.com/oauthkit/oauthkit"
)

const (
	// redirectURI is registered for every client in server.mjs. Nothing
	// listens there: the browser stand-in stops at the redirect.
	redirectURI = "http://127.0.0.1/callback"
	// apiResource is the one resource indicator (RFC 8707) server.mjs knows.
	apiResource = "urn:oauthkit:interop:api"
	// privateKeyClientKeyID is the kid of the private_key_jwt client's key.
	privateKeyClientKeyID = "interop-client-key"
)

// client is one client registered in server.mjs.
type client struct {
	ID     string
	Secret string // empty for none and private_key_jwt
	Method string // token_endpoint_auth_method, an oauthkit.Config.AuthMethod
}

// Public reports whether the client has no credentials (method none).
func (c client) Public() bool { return c.Method == oauthkit.AuthNone }

// The clients of server.mjs, one per authentication method.
var (
	basicClient      = client{ID: "basic-client", Secret: "basic-secret", Method: oauthkit.ClientSecretBasic}
	postClient       = client{ID: "post-client", Secret: "post-secret", Method: oauthkit.ClientSecretPost}
	publicClient     = client{ID: "public-client", Method: oauthkit.AuthNone}
	secretJWTClient  = client{ID: "jwt-secret-client", Secret: "jwt-secret-client-secret-0123456789abcdef", Method: oauthkit.ClientSecretJWT}
	privateJWTClient = client{ID: "private-key-client", Method: oauthkit.PrivateKeyJWT}
	// parClient's registration requires pushed authorization requests.
	parClient = client{ID: "par-client", Secret: "par-secret", Method: oauthkit.ClientSecretBasic}

	allClients = []client{basicClient, postClient, publicClient, secretJWTClient, privateJWTClient}
)

// scopesOpenID ask for every claim of the test user and for a refresh
// token.
var scopesOpenID = []string{"openid", "email", "profile", "offline_access"}

// testUser holds the claims of the one account server.mjs knows.
var testUser = map[string]any{
	"sub":                "interop-user",
	"email":              "interop-user@example.com",
	"email_verified":     true,
	"name":               "Interop User",
	"given_name":         "Interop",
	"family_name":        "User",
	"preferred_username": "interop",
}

// config returns c's session configuration, completed from discovery by
// idp: endpoints, the issuer with RFC 9207 checks, and ID token
// validation.
func (c client) config(t *testing.T) oauthkit.Config {
	t.Helper()
	base := oauthkit.Config{
		ClientID:               c.ID,
		ClientSecret:           c.Secret,
		AuthMethod:             c.Method,
		RedirectURL:            redirectURI,
		Scopes:                 scopesOpenID,
		Issuer:                 op.Issuer,
		RequireIssuerParameter: true,
		HTTPClient:             httpClient,
	}
	if c.Method == oauthkit.PrivateKeyJWT {
		base.ClientKey = clientKey
	}
	cfg, err := idp.Config(base)
	if err != nil {
		t.Fatalf("oidc Provider.Config: %v", err)
	}
	return cfg
}

// session returns a new session for c, with edit applied to its config.
func (c client) session(t *testing.T, edit ...func(*oauthkit.Config)) *oauthkit.Session {
	t.Helper()
	cfg := c.config(t)
	for _, e := range edit {
		e(&cfg)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	return s
}

// authorize builds an authorization request on s, with prompt=consent
// (which oidc-provider wants for offline_access), and plays the user's
// browser through it. It returns the request and the callback URL.
func authorize(t *testing.T, s *oauthkit.Session, opts ...oauthkit.AuthURLOption) (*oauthkit.AuthorizationRequest, string) {
	t.Helper()
	opts = append([]oauthkit.AuthURLOption{oauthkit.WithParam("prompt", "consent")}, opts...)
	ar, err := s.AuthorizationURL(opts...)
	if err != nil {
		t.Fatalf("AuthorizationURL: %v", err)
	}
	cb, err := login(t.Context(), ar.URL)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return ar, cb
}

// logIn runs the authorization code flow on s: authorization request,
// browser, and the exchange, which checks state and iss and validates the
// ID token with the nonce.
func logIn(t *testing.T, s *oauthkit.Session) (*oauthkit.AuthorizationRequest, *oauthkit.Token) {
	t.Helper()
	ar, cb := authorize(t, s)
	tok, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	if err != nil {
		t.Fatalf("ExchangeAuthorizationResponse: %v", err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.IDToken == "" {
		t.Fatalf("token = %v; want access, refresh and ID tokens", tok)
	}
	return ar, tok
}

// wantOAuthError fails the test unless err is an *oauthkit.Error from
// endpoint with code.
func wantOAuthError(t *testing.T, err error, endpoint, code string) {
	t.Helper()
	e, ok := errors.AsType[*oauthkit.Error](err)
	if !ok || e.Code != code || e.Endpoint != endpoint {
		t.Fatalf("error = %v; want *oauthkit.Error %q from the %s endpoint", err, code, endpoint)
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
