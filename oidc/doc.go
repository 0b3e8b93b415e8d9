// Package oidc is the OpenID Connect side of oauthkit: provider discovery
// (OpenID Connect Discovery 1.0 and RFC 8414), ID token verification for
// the code, implicit and hybrid flows, and the userinfo endpoint.
//
// # Flows
//
// [NewProvider] fetches the issuer's metadata document and checks that it
// names the same issuer. [Provider.Config] turns it into an
// [oauthkit.Config]: endpoints, RFC 9207 issuer checks, PKCE method,
// client authentication method ([ChooseAuthMethod]) and an
// IDTokenValidator, so that an [oauthkit.Session] verifies every ID token
// it receives, with the nonce, max_age and code of the authorization
// request, before it accepts the token:
//
//	p, err := oidc.NewProvider(ctx, "https://accounts.example.com", oidc.ProviderConfig{})
//	cfg, err := p.Config(oauthkit.Config{ClientID: id, ClientSecret: secret,
//		RedirectURL: cb, Scopes: []string{"openid", "email"}})
//	s, err := oauthkit.NewSession(cfg)
//	ar, err := s.AuthorizationURL()                        // state, PKCE and nonce
//	tok, err := s.ExchangeAuthorizationResponse(ctx, callbackURL, *ar)
//	idt, err := oidc.VerifiedIDToken(tok) // the claims the session verified
//	info, err := p.UserInfo(ctx, tok, idt.Subject)
//
// The session keeps the claims it verified with the token
// ([oauthkit.Token.IDTokenClaims]); [VerifiedIDToken] returns them as an
// [IDToken], without verifying again. A refresh that returns a new ID
// token checks it against the previous one (same iss and sub, no earlier
// auth_time) and replaces them. In the hybrid flow the authorization
// response must carry the ID token, and the token endpoint's must have
// the same iss and sub.
//
// [Provider.JARMVerifier] verifies JWT-secured authorization responses
// (JARM) with the same allow-list and keys, so that a session asking for
// a JWT response mode checks the response JWT before state, iss and the
// code; Provider.Config installs it.
//
// [Verifier.Verify] verifies an ID token by hand, with keys from anywhere
// (a [jose.KeySet], a [jose.RemoteKeySet]), and returns its claims as an
// [IDToken]; [IDToken.Claims] decodes any other claim.
//
// # Logout
//
// [Provider.EndSessionURL] starts an RP-Initiated Logout and
// [CheckLogoutReturn] checks the state the browser comes back with.
// [NewBackChannelLogoutHandler] serves a backchannel_logout_uri: it
// verifies each logout token with a [LogoutTokenVerifier] (signature and
// issuer as for ID tokens, the logout event, sub or sid, no nonce, jti
// never seen before) and hands it to the application.
// [ParseFrontChannelLogout] reads the iss and sid of front-channel logout.
//
// # Security
//
// Signatures are checked under an explicit algorithm allow-list (RS256
// plus what discovery lists); "none" and HMAC with a public key are never
// accepted. Every claim rule of OpenID Connect Core sections 3.1.3.7,
// 3.2.2.11, 3.3.2.12 and 12.2 is checked and has its own sentinel error:
// iss, aud, azp, exp, iat, nbf, nonce, at_hash, c_hash, auth_time with
// max_age. Claims are read by their exact names: a claim given twice is a
// malformed token, and one under another case ("AUD") is not the claim.
// RSA keys shorter than 2048 bits are refused unless InsecureAllowWeakRSA. The issuer is compared exactly; multi-tenant providers are
// handled by an explicit [IssuerValidator] such as [TenantIssuer], which
// checks each token's issuer against its tenant, never by skipping the
// check. Plain http is refused except to loopback hosts, unless
// InsecureAllowHTTP says otherwise. Response bodies are limited to 1 MiB.
//
// # Concurrency
//
// Provider and Verifier are safe for concurrent use. Signing keys are
// fetched lazily, cached, and refetched (rate-limited) when a token names
// an unknown key.
//
// # Standards
//
//   - OpenID Connect Core 1.0 (with errata set 2):
//     https://openid.net/specs/openid-connect-core-1_0.html
//   - OpenID Connect Discovery 1.0:
//     https://openid.net/specs/openid-connect-discovery-1_0.html
//   - RFC 8414, OAuth 2.0 Authorization Server Metadata
//   - RFC 9207, OAuth 2.0 Authorization Server Issuer Identification
//   - JWT Secured Authorization Response Mode for OAuth 2.0 (JARM)
//   - OpenID Connect RP-Initiated, Back-Channel and Front-Channel Logout 1.0
//   - RFC 7519, JSON Web Token
package oidc
