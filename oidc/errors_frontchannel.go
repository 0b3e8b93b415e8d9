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
