package jose

import (
	"errors"
	"fmt"
)

// Sentinel errors returned (wrapped, with detail) by this package. Match them
// with [errors.Is].
var (
	// ErrAlgorithmNotAllowed means the token's "alg" is not in the
	// verifier's allow-list, is "none", or differs from the algorithm a key
	// is restricted to.
	ErrAlgorithmNotAllowed = errors.New("jose: algorithm not allowed")

	// ErrUnsupportedAlgorithm means an algorithm name is not one this
	// package implements.
	ErrUnsupportedAlgorithm = errors.New("jose: unsupported algorithm")

	// ErrKeyTypeMismatch means a key does not fit an algorithm: wrong key
	// type (for example an RSA key for ES256 or a public key for HS256),
	// wrong curve, or a key that is too small.
	ErrKeyTypeMismatch = errors.New("jose: key type does not match algorithm")

	// ErrUnsupportedKeyType means a key is of a type or curve this package
	// does not handle.
	ErrUnsupportedKeyType = errors.New("jose: unsupported key type")

	// ErrNoMatchingKey means no candidate key matches the token's "kid",
	// algorithm and use.
	ErrNoMatchingKey = errors.New("jose: no matching key")

	// ErrInvalidSignature means the signature did not verify with any
	// candidate key.
	ErrInvalidSignature = errors.New("jose: invalid signature")

	// ErrMalformedToken means a token is not a well-formed compact JWS, or
	// uses a feature this package refuses (JSON serialization, encryption,
	// unknown "crit" headers).
	ErrMalformedToken = errors.New("jose: malformed token")

	// ErrMalformedKey means PEM or JWK input could not be parsed as a key.
	ErrMalformedKey = errors.New("jose: malformed key")

	// ErrJWKSFetch means a remote JWK Set could not be fetched or parsed.
	// The error is a [*FetchError] that names the URL.
	ErrJWKSFetch = errors.New("jose: jwks fetch failed")
)

// FetchError reports a failure to fetch or parse a remote JWK Set. It
// matches [ErrJWKSFetch] with [errors.Is], and also the underlying cause
// (for example [context.DeadlineExceeded]) when there is one.
type FetchError struct {
	// URL is the JWK Set URL.
	URL string
	// StatusCode is the HTTP status, or zero if no response was received.
	StatusCode int
	// Reason is a short lowercase description of what went wrong.
	Reason string
	// Err is the underlying cause, or nil.
	Err error
}

// Error returns a one-line description that names the URL. It never
// includes the response body.
func (e *FetchError) Error() string {
	msg := fmt.Sprintf("jose: jwks %q: %s", e.URL, e.Reason)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns [ErrJWKSFetch] and the underlying cause, if any.
func (e *FetchError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrJWKSFetch}
	}
	return []error{ErrJWKSFetch, e.Err}
}

// errorf wraps sentinel with detail, as "jose: <sentinel text>: <detail>",
// so that the package prefix appears exactly once.
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
