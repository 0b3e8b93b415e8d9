package oauthtest

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
)

// Endpoint identifies one of the server's endpoints, for faults and request
// counters.
type Endpoint string

// The server's endpoints.
const (
	AuthorizeEndpoint     Endpoint = "authorize"            // /authorize
	TokenEndpoint         Endpoint = "token"                // /token
	RevocationEndpoint    Endpoint = "revocation"           // /revoke
	IntrospectionEndpoint Endpoint = "introspection"        // /introspect
	DeviceEndpoint        Endpoint = "device_authorization" // /device_authorization
	VerificationEndpoint  Endpoint = "device_verification"  // /device, the page for the user
	UserInfoEndpoint      Endpoint = "userinfo"             // /userinfo
	ResourceEndpoint      Endpoint = "resource"             // /resource
	JWKSEndpoint          Endpoint = "jwks"                 // /jwks
	LoginEndpoint         Endpoint = "login"                // /login, the pages of [Server.LoginPage]
	EndSessionEndpoint    Endpoint = "end_session"          // /logout, RP-Initiated Logout

	// PushedAuthorizationEndpoint is the pushed authorization request
	// endpoint of RFC 9126, /par.
	PushedAuthorizationEndpoint Endpoint = "pushed_authorization"

	// RegistrationEndpoint is the dynamic client registration endpoint of
	// RFC 7591, /register.
	RegistrationEndpoint Endpoint = "registration"
	// ClientConfigurationEndpoint is the client configuration endpoint of
	// RFC 7592, /register/{client_id}.
	ClientConfigurationEndpoint Endpoint = "client_configuration"

	// DiscoveryEndpoint serves both metadata documents: RFC 8414's
	// /.well-known/oauth-authorization-server and OpenID Connect's
	// /.well-known/openid-configuration, at the paths the issuer implies
	// (see [Server.MetadataURL] and [Server.OpenIDConfigurationURL]).
	DiscoveryEndpoint Endpoint = "discovery"
)

// Paths of the endpoints under Server.URL.
const (
	pathAuthorize           = "/authorize"
	pathToken               = "/token"
	pathRevoke              = "/revoke"
	pathIntrospect          = "/introspect"
	pathDeviceAuthorization = "/device_authorization"
	pathVerification        = "/device"
	pathUserInfo            = "/userinfo"
	pathResource            = "/resource"
	pathJWKS                = "/jwks"
	pathLogin               = "/login"
	pathEndSession          = "/logout"
	pathPushedAuthorization = "/par"
	pathRegister            = "/register"
	pathMetadata            = "/.well-known/oauth-authorization-server"
	pathOpenIDConfiguration = "/.well-known/openid-configuration"
)

// maxRequestBody bounds the request bodies the server reads.
const maxRequestBody = 1 << 20

// Request is a copy of a request the server received, for assertions.
type Request struct {
	// Endpoint is the endpoint the request was sent to.
	Endpoint Endpoint
	// Method is the HTTP method.
	Method string
	// Path is the URL path.
	Path string
	// Query holds the URL query parameters.
	Query url.Values
	// Header holds the request headers.
	Header http.Header
	// Form holds the parameters of an application/x-www-form-urlencoded
	// body; it is empty for other bodies.
	Form url.Values
	// Body is the raw request body, up to 1 MiB.
	Body []byte
}

func (r Request) clone() Request {
	r.Query = cloneValues(r.Query)
	r.Header = r.Header.Clone()
	r.Form = cloneValues(r.Form)
	r.Body = slices.Clone(r.Body)
	return r
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	return c
}

// Requests returns copies of all requests received so far, oldest first,
// including those answered by a fault.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// RequestCount reports how many requests the endpoint has received,
// including those answered by a fault.
func (s *Server) RequestCount(ep Endpoint) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[ep]
}

func (s *Server) newMux() http.Handler {
	handlers := map[string]struct {
		ep Endpoint
		h  http.HandlerFunc
	}{
		pathAuthorize:           {AuthorizeEndpoint, s.handleAuthorize},
		pathToken:               {TokenEndpoint, s.handleToken},
		pathRevoke:              {RevocationEndpoint, s.handleRevoke},
		pathIntrospect:          {IntrospectionEndpoint, s.handleIntrospect},
		pathDeviceAuthorization: {DeviceEndpoint, s.handleDeviceAuthorization},
		pathVerification:        {VerificationEndpoint, s.handleVerification},
		pathUserInfo:            {UserInfoEndpoint, s.handleUserInfo},
		pathResource:            {ResourceEndpoint, s.handleResource},
		pathJWKS:                {JWKSEndpoint, s.handleJWKS},
		pathLogin:               {LoginEndpoint, s.handleLogin},
		pathEndSession:          {EndSessionEndpoint, s.handleEndSession},
		pathPushedAuthorization: {PushedAuthorizationEndpoint, s.handlePushedAuthorization},
		pathRegister:            {RegistrationEndpoint, s.handleRegister},
		pathRegister + "/":      {ClientConfigurationEndpoint, s.handleClientConfiguration},
	}
	mux := http.NewServeMux()
	for _, path := range slices.Sorted(maps.Keys(handlers)) {
		e := handlers[path]
		mux.Handle(path, s.endpoint(e.ep, e.h))
	}
	for _, path := range mtlsAliases {
		e := handlers[path]
		mux.Handle(pathMTLS+path, s.endpoint(e.ep, e.h))
	}
	mux.Handle("/", s.wellKnown())
	return mux
}

// endpoint wraps a handler: it records the request, counts it, and applies
// the first matching fault before the handler runs.
func (s *Server) endpoint(ep Endpoint, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.record(ep, w, r) {
			return
		}
		if f, ok := s.takeFault(ep); ok {
			if s.applyFault(f, w, r) {
				return
			}
		}
		h(w, r)
	})
}

// record stores a copy of r and restores its body for the handler. It
// reports false after answering an oversized body with 413.
func (s *Server) record(ep Endpoint, w http.ResponseWriter, r *http.Request) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := Request{
		Endpoint: ep,
		Method:   r.Method,
		Path:     r.URL.Path,
		Query:    r.URL.Query(),
		Header:   r.Header.Clone(),
		Body:     body,
	}
	if isForm(r) {
		rec.Form, _ = url.ParseQuery(string(body))
	}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.counts[ep]++
	s.mu.Unlock()
	if err != nil {
		writeError(w, &oauthError{status: http.StatusRequestEntityTooLarge,
			code: errInvalidRequest, description: "request body too large"})
		return false
	}
	return true
}
