package oauthtest

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"time"
)

// defaultPushedRequestTTL is the lifetime of a request_uri when
// Server.PushedRequestTTL is zero.
const defaultPushedRequestTTL = time.Minute

// requestURIPrefix starts every request_uri (RFC 9126 §2.2).
const requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

// pushedRequest is an authorization request received at the pushed
// authorization request endpoint.
type pushedRequest struct {
	clientID  string
	params    url.Values
	expiresAt time.Time
}

// PushedAuthorizationURL returns the URL of the pushed authorization
// request endpoint (RFC 9126 §2).
func (s *Server) PushedAuthorizationURL() string { return s.URL + pathPushedAuthorization }

// handlePushedAuthorization serves the pushed authorization request
// endpoint (RFC 9126 §2): it authenticates the client as the token
// endpoint does, validates the request as the authorization endpoint
// would (its errors come back here, as JSON, not by redirect), and answers
// 201 with a one-time request_uri. A request object (RFC 9126 §3) is
// verified and replaces the form's parameters.
func (s *Server) handlePushedAuthorization(w http.ResponseWriter, r *http.Request) {
	s.sendDPoPNonce(w)
	form, e := parseForm(r)
	if e != nil {
		writeError(w, e)
		return
	}
	c, e := s.authenticateClient(r, form)
	if e != nil {
		writeError(w, e)
		return
	}
	params, e := s.pushedParams(r, c, form)
	if e == nil {
		e = s.pushedBinding(r, params)
	}
	if e != nil {
		writeError(w, e)
		return
	}
	ttl := durationOr(s.PushedRequestTTL, defaultPushedRequestTTL)
	uri := requestURIPrefix + rand.Text()
	s.mu.Lock()
	s.pushed[uri] = &pushedRequest{clientID: c.ID, params: params, expiresAt: s.now().Add(ttl)}
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"request_uri": uri, "expires_in": int64(ttl / time.Second)})
}

// pushedParams returns the authorization request parameters of a push,
// validated.
func (s *Server) pushedParams(r *http.Request, c *Client, form url.Values) (url.Values, *oauthError) {
	if form.Has("request_uri") {
		return nil, errorf(errInvalidRequest, "request_uri must not be pushed (RFC 9126 §2.1)")
	}
	params := cloneValues(form)
	for _, k := range []string{"client_secret", "client_assertion", "client_assertion_type"} {
		params.Del(k)
	}
	if raw := form.Get("request"); raw != "" {
		var e *oauthError
		if params, e = s.requestObjectParams(r.Context(), c, raw); e != nil {
			return nil, e
		}
	}
	if id := params.Get("client_id"); id != "" && id != c.ID {
		return nil, errorf(errInvalidRequest, "client_id %q is not the authenticated client", id)
	}
	params.Set("client_id", c.ID)
	c, redirectURI, e := s.authorizeClient(params)
	if e != nil {
		return nil, e
	}
	req := newAuthorizationRequest(c, redirectURI, params)
	reply := authorizeReply{redirectURI: redirectURI, mode: defaultMode(req.ResponseType), state: req.State}
	if e := s.validateAuthorization(c, &req, &reply); e != nil {
		return nil, e
	}
	return params, nil
}

// frontRequest resolves an authorization request sent by reference to a
// pushed request (RFC 9126 §4) or by value in a request object (RFC 9101
// §5), and refuses an unpushed request where pushes are required. Only
// the parameters of the pushed request or of the object count; client_id
// outside must match.
func (s *Server) frontRequest(r *http.Request, params url.Values) (url.Values, *oauthError) {
	id := params.Get("client_id")
	if uri := params.Get("request_uri"); uri != "" {
		return s.takePushed(uri, id)
	}
	c, ok := s.client(id)
	if !ok {
		return params, nil // authorizeClient reports it
	}
	if s.RequirePushedAuthorizationRequests || c.RequirePushedAuthorizationRequests {
		return nil, errorf(errInvalidRequest, "pushed authorization request required")
	}
	if raw := params.Get("request"); raw != "" {
		return s.requestObjectParams(r.Context(), c, raw)
	}
	return params, nil
}

// takePushed returns the parameters of a pushed request, once, if it has
// not expired and belongs to the client.
func (s *Server) takePushed(uri, clientID string) (url.Values, *oauthError) {
	s.mu.Lock()
	p, ok := s.pushed[uri]
	delete(s.pushed, uri)
	s.mu.Unlock()
	switch {
	case !ok:
		return nil, errorf(errInvalidRequestURI, "unknown or used request_uri")
	case !s.now().Before(p.expiresAt):
		return nil, errorf(errInvalidRequestURI, "request_uri expired")
	case p.clientID != clientID:
		return nil, errorf(errInvalidRequestURI, "request_uri of another client")
	}
	return p.params, nil
}
