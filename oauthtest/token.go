package oauthtest

import (
	"net/http"
	"net/url"
)

// A grantHandler carries out one grant type at the token endpoint, for a
// client already authenticated and allowed to use the grant, and says what to
// issue. It may be called concurrently.
type grantHandler func(s *Server, c *Client, form url.Values) (grant, *oauthError)

// grantHandlers maps each supported grant_type to its handler; it is never
// modified. To support another grant, such as the JWT bearer grant
// (RFC 7523) or token exchange (RFC 8693), write a method with the
// grantHandler signature and list it here: handleToken already takes care of
// client authentication, the client's allowed grant types, token issuance and
// the response format. Add the grant to the metadata as well.
var grantHandlers = map[string]grantHandler{
	grantAuthorizationCode: (*Server).authorizationCodeGrant,
	grantPassword:          (*Server).passwordGrant,
	grantClientCredentials: (*Server).clientCredentialsGrant,
	grantRefreshToken:      (*Server).refreshTokenGrant,
	grantDeviceCode:        (*Server).deviceCodeGrant,
}

// handleToken serves the token endpoint (RFC 6749 §3.2).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	access, refresh, e := s.token(r)
	if e != nil {
		s.writeTokenError(w, e)
		return
	}
	s.writeTokenResponse(w, http.StatusOK, s.tokenBody(access, refresh))
}

func (s *Server) token(r *http.Request) (access, refresh *token, e *oauthError) {
	form, e := parseForm(r)
	if e != nil {
		return nil, nil, e
	}
	c, e := s.authenticateClient(r, form)
	if e != nil {
		return nil, nil, e
	}
	if c.AuthMethod == ClientSecretURI {
		// Such clients may send every parameter in the URL query.
		if form, e = withQuery(form, r.URL.Query()); e != nil {
			return nil, nil, e
		}
	}
	gt := form.Get("grant_type")
	h, ok := grantHandlers[gt]
	switch {
	case gt == "":
		return nil, nil, errorf(errInvalidRequest, "grant_type required")
	case !ok:
		return nil, nil, errorf(errUnsupportedGrantType, "unsupported grant_type %q", gt)
	case !c.allowsGrant(gt):
		return nil, nil, errorf(errUnauthorizedClient, "client may not use the %s grant", gt)
	}
	g, e := h(s, c, form)
	if e != nil {
		return nil, nil, e
	}
	access, refresh = s.issue(g)
	return access, refresh, nil
}

// withQuery returns form completed with the query parameters it lacks.
func withQuery(form, query url.Values) (url.Values, *oauthError) {
	if e := checkRepeated(query); e != nil {
		return nil, e
	}
	out := cloneValues(form)
	for k, vs := range query {
		if k != "client_secret" && !out.Has(k) {
			out[k] = vs
		}
	}
	return out, nil
}

// writeTokenResponse answers in the configured TokenResponseFormat.
func (s *Server) writeTokenResponse(w http.ResponseWriter, status int, body map[string]any) {
	if s.TokenResponseFormat == FormatForm {
		writeValues(w, status, body)
		return
	}
	writeJSON(w, status, body)
}

// writeTokenError answers with an RFC 6749 §5.2 error in the configured
// TokenResponseFormat.
func (s *Server) writeTokenError(w http.ResponseWriter, e *oauthError) {
	if s.TokenResponseFormat != FormatForm {
		writeError(w, e)
		return
	}
	if e.authenticate != "" {
		w.Header().Set("WWW-Authenticate", e.authenticate)
	}
	body := map[string]any{"error": e.code}
	if e.description != "" {
		body["error_description"] = e.description
	}
	writeValues(w, e.httpStatus(), body)
}
