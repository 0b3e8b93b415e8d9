package oauthkit

import (
	"errors"
	"time"
)

// Sentinel errors of revocation, introspection and the device
// authorization grant, matchable with [errors.Is].
var (
	// ErrServiceUnavailable means an endpoint answered 503 Service
	// Unavailable. For revocation, RFC 7009 section 2.2.1 says the token
	// must then be assumed to be still valid. [RetryAfter] tells how long
	// the server asked the client to wait.
	ErrServiceUnavailable = errors.New("oauthkit: service unavailable")
	// ErrInvalidIntrospection means an introspection endpoint answered 2xx
	// with a body that is not an RFC 7662 section 2.2 response: no boolean
	// "active", or a member of the wrong type.
	ErrInvalidIntrospection = errors.New("oauthkit: invalid introspection response")
	// ErrInvalidDeviceAuthorization means a device authorization endpoint
	// answered 2xx without device_code, user_code or verification_uri
	// (RFC 8628 section 3.2), or a member of the wrong type.
	ErrInvalidDeviceAuthorization = errors.New("oauthkit: invalid device authorization response")
	// ErrDeviceAccessDenied means the user denied the device authorization
	// request (RFC 8628 section 3.5, "access_denied"). The error also
	// matches *Error with [errors.As].
	ErrDeviceAccessDenied = errors.New("oauthkit: device access denied")
	// ErrDeviceCodeExpired means the device code expired before the user
	// approved the request: the server answered "expired_token" (the error
	// then also matches *Error), or its expires_in has passed.
	ErrDeviceCodeExpired = errors.New("oauthkit: device code expired")
)

// RetryAfter returns how long the server asked the client to wait before
// trying again (the Retry-After header of an answer behind an [*Error] or
// a [*ResponseError] in err's chain), or zero when it did not say.
func RetryAfter(err error) time.Duration {
	return retryAfterOf(err)
}

// sentinelError is an error that also matches a sentinel: errors.As finds
// the *Error or *ResponseError inside, errors.Is finds the sentinel, and
// the message is the inner error's, prefixed once.
type sentinelError struct {
	err      error
	sentinel error
}

func (e *sentinelError) Error() string   { return e.err.Error() }
func (e *sentinelError) Unwrap() []error { return []error{e.err, e.sentinel} }

// withSentinel returns err made to match sentinel too.
func withSentinel(err, sentinel error) error {
	return &sentinelError{err: err, sentinel: sentinel}
}
