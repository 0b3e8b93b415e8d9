// Package oauthtest provides an in-process OAuth 2.0 authorization server and
// OpenID Connect provider for tests and demos, in the spirit of
// [net/http/httptest].
//
// It is meant for tests and demonstrations only: it keeps all state in memory,
// knows a single resource owner, approves authorization requests without a
// login page (unless [Server.LoginPage] asks for one), and can be told to
// misbehave. Never use it to protect real
// resources.
//
// A typical test starts a server, registers a client and points the code under
// test at the server's endpoints:
//
//	srv := oauthtest.NewServer()
//	defer srv.Close()
//	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"http://127.0.0.1/cb"}})
//	// use c.ID, c.Secret, srv.AuthorizationURL() and srv.TokenURL()
//
// The package does not import "testing": setup mistakes, such as registering
// the same client twice, panic with an "oauthtest: " prefix, as
// [httptest.Server] does. Errors in requests sent to the server are answered
// on the wire, as a real server would.
//
// # Endpoints
//
// All endpoints are paths under [Server.URL]:
//
//   - /authorize: the authorization endpoint (RFC 6749 §3.1), with every
//     combination of the response types "code", "token" and "id_token"
//     (OpenID Connect Core 1.0 §3), PKCE (RFC 7636) and the "iss" response
//     parameter (RFC 9207), in the response modes query, fragment and
//     form_post (OAuth 2.0 Form Post Response Mode). The resource owner is
//     approved automatically unless [Server.Consent] decides otherwise.
//     [Server.Authorize] plays the browser's part.
//   - /login: with [Server.LoginPage], the HTML login and consent pages a
//     person (or a browser test) fills in: User's username and password,
//     then Allow or Deny.
//   - /logout: the end_session_endpoint of OpenID Connect RP-Initiated
//     Logout 1.0, which checks id_token_hint and the client's registered
//     [Client.PostLogoutRedirectURIs] and returns state; with LoginPage it
//     asks the user to confirm first. Logging out a session ends it at
//     the clients through back-channel logout: [Server.BackChannelLogout]
//     posts logout tokens to each [Client.BackChannelLogoutURI], and the
//     ID tokens of such clients carry sid. [Server.FrontChannelLogoutURL]
//     gives the front-channel logout URL of a session.
//   - /token: the token endpoint (RFC 6749 §3.2) with the authorization_code,
//     password, client_credentials, refresh_token, device_code (RFC 8628),
//     JWT-bearer (RFC 7523 §2.1) and token exchange (RFC 8693) grants.
//   - /revoke: token revocation (RFC 7009).
//   - /introspect: token introspection (RFC 7662).
//   - /device_authorization and /device: the device authorization grant
//     (RFC 8628). Tests approve user codes with [Server.ApproveDevice].
//   - /userinfo and /resource: protected resources that accept bearer tokens
//     (RFC 6750) and DPoP-bound tokens (RFC 9449). The userinfo endpoint answers with JSON or, with
//     [Server.UserInfoSigned], a signed JWT.
//   - /par: pushed authorization requests (RFC 9126), with client
//     authentication; [Server.RequirePushedAuthorizationRequests] and
//     [Client.RequirePushedAuthorizationRequests] make them mandatory.
//     The authorization endpoint also takes signed (and, with
//     [Server.EncryptionKey], encrypted) request objects (RFC 9101), and
//     answers in the JWT response modes of JARM and in form_post.
//   - /register and /register/{client_id}: dynamic client registration
//     (RFC 7591) and management (RFC 7592), behind
//     [Server.InitialAccessToken] when it is set.
//   - /jwks: the public signing keys (RFC 7517 §5).
//   - /.well-known/oauth-authorization-server (RFC 8414) and
//     /.well-known/openid-configuration (OpenID Connect Discovery 1.0): the
//     same metadata document. For an issuer with a path, the documents move
//     as both specifications say; see [Server.MetadataURL] and
//     [Server.OpenIDConfigurationURL].
//
// # OpenID Connect
//
// Whenever a user's grant has the "openid" scope, token responses carry an
// ID token: from the authorization_code grant with the request's nonce,
// from refresh_token without one, and from the password and device_code
// grants. The implicit and hybrid response types return ID tokens from the
// authorization endpoint, with at_hash and c_hash, and require a nonce.
// ID tokens hold iss, sub, aud, exp, iat and auth_time, the nonce, at_hash
// or c_hash when something was issued alongside, name and
// preferred_username with the "profile" scope, email and email_verified
// with the "email" scope, and [User.Claims].
//
// ID tokens are signed with RS256 by default; [Server.IDTokenAlg] and
// [Server.Keys] choose other algorithms and keys. [Server.RotateKeys] and
// [Server.RemoveOldKeys] rotate keys at run time, and [Server.PublicKeys]
// returns what the JWKS endpoint publishes.
//
// # Client authentication
//
// Clients authenticate by the method they registered ([Client.AuthMethod]):
// client_secret_basic, client_secret_post, none, or a JWT assertion
// (RFC 7523 §2.2): client_secret_jwt (HMAC with the client secret) and
// private_key_jwt ([Client.JWKS], [Client.PublicKey]). Assertions are
// checked strictly, as RFC 7523 §3 and OpenID Connect Core 1.0 §9 say: iss
// and sub are the client ID; aud names the token endpoint, the issuer or
// the endpoint called; exp is present, in the future and at most an hour
// ahead; nbf and iat are not in the future; jti is present and used once;
// and the algorithm fits the method (HMAC for client_secret_jwt,
// asymmetric for private_key_jwt). Any failure is a 401 invalid_client
// whose error_description says what is wrong.
//
// The JWT-bearer grant accepts assertions from issuers registered with
// [Server.TrustIssuer], with or without client authentication.
//
// # Sender-constrained tokens
//
// A token request with a valid DPoP proof (RFC 9449) gets DPoP-bound
// tokens (token_type DPoP, cnf.jkt in introspection); the resources then
// want the token with the DPoP scheme and a proof of the same key, whose
// ath matches the token, and refuse it as a bearer token. Proofs are
// checked as RFC 9449 §4.3 says: typ, a public jwk, an allowed algorithm
// ([Server.DPoPAlgorithms]), htm, htu, iat within a minute, a jti used
// once, and, with [Server.DPoPNonce], the server's nonce, handed out in
// DPoP-Nonce headers and changed by [Server.RotateDPoPNonce]. A public
// client's refresh token is bound to its key too. [Server.RequireDPoP]
// and [Client.DPoPBoundAccessTokens] make proofs mandatory.
//
// A server started with StartTLS asks every connection for a client
// certificate. At the mTLS endpoint aliases ([Server.MTLSURL], published
// as mtls_endpoint_aliases), certificates authenticate tls_client_auth
// clients (a chain to [Server.ClientCAs] and a registered subject) and
// self_signed_tls_client_auth clients (a registered key), and bind the
// access tokens of clients with [Client.CertificateBoundAccessTokens]
// (RFC 8705): the resources accept those only over a connection with the
// same certificate.
//
// The token exchange grant (RFC 8693) trades an active access token for a
// new one, with an actor token for delegation (act in introspection),
// resource and audience values (aud in introspection) and a narrower
// scope.
//
// # Time
//
// Every expiry (authorization codes, access and refresh tokens, device codes)
// and the device polling interval are measured with [Server.Now], so a test
// can move time forward without sleeping.
//
// # Faults
//
// [Server.InjectFault] makes an endpoint answer with a given status or body,
// answer slowly, hang, or drop the connection. [Server.InjectIDTokenFault]
// makes ID tokens break one validation rule each: a bad signature, "alg"
// "none", HMAC keyed with the public key, a wrong iss, aud, azp, nonce,
// at_hash or c_hash, an expired token, and more. [Server.InjectJWTFault]
// does the same for JARM response JWTs and logout tokens. Faults are plain
// data: see [Fault], [IDTokenFault] and [JWTFault].
//
// # Concurrency
//
// A Server is safe for concurrent use by multiple goroutines once started. Its
// exported configuration fields must be set before [Server.Start] (or before
// the first request, when only [Server.Handler] is used) and not changed
// afterwards.
//
// # Keys
//
// The server generates its signing keys unless [Server.Keys] is set. RSA key
// generation being slow, generated RSA keys are shared by all servers of a
// process, each server giving them its own key IDs.
package oauthtest
