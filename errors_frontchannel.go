package oauthkit

import "errors"

// Sentinel errors of pushed authorization requests, request objects and
// JWT-secured authorization responses, matchable with [errors.Is].
var (
	// ErrPushedAuthRequired means [Session.AuthorizationURL] was called
	// although the server takes only pushed authorization requests
	// ([Config.RequirePushedAuth]); use
	// [Session.AuthorizationURLContext] or
	// [Session.PushAuthorizationRequest].
	ErrPushedAuthRequired = errors.New("oauthkit: pushed authorization request required")
	// ErrInvalidPushedAuthResponse means a pushed authorization request
	// endpoint answered 2xx without a request_uri or a positive expires_in
	// (RFC 9126 section 2.2). It comes wrapped in a *ResponseError.
	ErrInvalidPushedAuthResponse = errors.New("oauthkit: invalid pushed authorization response")
	// ErrRequestObject means a request object (RFC 9101) could not be
	// built: no key to sign it with, or a key that does not fit.
	ErrRequestObject = errors.New("oauthkit: request object")
	// ErrJARMRequired means an authorization request asked for a JWT
	// response mode (JARM) and the response is not a response JWT, or the
	// session has no [Config.JARMVerifier] to verify it. No token request
	// is sent.
	ErrJARMRequired = errors.New("oauthkit: jwt secured authorization response required")
)
