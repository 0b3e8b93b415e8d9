package oauthkit

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
)

// ClientAuth authenticates the client on a request to the token,
// revocation, introspection or device authorization endpoint, by changing
// the request it is given. Implementations must be safe for concurrent use
// by multiple goroutines.
//
// Built-in methods are selected by name in [Config.AuthMethod]; a custom
// method is registered by name in [Config.AuthMethods], given directly in
// [Config.ClientAuth], or given for one call with [WithClientAuth].
type ClientAuth interface {
	AuthenticateClient(ctx context.Context, r *ClientAuthRequest) error
}

// ClientAuthFunc adapts a function to [ClientAuth].
type ClientAuthFunc func(ctx context.Context, r *ClientAuthRequest) error

// AuthenticateClient calls f(ctx, r).
func (f ClientAuthFunc) AuthenticateClient(ctx context.Context, r *ClientAuthRequest) error {
	return f(ctx, r)
}

// ClientAuthRequest is an endpoint request being built, handed to a
// [ClientAuth] to add the client's credentials. The method may change URL,
// Header and Form; Form is sent form-encoded as the body (no body when
// empty).
type ClientAuthRequest struct {
	// ClientID and ClientSecret are the session's client credentials.
	ClientID, ClientSecret string
	// Endpoint names the endpoint: "token", "revocation", "introspection",
	// "device authorization" or "pushed authorization".
	Endpoint string
	// Method is the HTTP method of the request, "POST" for every endpoint
	// the session calls today.
	Method string
	// TokenURL is the session's token endpoint, the audience of client
	// assertions (RFC 7523 section 3).
	TokenURL string
	// URL is the endpoint URL.
	URL *url.URL
	// Header holds the request headers.
	Header http.Header
	// Form holds the body parameters.
	Form url.Values
}

// String describes the request without the client secret.
func (r *ClientAuthRequest) String() string {
	return fmt.Sprintf("oauthkit.ClientAuthRequest{ClientID:%q ClientSecret:%s Endpoint:%q Method:%q}", r.ClientID, redact(r.ClientSecret), r.Endpoint, r.Method)
}

// basicAuth is client_secret_basic: RFC 6749 section 2.3.1 says the id and
// secret are form-urlencoded before they are joined and base64-encoded.
// It keeps the header value of the credentials it was made for, so that
// a session encodes its own credentials once, not on every request.
type basicAuth struct {
	id, secret string
	header     string // basicHeader(id, secret)
}

func newBasicAuth(id, secret string) *basicAuth {
	return &basicAuth{id: id, secret: secret, header: basicHeader(id, secret)}
}

func (b *basicAuth) AuthenticateClient(_ context.Context, r *ClientAuthRequest) error {
	h := b.header
	if r.ClientID != b.id || r.ClientSecret != b.secret {
		h = basicHeader(r.ClientID, r.ClientSecret)
	}
	r.Header["Authorization"] = []string{h}
	return nil
}

// String names the method without the credentials it holds.
func (*basicAuth) String() string { return ClientSecretBasic }

// GoString is String, so that %#v does not print the credentials either.
func (b *basicAuth) GoString() string { return b.String() }

// basicHeader is the Authorization header value of client_secret_basic.
func basicHeader(id, secret string) string {
	cred := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(cred))
}

// postAuth is client_secret_post (RFC 6749 section 2.3.1).
type postAuth struct{}

func (postAuth) AuthenticateClient(_ context.Context, r *ClientAuthRequest) error {
	r.Form.Set("client_id", r.ClientID)
	r.Form.Set("client_secret", r.ClientSecret)
	return nil
}

// noneAuth identifies a public client by its id alone (RFC 6749 section
// 3.2.1, RFC 7591 "none").
type noneAuth struct{}

func (noneAuth) AuthenticateClient(_ context.Context, r *ClientAuthRequest) error {
	r.Form.Set("client_id", r.ClientID)
	return nil
}

// defaultAuthMethod is the method of an empty Config.AuthMethod:
// client_secret_basic with a secret; private_key_jwt with a key and no
// secret; none (a public client, Authlib's default) with neither, rather
// than Basic credentials with an empty password.
func (c *Config) defaultAuthMethod() string {
	switch {
	case c.ClientSecret != "":
		return ClientSecretBasic
	case c.ClientKey != nil:
		return PrivateKeyJWT
	}
	return AuthNone
}

// authMethod resolves the configured method by name.
func (c *Config) authMethod() (ClientAuth, error) {
	if c.ClientAuth != nil {
		return c.ClientAuth, nil
	}
	return c.authMethodByName(c.AuthMethod)
}

func (c *Config) authMethodByName(name string) (ClientAuth, error) {
	if m, ok := c.AuthMethods[name]; ok && m != nil {
		return m, nil
	}
	if name == "" {
		name = c.defaultAuthMethod()
	}
	switch name {
	case ClientSecretBasic:
		return newBasicAuth(c.ClientID, c.ClientSecret), nil
	case ClientSecretPost:
		return postAuth{}, nil
	case AuthNone:
		return noneAuth{}, nil
	case ClientSecretJWT, PrivateKeyJWT:
		return c.jwtAuth(name)
	case TLSClientAuth, SelfSignedTLSClientAuth:
		return tlsAuth{}, nil
	}
	return nil, fmt.Errorf("%w: unknown auth method %q", ErrInvalidConfig, name)
}
