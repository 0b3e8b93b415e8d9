//go:build interop

package interop

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Token endpoint client authentication methods,
// https://www.iana.org/assignments/oauth-parameters/oauth-parameters.xhtml#token-endpoint-auth-method
const (
	methodBasic      = "client_secret_basic"
	methodPost       = "client_secret_post"
	methodNone       = "none"
	methodSecretJWT  = "client_secret_jwt"
	methodPrivateJWT = "private_key_jwt"
)

const (
	// redirectURI is registered for every client in server.mjs. Nothing
	// listens there: the browser stand-in stops at the redirect.
	redirectURI = "http://127.0.0.1/callback"
	// apiResource is the one resource indicator (RFC 8707) server.mjs knows.
	apiResource = "urn:oauthkit:interop:api"
	// privateKeyClientKeyID is the kid of the private_key_jwt client's key.
	privateKeyClientKeyID = "interop-client-key"
	// clientAssertionType is the RFC 7523 section 2.2 assertion type.
	clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// grantDeviceCode is the RFC 8628 section 3.4 grant type.
	grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"
)

// client is one client registered in server.mjs.
type client struct {
	ID     string
	Secret string // empty for none and private_key_jwt
	Method string // token_endpoint_auth_method
}

// Public reports whether the client has no credentials (method none).
func (c client) Public() bool { return c.Method == methodNone }

// The clients of server.mjs, one per authentication method.
var (
	basicClient      = client{ID: "basic-client", Secret: "basic-secret", Method: methodBasic}
	postClient       = client{ID: "post-client", Secret: "post-secret", Method: methodPost}
	publicClient     = client{ID: "public-client", Method: methodNone}
	secretJWTClient  = client{ID: "jwt-secret-client", Secret: "jwt-secret-client-secret-0123456789abcdef", Method: methodSecretJWT}
	privateJWTClient = client{ID: "private-key-client", Method: methodPrivateJWT}

	allClients = []client{basicClient, postClient, publicClient, secretJWTClient, privateJWTClient}
)

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

// authenticate applies the client's authentication to a back-channel request
// (RFC 6749 section 2.3, RFC 7523 section 2.2) and returns the form to send.
func (c client) authenticate(req *http.Request, form url.Values) (url.Values, error) {
	form = cloneValues(form)
	switch c.Method {
	case methodBasic:
		// RFC 6749 section 2.3.1: both parts are form-encoded first.
		req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.Secret))
	case methodPost:
		form.Set("client_id", c.ID)
		form.Set("client_secret", c.Secret)
	case methodNone:
		form.Set("client_id", c.ID)
	case methodSecretJWT, methodPrivateJWT:
		assertion, err := c.assertion()
		if err != nil {
			return nil, err
		}
		form.Set("client_id", c.ID)
		form.Set("client_assertion_type", clientAssertionType)
		form.Set("client_assertion", assertion)
	default:
		return nil, fmt.Errorf("interop: unknown auth method %q", c.Method)
	}
	return form, nil
}

// assertion signs an RFC 7523 client assertion for the JWT methods, with the
// issuer as audience (which oidc-provider accepts at every endpoint).
func (c client) assertion() (string, error) {
	key := jose.SigningKey{Algorithm: jose.HS256, Key: []byte(c.Secret)}
	if c.Method == methodPrivateJWT {
		key = jose.SigningKey{
			Algorithm: jose.ES256,
			Key:       jose.JSONWebKey{Key: clientKey, KeyID: privateKeyClientKeyID},
		}
	}
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("interop: client assertion signer: %w", err)
	}
	now := time.Now()
	claims := jwt.Claims{
		Issuer:   c.ID,
		Subject:  c.ID,
		Audience: jwt.Audience{op.Issuer},
		ID:       rand.Text(),
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(time.Minute)),
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
