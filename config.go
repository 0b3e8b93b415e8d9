package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/oauthkit/oauthkit/dpop"
	scrub "github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/secure"
	"github.com/oauthkit/oauthkit/jose"
)

// Names of the client authentication methods of RFC 7591 section 2 and
// OpenID Connect Core section 9, for [Config.AuthMethod].
const (
	// ClientSecretBasic sends the client id and secret in an HTTP Basic
	// Authorization header (RFC 6749 section 2.3.1). It is the default
	// for a client with a secret.
	ClientSecretBasic = "client_secret_basic"
	// ClientSecretPost sends the client id and secret in the request body.
	ClientSecretPost = "client_secret_post"
	// AuthNone sends only the client id: a public client. It is the
	// default for a client with neither a secret nor a key.
	AuthNone = "none"
	// ClientSecretJWT authenticates with a JWT signed by the client secret
	// (RFC 7523 section 2.2, HS256 unless [Config.ClientAssertionAlg]).
	ClientSecretJWT = "client_secret_jwt"
	// PrivateKeyJWT authenticates with a JWT signed by [Config.ClientKey].
	PrivateKeyJWT = "private_key_jwt"
)

// PKCEMethod selects the PKCE code challenge method (RFC 7636).
type PKCEMethod string

// PKCE methods.
const (
	// PKCES256 is the SHA-256 challenge, the default for the authorization
	// code grant.
	PKCES256 PKCEMethod = "S256"
	// PKCEPlain sends the verifier itself as the challenge. Use it only for a
	// server that cannot do S256.
	PKCEPlain PKCEMethod = "plain"
	// PKCEDisabled sends no challenge. Use it only for a server that rejects
	// PKCE parameters.
	PKCEDisabled PKCEMethod = "disabled"
)

// TokenPlacement says where a protected request carries the access token
// (RFC 6750 section 2).
type TokenPlacement int

// Token placements.
const (
	// TokenInHeader sends "Authorization: Bearer <token>", the default.
	TokenInHeader TokenPlacement = iota
	// TokenInBody sends access_token in the form-encoded body (RFC 6750
	// section 2.2), for odd providers. Only requests that carry such a
	// body can: a GET, or a body of another type, fails with
	// [ErrNoFormBody] and nothing is sent.
	TokenInBody
)

// There is no placement in the query: RFC 9700 section 4.3.2 says the
// access token must not be sent there, where it ends up in logs and
// Referer headers. For a provider that insists, a Hooks.ProtectedRequest
// hook can move the token (see the Hooks example).

// Config is the plain-data configuration of a [Session]. [NewSession]
// validates it once and copies what it keeps; the caller's value is never
// written to. Every zero value is a safe default, named in each field's
// comment.
type Config struct {
	// ClientID is the client identifier. Required.
	ClientID string
	// ClientSecret is the client secret; empty for public clients.
	ClientSecret string

	// AuthURL is the authorization endpoint. Needed for AuthorizationURL.
	AuthURL string
	// TokenURL is the token endpoint. With it, the session refreshes tokens
	// automatically; without it, an expired token is an error.
	TokenURL string
	// RevocationURL is the RFC 7009 revocation endpoint, if any.
	RevocationURL string
	// IntrospectionURL is the RFC 7662 introspection endpoint, if any.
	IntrospectionURL string
	// DeviceAuthURL is the RFC 8628 device authorization endpoint, if any.
	DeviceAuthURL string
	// PushedAuthURL is the pushed authorization request endpoint (RFC
	// 9126), if any; [Session.PushAuthorizationRequest] needs it.
	PushedAuthURL string
	// RequirePushedAuth says the server takes authorization requests only
	// when pushed (its metadata's require_pushed_authorization_requests,
	// or the client's registration): [Session.AuthorizationURL] then
	// refuses, and [Session.AuthorizationURLContext] pushes. It needs
	// PushedAuthURL.
	RequirePushedAuth bool
	// RedirectURL is the redirect_uri sent with the authorization request
	// and the code exchange. Empty: none is sent. It receives the code, so
	// it must be https, http to a loopback host on any port (RFC 8252
	// section 7.3), or a native app's private-use scheme in reverse domain
	// name form such as com.example.app:/oauth2redirect (section 7.1);
	// plain http elsewhere needs InsecureAllowHTTP. It has no fragment.
	RedirectURL string
	// Scopes are requested scopes, sent space-separated.
	Scopes []string

	// Issuer is the authorization server's issuer identifier. When set, an
	// authorization response carrying iss (RFC 9207) must match it.
	Issuer string
	// RequireIssuerParameter says the server always sends iss in
	// authorization responses (its metadata has
	// authorization_response_iss_parameter_supported), so a response
	// without iss is rejected. It needs Issuer.
	RequireIssuerParameter bool

	// AuthMethod names the client authentication method: ClientSecretBasic,
	// ClientSecretPost, AuthNone, ClientSecretJWT, PrivateKeyJWT, the mTLS
	// methods TLSClientAuth and SelfSignedTLSClientAuth (with an HTTPClient
	// that presents the certificate, see MTLSClient), or a name registered
	// in AuthMethods. Zero: ClientSecretBasic when ClientSecret is set,
	// else PrivateKeyJWT when ClientKey is, else AuthNone (a public
	// client, as in Authlib).
	AuthMethod string
	// AuthMethods registers custom client authentication methods by name,
	// for selection by AuthMethod (Authlib's register_client_auth_method).
	AuthMethods map[string]ClientAuth
	// ClientAuth, when set, is the client authentication method itself,
	// and AuthMethod is ignored.
	ClientAuth ClientAuth

	// Grant, when set, is how the session gets a token by itself: on first
	// use when it has none, and again when the token is due and there is no
	// refresh token. Use it for service sessions, e.g. ClientCredentials()
	// or a JWT-bearer grant. Nil: the session only renews tokens it was
	// given or fetched (a client-credentials fetch is remembered).
	Grant Grant

	// ClientKey is the private key of private_key_jwt client
	// authentication. Its KeyID, if any, goes in the assertion header.
	ClientKey *jose.Key
	// ClientAssertionAlg is the signing algorithm of client assertions.
	// Zero: HS256 for client_secret_jwt, the key's default for
	// private_key_jwt. A key not pinned to an algorithm (one from
	// [jose.ParsePrivateKeyPEM], for instance) signs with any its type
	// allows; NewSession reports an algorithm the key or secret cannot
	// sign with.
	ClientAssertionAlg string
	// ClientAssertionAudience is the aud of client assertions. Zero: the
	// token endpoint URL.
	ClientAssertionAudience string

	// PKCE selects the code challenge method for the authorization code
	// grant. Zero: PKCES256.
	PKCE PKCEMethod

	// RequestObject, when set, sends every authorization request's
	// parameters in a signed request object (RFC 9101), configured by it.
	// Nil: plain parameters, unless [WithRequestObject] asks.
	RequestObject *RequestObjectConfig
	// JARMVerifier verifies JWT-secured authorization responses (JARM),
	// which a request gets with a JWT response mode ([WithResponseMode]);
	// the oidc package provides one. Nil: such responses are refused.
	JARMVerifier JARMVerifier

	// Leeway is how long before expiry a token is refreshed. Zero means 60s;
	// a negative value means refresh only once the token has expired. For
	// a token whose lifetime is known (ExpiresIn), the leeway is at most
	// half of it, so a token issued for less than twice the leeway is not
	// refreshed on every use.
	//
	// A refresh that fails while the token is still valid does not fail
	// the request that started it: the request goes out with the valid
	// token, the error is logged, and a request after the retry policy's
	// backoff tries again. Only an expired token makes requests fail.
	Leeway time.Duration
	// OnTokenUpdate is called once for every new token the session obtains
	// by itself (a refresh or a re-fetch with a grant), so the caller can
	// save it. Nil: not called.
	//
	// When it returns an error (or panics), the session keeps the new
	// token, since a rotated refresh token must not be lost, but remembers
	// it as unsaved: the call that caused the renewal returns the error,
	// and before each later use of the token the session calls
	// OnTokenUpdate again with the same update, once for all goroutines,
	// until it succeeds. Meanwhile those uses fail with its error, and
	// after a failure further calls wait for the retry policy's backoff.
	// A token that replaces an unsaved one reports the old tokens the
	// unsaved one replaced, which is what the storage still holds.
	// [Session.SetToken] forgets an unsaved token. The call runs with the
	// renewal's context (detached from the caller's cancellation, bounded
	// to 60s), in a goroutine of its own.
	OnTokenUpdate func(ctx context.Context, u TokenUpdate) error

	// Store, when set, shares the token with every session that uses the
	// same store, in this process or in others, and makes their renewals
	// one: when the token is due, the session that holds the store's
	// lease renews it and saves it, and the others wait for that token
	// (see [TokenStore]). Requests with a valid token use the session's
	// cached copy and do not touch the store. A session without a token
	// loads it from the store on first use; tokens from FetchToken and
	// Exchange are saved to it; SetToken sets this session's copy only.
	// OnTokenUpdate is called by the session that renewed the token. When
	// the store fails, the session renews nothing and reports
	// [ErrStoreUnavailable]. Nil: the token lives in this session only.
	Store TokenStore

	// TokenPlacement says where protected requests carry the token. Zero:
	// the Authorization header. DPoP-bound tokens always go in the header.
	TokenPlacement TokenPlacement

	// DPoP, when set, makes the session prove possession of a key (RFC
	// 9449): every token request, for every grant and refresh included,
	// carries a proof, so the server may bind the tokens to the key; a
	// token of type DPoP is sent as "Authorization: DPoP <token>" with a
	// proof that covers it; a server's use_dpop_nonce answer is retried
	// once with its nonce. A nil DPoP.Key means a P-256 key (ES256) made
	// for this session alone, which no other session or process can use:
	// give a key to keep a bound token across restarts. Nil: no proofs,
	// and a DPoP token is refused with [ErrUnsupportedTokenType].
	DPoP *dpop.Config

	// IDTokenValidator, when set, validates every ID token the session
	// receives before the token is accepted (the oidc package provides
	// one). Nil: ID tokens are kept unverified; use the oidc package to
	// validate them yourself.
	IDTokenValidator IDTokenValidator

	// Hooks adapt the session to non-compliant servers. Nil hooks do
	// nothing.
	Hooks Hooks

	// Retry controls retries of automatic token renewal on transient
	// failures. Zero: on, with three attempts.
	Retry RetryPolicy

	// EndpointTimeout bounds each call to the token, revocation,
	// introspection, device authorization and pushed authorization
	// endpoints ([Session.FetchToken], [Session.Exchange],
	// [Session.Introspect], [Session.Revoke], [Session.DeviceAuthorization],
	// each poll of [Session.PollDeviceToken], ...) whose context has no
	// deadline, so that a server that never answers cannot hang the
	// caller. A deadline of the context always wins. Renewals (automatic
	// or [Session.Refresh]) run under their own bound instead. Zero: 30s.
	// Negative: no default.
	EndpointTimeout time.Duration

	// HTTPClient makes every request of the session. Nil:
	// [http.DefaultClient]. Requests to the token, revocation,
	// introspection and device endpoints never follow redirects, whatever
	// its CheckRedirect says: a 3xx answer is an [ErrRedirect] error.
	HTTPClient *http.Client
	// Logger receives debug and warning records, secrets redacted. Nil:
	// nothing is logged.
	Logger *slog.Logger
	// Now is the clock. Nil: [time.Now].
	Now func() time.Time

	// InsecureAllowHTTP permits tokens, codes and secrets over plain http to
	// hosts that are not loopback. Anyone on the network path can then
	// read and replay them. Only for development setups.
	InsecureAllowHTTP bool
}

// TokenUpdate describes a token the session obtained by itself, for
// [Config.OnTokenUpdate].
type TokenUpdate struct {
	// Token is the new token.
	Token *Token
	// OldRefreshToken is the refresh token the new token replaces, set when
	// the token came from a refresh; use it to find the stored row.
	OldRefreshToken string
	// OldAccessToken is the access token the new token replaces, set when
	// the token came from a client-credentials re-fetch.
	OldAccessToken string
}

// String describes the update without its secrets.
func (u TokenUpdate) String() string {
	return fmt.Sprintf("oauthkit.TokenUpdate{Token:%v OldRefreshToken:%s OldAccessToken:%s}", u.Token, redact(u.OldRefreshToken), redact(u.OldAccessToken))
}

// RetryPolicy bounds the retries of automatic token renewal (refresh and
// client-credentials re-fetch) after a network error, a 5xx or a 429.
// 4xx errors such as invalid_grant are never retried.
type RetryPolicy struct {
	// Disabled turns retries off.
	Disabled bool
	// MaxAttempts is the number of attempts in all. Zero: 3.
	MaxAttempts int
	// BaseDelay is the first backoff, doubled each time, with jitter.
	// Zero: 200ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff, Retry-After included. Zero: 5s.
	MaxDelay time.Duration
}

// validate reports every problem of c at once.
func (c *Config) validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, a...)...))
	}
	if c.ClientID == "" {
		bad("empty client id")
	}
	endpoint, redirect := secure.CheckEndpoint, secure.CheckRedirectURI
	for _, e := range []struct {
		name, u      string
		credentialed bool // receives tokens, codes or secrets
		check        func(string, bool) ([]error, error)
	}{
		{"auth url", c.AuthURL, false, endpoint}, {"token url", c.TokenURL, true, endpoint},
		{"revocation url", c.RevocationURL, true, endpoint}, {"introspection url", c.IntrospectionURL, true, endpoint},
		{"device auth url", c.DeviceAuthURL, true, endpoint}, {"redirect url", c.RedirectURL, true, redirect},
		{"pushed auth url", c.PushedAuthURL, true, endpoint},
	} {
		if e.u == "" {
			continue
		}
		problems, insecure := e.check(e.u, c.InsecureAllowHTTP || !e.credentialed)
		shown := scrub.String(e.u)
		for _, p := range problems {
			bad("%s %q: %v", e.name, shown, scrub.String(p.Error()))
		}
		if insecure != nil {
			errs = append(errs, withSentinel(fmt.Errorf("%w: %s %q: insecure transport: %v", ErrInvalidConfig, e.name, shown, insecure), ErrInsecureTransport))
		}
	}
	if c.ClientAuth == nil {
		if _, err := c.authMethod(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.checkMTLS(); err != nil {
		errs = append(errs, err)
	}
	if c.TokenPlacement != TokenInHeader && c.TokenPlacement != TokenInBody {
		bad("unknown token placement %d", c.TokenPlacement)
	}
	switch c.PKCE {
	case "", PKCES256, PKCEPlain, PKCEDisabled:
	default:
		bad("unknown pkce method %q", c.PKCE)
	}
	if c.RequireIssuerParameter && c.Issuer == "" {
		bad("require issuer parameter without an issuer")
	}
	if c.RequirePushedAuth && c.PushedAuthURL == "" {
		bad("require pushed auth without a pushed auth url")
	}
	if ro := c.RequestObject; ro != nil && ro.Key == nil && c.ClientKey == nil && c.ClientSecret == "" {
		bad("request object without a key, client key or client secret to sign it")
	}
	if c.Retry.MaxAttempts < 0 {
		bad("negative retry attempts")
	}
	if c.DPoP != nil && c.DPoP.Key != nil {
		if _, err := dpop.New(*c.DPoP); err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", ErrInvalidConfig, err))
		}
	}
	return errors.Join(errs...)
}
