// Package oauthkit is an OAuth 2.0 client: it builds authorization URLs,
// completes every grant at the token endpoint, authenticates the client,
// holds the token, renews it before it expires, and authorizes requests to
// protected resources.
//
// # Flows
//
// The authorization code grant (RFC 6749 section 4.1) with PKCE (RFC 7636)
// starts at [Session.AuthorizationURL] and ends at
// [Session.ExchangeAuthorizationResponse] (or [Session.ExchangeCallback]
// inside the redirect URL's net/http handler), which checks state and iss
// (RFC 9207) before it exchanges the code. The implicit grant (section
// 4.2) ends there too, without a token request. [Session.FetchToken] runs
// any other grant: [Password], [ClientCredentials], [RefreshToken],
// [TokenExchange] (RFC 8693) and [ExtensionGrant] for the rest (device
// code, JWT bearer).
//
// # Hardened authorization requests and responses
//
// [Session.PushAuthorizationRequest] sends the authorization request over
// the back channel (PAR, RFC 9126) and [Session.AuthorizationURLContext]
// does so whenever [Config.RequirePushedAuth] says the server wants it.
// [WithRequestObject] and [Config.RequestObject] put the parameters in a
// signed, optionally encrypted, request object (JAR, RFC 9101), by value
// or pushed. [WithResponseMode] with a JWT mode asks for a signed response
// (JARM), which [Config.JARMVerifier] verifies before the usual checks.
//
// # Client authentication
//
// Every call to the token, revocation, introspection, device and pushed
// authorization endpoints authenticates the client with the method named
// in [Config.AuthMethod]: [ClientSecretBasic], [ClientSecretPost],
// [AuthNone], [ClientSecretJWT] and [PrivateKeyJWT] ([JWTAuth], RFC 7523),
// the mTLS methods [TLSClientAuth] and [SelfSignedTLSClientAuth] (RFC
// 8705), or a custom [ClientAuth] registered by name or given directly.
// Unset, it is ClientSecretBasic for a client with a secret,
// PrivateKeyJWT for one with only a [Config.ClientKey], and AuthNone (a
// public client) for one with neither.
//
// # Tokens and protected resources
//
// [Session.Do], [Session.Get] and the other helpers, [Session.HTTPClient]
// and [Transport] send requests with "Authorization: Bearer" (RFC 6750).
// When the token is within [Config.Leeway] of expiry (60 seconds unless
// set, at most half the token's lifetime), the session refreshes it first,
// once for all goroutines, and reports the new token to
// [Config.OnTokenUpdate] so it can be saved; a failed report is made again
// before the token's next use. A token of a type the session cannot send
// (anything but Bearer, and DPoP with [Config.DPoP]) is refused with
// [ErrUnsupportedTokenType] before anything is sent. [ParseWWWAuthenticate]
// reads why a resource refused a request. A panic in code a renewal runs
// (callbacks, hooks, grants, client authentication) comes back as a
// [*PanicError].
//
// # Sender-constrained tokens
//
// With [Config.DPoP] (RFC 9449) every token request carries a DPoP proof,
// so the server binds the tokens to the session's key; DPoP tokens are
// sent as "Authorization: DPoP" with a proof of their own, and a request
// the server refuses with use_dpop_nonce is sent once more with its nonce.
// [WithDPoPJKT] binds the authorization code to the key as well.
//
// # Concurrency
//
// A [Session] is safe for concurrent use by multiple goroutines. Every call
// that does I/O takes a [context.Context] first; the HTTP client is a
// Config field, never read from a context.
//
// A session renews a due token once, however many goroutines use it.
// Sessions in several processes (replicas of a service, concurrent runs
// of a tool) renew it once between them when they share a [TokenStore]
// through [Config.Store]: store/memory, store/file (flock) or
// store/redis.
//
// # Security
//
// State (128 bits from crypto/rand) is always sent and compared in
// constant time; PKCE S256 is on for the code grant; OpenID Connect
// requests get a nonce. Tokens, codes and secrets never travel over plain
// http except to loopback, unless [Config.InsecureAllowHTTP] says so, and
// never follow a redirect: endpoint calls refuse 3xx answers
// ([ErrRedirect]), and protected requests redirected to another origin go
// without the token. Endpoint calls without a deadline get
// [Config.EndpointTimeout]. Response bodies are capped at 1 MiB. String,
// GoString and slog output of tokens, configs and requests never show
// secrets, and no error rendering shows a credential from a response
// body. The package reads no environment variables. The repository's
// docs/security.md states the threat model.
//
// # Errors
//
// Errors answered by the server are [*Error] (match with [errors.As]);
// answers that are not OAuth at all are [*ResponseError]; conditions are
// sentinel errors such as [ErrStateMismatch] (match with [errors.Is]).
//
// # Standards
//
// RFC 6749, 6750, 7009, 7523, 7636, 7662, 8252, 8414, 8628, 8693, 9101,
// 9126, 9207, 9449, OpenID Connect Core 1.0 and the JWT Secured
// Authorization Response Mode (JARM).
package oauthkit
