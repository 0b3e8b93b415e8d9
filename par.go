package oauthkit

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// endpointPAR names the pushed authorization request endpoint in errors
// and in [ClientAuthRequest.Endpoint].
const endpointPAR = "pushed authorization"

// Members of a pushed authorization response (RFC 9126 section 2.2).
const (
	parRequestURI = "request_uri"
	parExpiresIn  = "expires_in"
)

// PushAuthorizationRequest builds the same authorization request as
// [Session.AuthorizationURL], with the same options, and pushes it to
// [Config.PushedAuthURL] (RFC 9126) with the session's client
// authentication, so that no parameter travels through the browser. With
// [Config.RequestObject] or [WithRequestObject] the pushed parameters are
// a signed request object (RFC 9101 section 5 via RFC 9126 section 3).
//
// The returned request's URL carries only client_id and the request_uri
// the server answered (plus the query of [Config.AuthURL]); ExpiresAt says
// until when it may be used. Save the request as for AuthorizationURL and
// hand it to [Session.ExchangeAuthorizationResponse].
//
// The push is a credentialed call like a token request: it goes over the
// same endpoint client (body limit, no plain http off loopback), and an
// error body is an *Error with Endpoint "pushed authorization", any other
// unusable answer a *ResponseError.
func (s *Session) PushAuthorizationRequest(ctx context.Context, opts ...AuthURLOption) (*AuthorizationRequest, error) {
	if s.cfg.PushedAuthURL == "" {
		return nil, fmt.Errorf("oauthkit: %s endpoint: %w", endpointPAR, ErrNoEndpoint)
	}
	a, err := s.newAuthorization(opts)
	if err != nil {
		return nil, err
	}
	form := a.params
	if a.requestObject {
		obj, err := s.requestObject(a.params)
		if err != nil {
			return nil, err
		}
		form = url.Values{"client_id": {s.cfg.ClientID}, "request": {obj}}
	}
	// The push is an endpointCall like every credentialed request, so
	// whatever the session adds to those (client authentication, sender
	// constraints such as a DPoP proof, RFC 9449 section 10.1) applies to
	// it too.
	raw, err := s.post(ctx, endpointCall{endpoint: endpointPAR, url: s.cfg.PushedAuthURL, form: form, auth: s.auth, dpop: true})
	if err != nil {
		return nil, err
	}
	m, err := raw.decode(endpointPAR)
	if err != nil {
		return nil, err
	}
	uri, exp, err := pushedAuthFromMap(m)
	if err != nil {
		return nil, &ResponseError{Endpoint: endpointPAR, StatusCode: raw.status,
			ContentType: raw.header.Get("Content-Type"), Body: bounded(raw.body),
			Err: fmt.Errorf("%w: %w", ErrInvalidPushedAuthResponse, err)}
	}
	a.ar.RequestURI, a.ar.ExpiresAt = uri, s.now().Add(exp)
	q := a.u.Query()
	q.Set("client_id", s.cfg.ClientID)
	q.Set(parRequestURI, uri)
	a.u.RawQuery = q.Encode()
	a.ar.URL = a.u.String()
	return a.ar, nil
}

// AuthorizationURLContext builds the authorization request the way the
// configuration asks: pushed with [Session.PushAuthorizationRequest] when
// [Config.RequirePushedAuth] says the server takes only pushed requests
// (oidc.Provider.Config sets it from the metadata's
// require_pushed_authorization_requests), locally with
// [Session.AuthorizationURL] otherwise. Servers that build authorization
// requests for any provider call this one.
func (s *Session) AuthorizationURLContext(ctx context.Context, opts ...AuthURLOption) (*AuthorizationRequest, error) {
	if s.cfg.RequirePushedAuth {
		return s.PushAuthorizationRequest(ctx, opts...)
	}
	return s.AuthorizationURL(opts...)
}

// pushedAuthFromMap reads request_uri and expires_in, both required.
func pushedAuthFromMap(m map[string]any) (string, time.Duration, error) {
	uri, err := stringMember(m[parRequestURI])
	if err != nil {
		return "", 0, fmt.Errorf("member %q: %w", parRequestURI, err)
	}
	if uri == "" {
		return "", 0, fmt.Errorf("no %s", parRequestURI)
	}
	if m[parExpiresIn] == nil {
		return "", 0, fmt.Errorf("no %s", parExpiresIn)
	}
	n, err := number(m[parExpiresIn])
	if err != nil {
		return "", 0, fmt.Errorf("member %q: %w", parExpiresIn, err)
	}
	if n <= 0 {
		return "", 0, fmt.Errorf("member %q: %d is not positive", parExpiresIn, n)
	}
	return uri, seconds(n, maxLifetime), nil
}
