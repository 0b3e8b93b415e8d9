package oidc

import "errors"

// Sentinel errors of JWT-secured authorization responses and logout,
// matchable with [errors.Is]. Response JWTs and logout tokens also fail
// with the ID-token sentinels of the checks they share:
// [ErrInvalidSignature], [ErrInvalidIssuer], [ErrInvalidAudience],
// [ErrMissingClaim] and [ErrMalformedClaims].
var (
	// ErrResponseExpired means the exp of a JARM response JWT has passed
	// (beyond the leeway).
	ErrResponseExpired = errors.New("oidc: authorization response expired")
	// ErrResponseDecryption means an encrypted JARM response could not be
	// decrypted: no decryption key configured, or none that fits. The
	// error also matches the jose sentinel, e.g. [jose.ErrDecryption].
	ErrResponseDecryption = errors.New("oidc: authorization response decryption failed")
)

// Sentinel errors of back-channel and front-channel logout.
var (
	// ErrInvalidLogoutToken means a logout token broke a rule of OpenID
	// Connect Back-Channel Logout 1.0 section 2.6 that has no sentinel of
	// its own: no back-channel logout event, a nonce, a "typ" other than
	// logout+jwt, an iat in the future, an expired or too old token.
	ErrInvalidLogoutToken = errors.New("oidc: invalid logout token")
	// ErrLogoutTokenReplayed means a logout token with the same jti was
	// accepted before.
	ErrLogoutTokenReplayed = errors.New("oidc: logout token replayed")
)
