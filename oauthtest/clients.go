package oauthtest

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"slices"
)

// Client authentication methods (RFC 7591 §2, token_endpoint_auth_method),
// for [Client.AuthMethod].
const (
	// ClientSecretBasic is HTTP Basic authentication (RFC 6749 §2.3.1).
	ClientSecretBasic = "client_secret_basic"
	// ClientSecretPost sends client_id and client_secret in the body.
	ClientSecretPost = "client_secret_post"
	// AuthNone is a public client: client_id only, no secret.
	AuthNone = "none"
	// ClientSecretJWT is a JWT assertion signed with the secret (RFC 7523).
	// Not verified yet: requests are rejected with invalid_client.
	ClientSecretJWT = "client_secret_jwt"
	// PrivateKeyJWT is a JWT assertion signed with a private key
	// (RFC 7523). Not verified yet: requests are rejected with
	// invalid_client.
	PrivateKeyJWT = "private_key_jwt"
	// ClientSecretURI is a non-standard method that sends client_id and
	// client_secret as URL query parameters of the POST request, as some
	// providers require.
	ClientSecretURI = "client_secret_uri"
)

// Grant types (RFC 7591 §2), for [Client.GrantTypes].
const (
	grantAuthorizationCode = "authorization_code"
	grantImplicit          = "implicit"
	grantPassword          = "password"
	grantClientCredentials = "client_credentials"
	grantRefreshToken      = "refresh_token"
	grantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
)

// A Client is an OAuth 2.0 client registered with a [Server].
type Client struct {
	// ID is the client identifier. If empty, RegisterClient generates one.
	ID string

	// Secret is the client secret. If empty, RegisterClient generates one,
	// unless AuthMethod is AuthNone, whose clients have no secret.
	Secret string

	// RedirectURIs are the registered redirection URIs, compared by exact
	// string match (RFC 6749 §3.1.2). A request may omit redirect_uri only
	// when exactly one is registered. Clients without any cannot use the
	// authorization endpoint.
	RedirectURIs []string

	// AuthMethod is how the client authenticates at the token, revocation,
	// introspection and device authorization endpoints: one of
	// ClientSecretBasic, ClientSecretPost, AuthNone, ClientSecretURI,
	// ClientSecretJWT or PrivateKeyJWT. Empty means ClientSecretBasic.
	// The server accepts only the registered method.
	AuthMethod string

	// GrantTypes lists the grants the client may use: "authorization_code",
	// "implicit", "password", "client_credentials", "refresh_token" and
	// "urn:ietf:params:oauth:grant-type:device_code". Refresh tokens are
	// only issued to clients allowed "refresh_token". Nil means all.
	GrantTypes []string

	// Scopes lists the scopes the client may request; other scopes are
	// refused with invalid_scope. When a request names no scope, the client
	// gets all of them. Nil means any scope, and no scope by default.
	Scopes []string

	// RequirePKCE makes the authorization endpoint refuse requests without
	// a code_challenge. Public clients (AuthNone) always require PKCE.
	RequirePKCE bool
}

func (c *Client) public() bool { return c.AuthMethod == AuthNone }

func (c *Client) requirePKCE() bool { return c.RequirePKCE || c.public() }

func (c *Client) allowsGrant(grant string) bool {
	return c.GrantTypes == nil || slices.Contains(c.GrantTypes, grant)
}

// A User is a resource owner.
type User struct {
	// Subject is the stable identifier of the user ("sub").
	Subject string
	// Username is the login name accepted by the password grant and
	// returned as "preferred_username" and introspection's "username".
	Username string
	// Password is the password accepted by the password grant.
	Password string
	// Email is the user's email address.
	Email string
	// EmailVerified is returned as "email_verified".
	EmailVerified bool
	// Name is the user's full name.
	Name string
	// Claims holds extra claims returned by the userinfo endpoint. It may
	// not override the claims above.
	Claims map[string]any
}

// DefaultUser returns the resource owner of a [Server] whose User field is
// zero: alice (password "wonderland"), subject "user-1".
func DefaultUser() User {
	return User{
		Subject:       "user-1",
		Username:      "alice",
		Password:      "wonderland",
		Email:         "alice@example.com",
		EmailVerified: true,
		Name:          "Alice",
	}
}

// AuthorizationRequest is a valid authorization request (RFC 6749 §4.1.1,
// §4.2.1), as passed to [Server.Consent].
//
// The fields hold the request parameters of the same names, except where
// noted.
type AuthorizationRequest struct {
	ClientID string
	// RedirectURI is the redirect URI in use, even when the request
	// omitted it.
	RedirectURI  string
	ResponseType string
	// Scope is the scope to grant, after the client's defaults were
	// applied.
	Scope string
	State string
	Nonce string
	// CodeChallenge and CodeChallengeMethod are the PKCE parameters; the
	// method is "plain" when the request sent a challenge without one.
	CodeChallenge       string
	CodeChallengeMethod string
	ResponseMode        string
	// Params holds all request parameters.
	Params url.Values
}

// AuthorizationDecision is the resource owner's answer to an authorization
// request.
type AuthorizationDecision struct {
	// Deny refuses the request. The client is redirected with Error.
	Deny bool
	// Error is the error code sent when Deny is set. If empty,
	// "access_denied" is used.
	Error string
	// ErrorDescription is sent as error_description when Deny is set.
	ErrorDescription string
	// User is the approving resource owner. If nil, the server's User is
	// used.
	User *User
}

// RegisterClient registers c and returns the registered copy, with ID and
// Secret filled in when they were empty. It panics if a client with the same
// ID exists, if AuthMethod is unknown, if a public client has a secret, or if
// a redirect URI is not an absolute URI without a fragment (RFC 6749 §3.1.2).
func (s *Server) RegisterClient(c Client) Client {
	s.init()
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.GrantTypes = slices.Clone(c.GrantTypes)
	c.Scopes = slices.Clone(c.Scopes)
	if c.AuthMethod == "" {
		c.AuthMethod = ClientSecretBasic
	}
	validateClient(&c)
	if c.ID == "" {
		c.ID = "client-" + rand.Text()
	}
	if c.Secret == "" && !c.public() {
		c.Secret = rand.Text()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[c.ID]; ok {
		panic(fmt.Sprintf("oauthtest: client %q already registered", c.ID))
	}
	stored := c
	s.clients[c.ID] = &stored
	return c
}

func validateClient(c *Client) {
	switch c.AuthMethod {
	case ClientSecretBasic, ClientSecretPost, ClientSecretURI, ClientSecretJWT, PrivateKeyJWT:
	case AuthNone:
		if c.Secret != "" {
			panic("oauthtest: public client must not have a secret")
		}
	default:
		panic(fmt.Sprintf("oauthtest: unknown client auth method %q", c.AuthMethod))
	}
	for _, u := range c.RedirectURIs {
		p, err := url.Parse(u)
		if err != nil || !p.IsAbs() || p.Fragment != "" {
			panic(fmt.Sprintf("oauthtest: invalid redirect URI %q", u))
		}
	}
}

func (s *Server) client(id string) (*Client, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	return c, ok
}
