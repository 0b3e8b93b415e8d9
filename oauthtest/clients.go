package oauthtest

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"slices"

	"github.com/oauthkit/oauthkit/jose"
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
	// ClientSecretJWT is a JWT assertion (RFC 7523 §2.2) signed with
	// HS256, HS384 or HS512 keyed with the client secret (OpenID Connect
	// Core 1.0 §9).
	ClientSecretJWT = "client_secret_jwt"
	// PrivateKeyJWT is a JWT assertion (RFC 7523 §2.2) signed with the
	// client's private key, verified with [Client.JWKS] or
	// [Client.PublicKey] (OpenID Connect Core 1.0 §9).
	PrivateKeyJWT = "private_key_jwt"
	// ClientSecretURI is a non-standard method that sends client_id and
	// client_secret as URL query parameters of the POST request, as some
	// providers require.
	ClientSecretURI = "client_secret_uri"
	// TLSClientAuth is mutual TLS with a certificate from a trusted CA
	// (RFC 8705 §2.1): the chain must verify against [Server.ClientCAs]
	// and the subject must be [Client.TLSClientAuthSubjectDN]. Clients
	// authenticate this way only at the mTLS endpoint aliases (see
	// [Server.MTLSURL]).
	TLSClientAuth = "tls_client_auth"
	// SelfSignedTLSClientAuth is mutual TLS with a self-signed certificate
	// (RFC 8705 §2.2) whose public key is [Client.PublicKey] or one of
	// [Client.JWKS].
	SelfSignedTLSClientAuth = "self_signed_tls_client_auth"
)

// Grant types (RFC 7591 §2), for [Client.GrantTypes].
const (
	grantAuthorizationCode = "authorization_code"
	grantImplicit          = "implicit"
	grantPassword          = "password"
	grantClientCredentials = "client_credentials"
	grantRefreshToken      = "refresh_token"
	grantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
	grantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"     // RFC 7523 §2.1
	grantTokenExchange     = "urn:ietf:params:oauth:grant-type:token-exchange" // RFC 8693 §2.1
)

// A Client is an OAuth 2.0 client registered with a [Server].
type Client struct {
	// ID is the client identifier. If empty, RegisterClient generates one.
	ID string

	// Secret is the client secret. If empty, RegisterClient generates one,
	// unless AuthMethod is AuthNone or PrivateKeyJWT, whose clients have
	// no secret. For ClientSecretJWT it must be at least 32 bytes long,
	// the HS256 minimum (RFC 7518 §3.2); generated ones are 78 bytes, long
	// enough for HS512 too.
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

	// JWKS holds the public keys that verify a PrivateKeyJWT client's
	// assertions. RegisterClient keeps only the public halves of its keys.
	// A PrivateKeyJWT client needs JWKS, PublicKey or both.
	JWKS *jose.KeySet

	// PublicKey is a PrivateKeyJWT client's key, for a client with one
	// key. A private key may be given: only its public half is kept.
	PublicKey *jose.Key

	// GrantTypes lists the grants the client may use: "authorization_code",
	// "implicit", "password", "client_credentials", "refresh_token",
	// "urn:ietf:params:oauth:grant-type:device_code",
	// "urn:ietf:params:oauth:grant-type:jwt-bearer" and
	// "urn:ietf:params:oauth:grant-type:token-exchange". The implicit grant
	// covers every response type that returns a token or ID token from the
	// authorization endpoint. Refresh tokens are only issued to clients
	// allowed "refresh_token". Nil means all.
	GrantTypes []string

	// Scopes lists the scopes the client may request; other scopes are
	// refused with invalid_scope. When a request names no scope, the client
	// gets all of them. Nil means any scope, and no scope by default.
	Scopes []string

	// RequirePKCE makes the authorization endpoint refuse requests without
	// a code_challenge. Public clients (AuthNone) always require PKCE.
	RequirePKCE bool

	// PostLogoutRedirectURIs are the registered post_logout_redirect_uri
	// values of RP-Initiated Logout (see [Server.EndSessionURL]),
	// compared by exact string match. Nil means none: a logout request
	// naming one is refused.
	PostLogoutRedirectURIs []string

	// BackChannelLogoutURI is the client's backchannel_logout_uri (OpenID
	// Connect Back-Channel Logout 1.0 §2.2): [Server.BackChannelLogout]
	// posts logout tokens to it. When it or FrontChannelLogoutURI is set,
	// the client's ID tokens carry the sid of their session.
	BackChannelLogoutURI string

	// FrontChannelLogoutURI is the client's frontchannel_logout_uri
	// (OpenID Connect Front-Channel Logout 1.0 §2); see
	// [Server.FrontChannelLogoutURL].
	FrontChannelLogoutURI string

	// TLSClientAuthSubjectDN is the subject distinguished name of a
	// TLSClientAuth client's certificate (RFC 8705 §2.1.2,
	// tls_client_auth_subject_dn), in the form of
	// [pkix.Name.String], such as "CN=client-1,O=Example".
	TLSClientAuthSubjectDN string

	// CertificateBoundAccessTokens binds the access tokens issued to this
	// client to the certificate it presents at the mTLS token endpoint
	// (RFC 8705 §3, tls_client_certificate_bound_access_tokens): the
	// resources then accept them only over a connection with that
	// certificate.
	CertificateBoundAccessTokens bool

	// DPoPBoundAccessTokens makes the token endpoint refuse this client's
	// token requests without a DPoP proof (RFC 9449 §5.2,
	// dpop_bound_access_tokens).
	DPoPBoundAccessTokens bool

	// RequirePushedAuthorizationRequests makes the authorization endpoint
	// refuse this client's requests unless they were pushed (RFC 9126
	// §6, require_pushed_authorization_requests).
	RequirePushedAuthorizationRequests bool

	// ResponseEncryptionKey is the client's public encryption key (RSA or
	// EC, see [jose.NewEncryptionKey]): JWT-secured authorization
	// responses (JARM §2.2) to the client are encrypted to it. If nil,
	// they are signed only.
	ResponseEncryptionKey *jose.Key
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
// ID exists, if AuthMethod is unknown, if a public client has a secret, if
// a client_secret_jwt secret is too short, if a private_key_jwt client has
// no public key, or if a redirect URI is not an absolute URI without a
// fragment (RFC 6749 §3.1.2).
func (s *Server) RegisterClient(c Client) Client {
	s.init()
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.PostLogoutRedirectURIs = slices.Clone(c.PostLogoutRedirectURIs)
	c.GrantTypes = slices.Clone(c.GrantTypes)
	c.Scopes = slices.Clone(c.Scopes)
	if c.JWKS != nil {
		c.JWKS = c.JWKS.Public()
	}
	if c.PublicKey != nil {
		if c.PublicKey = c.PublicKey.Public(); c.PublicKey == nil {
			panic("oauthtest: client PublicKey must be an RSA, ECDSA or Ed25519 key")
		}
	}
	if c.AuthMethod == "" {
		c.AuthMethod = ClientSecretBasic
	}
	validateClient(&c)
	if c.ID == "" {
		c.ID = "client-" + rand.Text()
	}
	switch {
	case c.Secret != "" || c.public() || c.AuthMethod == PrivateKeyJWT || isTLSMethod(c.AuthMethod):
	case c.AuthMethod == ClientSecretJWT:
		c.Secret = rand.Text() + rand.Text() + rand.Text()
	default:
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
	case ClientSecretBasic, ClientSecretPost, ClientSecretURI:
	case ClientSecretJWT:
		if c.Secret != "" && len(c.Secret) < 32 {
			panic("oauthtest: client_secret_jwt secret shorter than 32 bytes (RFC 7518 §3.2)")
		}
	case PrivateKeyJWT:
		if c.PublicKey == nil && (c.JWKS == nil || len(c.JWKS.Keys) == 0) {
			panic("oauthtest: private_key_jwt client needs JWKS or PublicKey")
		}
	case AuthNone:
		if c.Secret != "" {
			panic("oauthtest: public client must not have a secret")
		}
	case TLSClientAuth:
		if c.TLSClientAuthSubjectDN == "" {
			panic("oauthtest: tls_client_auth client needs TLSClientAuthSubjectDN")
		}
	case SelfSignedTLSClientAuth:
		if c.PublicKey == nil && (c.JWKS == nil || len(c.JWKS.Keys) == 0) {
			panic("oauthtest: self_signed_tls_client_auth client needs JWKS or PublicKey")
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
