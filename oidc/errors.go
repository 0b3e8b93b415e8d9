package oidc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oauthkit/oauthkit/jose"
)

// Sentinel errors, matchable with [errors.Is]. They are returned wrapped
// with detail (what was expected and what was found), so compare with
// errors.Is, never with ==. Each ID-token rule has its own sentinel, so a
// caller can tell which rule a token broke.
var (
	// ErrInvalidSignature means the signature of an ID token (or a signed
	// userinfo answer) could not be verified: bad signature, algorithm
	// outside the allow-list, "none", no matching key, malformed JWS. The error also matches the jose
	// sentinel that caused it, e.g. [jose.ErrAlgorithmNotAllowed].
	ErrInvalidSignature = errors.New("oidc: invalid signature")
	// ErrMalformedClaims means the signed payload is not a JSON object of
	// well-typed claims.
	ErrMalformedClaims = errors.New("oidc: malformed id token claims")
	// ErrMissingClaim means a required claim (iss, sub, aud, exp, iat) is
	// absent.
	ErrMissingClaim = errors.New("oidc: missing claim")
	// ErrInvalidIssuer means the token's iss is not the expected issuer.
	ErrInvalidIssuer = errors.New("oidc: invalid issuer")
	// ErrInvalidAudience means the token's aud does not contain the client
	// id.
	ErrInvalidAudience = errors.New("oidc: invalid audience")
	// ErrInvalidAuthorizedParty means azp is present and not the client
	// id, or absent although the token has several audiences.
	ErrInvalidAuthorizedParty = errors.New("oidc: invalid authorized party")
	// ErrIDTokenExpired means exp has passed (beyond the leeway).
	ErrIDTokenExpired = errors.New("oidc: id token expired")
	// ErrIDTokenNotYetValid means nbf is still in the future (beyond the
	// leeway).
	ErrIDTokenNotYetValid = errors.New("oidc: id token not yet valid")
	// ErrIssuedInFuture means iat is in the future (beyond the leeway).
	ErrIssuedInFuture = errors.New("oidc: id token issued in the future")
	// ErrInvalidNonce means a nonce was sent and the token's nonce is
	// missing or different.
	ErrInvalidNonce = errors.New("oidc: invalid nonce")
	// ErrInvalidAtHash means at_hash does not match the access token.
	ErrInvalidAtHash = errors.New("oidc: invalid at_hash")
	// ErrMissingAtHash means at_hash is absent where the flow requires it
	// (an ID token issued with an access token from the authorization
	// endpoint).
	ErrMissingAtHash = errors.New("oidc: missing at_hash")
	// ErrInvalidCHash means c_hash does not match the authorization code.
	ErrInvalidCHash = errors.New("oidc: invalid c_hash")
	// ErrMissingCHash means c_hash is absent in a hybrid-flow ID token
	// from the authorization endpoint.
	ErrMissingCHash = errors.New("oidc: missing c_hash")
	// ErrAuthTimeRequired means auth_time is absent although max_age was
	// requested or auth_time is required.
	ErrAuthTimeRequired = errors.New("oidc: auth_time required")
	// ErrAuthTooOld means the end user authenticated longer ago than the
	// requested max_age (plus the leeway).
	ErrAuthTooOld = errors.New("oidc: authentication too old")
	// ErrSubjectMismatch means a sub differs from the expected subject:
	// a userinfo response for another user, or a refreshed ID token for
	// another subject.
	ErrSubjectMismatch = errors.New("oidc: subject mismatch")
	// ErrAuthTimeMismatch means a refreshed ID token's auth_time is
	// earlier than the one of the ID token it replaces (OpenID Connect
	// Core section 12.2).
	ErrAuthTimeMismatch = errors.New("oidc: auth_time earlier than before")
	// ErrDiscoveryIssuerMismatch means a discovery document names an issuer other
	// than the one it was fetched for (OpenID Connect Discovery section
	// 4.3, RFC 8414 section 3.3).
	ErrDiscoveryIssuerMismatch = errors.New("oidc: discovered issuer mismatch")
	// ErrInvalidMetadata means a discovery document is unusable: not a
	// JSON object, members of the wrong type, a missing issuer, or an
	// endpoint that is not an absolute https URL.
	ErrInvalidMetadata = errors.New("oidc: invalid provider metadata")
	// ErrNoAuthMethod means [Provider.Config] found no client
	// authentication method that both the provider and the client support.
	ErrNoAuthMethod = errors.New("oidc: no usable client authentication method")
)

// signatureError wraps a jose verification error so that it matches both
// ErrInvalidSignature and the jose sentinel, with one package prefix.
type signatureError struct{ err error }

func (e *signatureError) Error() string {
	return "oidc: invalid signature: " + trimPrefix(e.err.Error())
}

func (e *signatureError) Unwrap() []error { return []error{ErrInvalidSignature, e.err} }

// wrapVerifyError classifies an error of [jose.Verify]: a key-fetch
// failure or a cancelled context is not a signature problem and is
// returned as is (with the oidc prefix), anything else is one.
func wrapVerifyError(err error) error {
	if errors.Is(err, jose.ErrJWKSFetch) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("oidc: id token keys: %w", err)
	}
	return &signatureError{err: err}
}

// trimPrefix removes a leading package prefix, so that wrapped messages
// carry one.
func trimPrefix(s string) string {
	for _, p := range []string{"oidc: ", "jose: ", "oauthkit: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// mismatch formats "got X, want Y" for a sentinel.
func mismatch(sentinel error, got, want any) error {
	return fmt.Errorf("%w: got %q, want %q", sentinel, got, want)
}
