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
// modified. To support another grant, write a method with the grantHandler
// signature and list it here: handleToken already takes care of client
// authentication, the client's allowed grant types, token issuance, ID
// tokens and the response format. The metadata lists every grant here.
var grantHandlers = map[string]grantHandler{
	grantAuthorizationCode: (*Server).authorizationCodeGrant,
	grantPassword:          (*Server).passwordGrant,
	grantClientCredentials: (*Server).clientCredentialsGrant,
	grantRefreshToken:      (*Server).refreshTokenGrant,
	grantDeviceCode:        (*Server).deviceCodeGrant,
	grantJWTBearer:         (*Server).jwtBearerGrant,
	grantTokenExchange:     (*Server).tokenExchangeGrant,
}

// handleToken serves the token endpoint (RFC 6749 §3.2).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.sendDPoPNonce(w)
	body, e := s.token(r)
	if e != nil {
		s.writeTokenError(w, e)
		return
	}
	s.writeTokenResponse(w, http.StatusOK, body)
}

func (s *Server) token(r *http.Request) (map[string]any, *oauthError) {
	form, e := parseForm(r)
	if e != nil {
		return nil, e
	}
	c, e := s.tokenClient(r, form)
	if e != nil {
		return nil, e
	}
	if c.AuthMethod == ClientSecretURI {
		// Such clients may send every parameter in the URL query.
		if form, e = withQuery(form, r.URL.Query()); e != nil {
			return nil, e
		}
	}
	gt := form.Get("grant_type")
	h, ok := grantHandlers[gt]
	switch {
	case gt == "":
		return nil, errorf(errInvalidRequest, "grant_type required")
	case !ok:
		return nil, errorf(errUnsupportedGrantType, "unsupported grant_type %q", gt)
	case !c.allowsGrant(gt):
		return nil, errorf(errUnauthorizedClient, "client may not use the %s grant", gt)
	}
	jkt, e := s.tokenBinding(r, c, form)
	if e != nil {
		return nil, e
	}
	g, e := h(s, c, form)
	if e != nil {
		return nil, e
	}
	g.jkt, g.x5t = jkt, certificateBinding(r, c)
	if c.public() {
		g.refreshBinding.jkt = jkt
	}
	return s.grantResponse(g), nil
}

// grantResponse issues the tokens of g and returns the token response.
func (s *Server) grantResponse(g grant) map[string]any {
	access, refresh := s.issue(g)
	body := s.tokenBody(access, refresh)
	if g.issuedTokenType != "" {
		body["issued_token_type"] = g.issuedTokenType
	}
	// OpenID Connect Core 1.0 §3.1.3.3 and §12.2: an ID token with every
	// token response of a user's grant whose scope holds openid.
	if g.idToken && g.user != nil && hasScope(g.scope, scopeOpenID) {
		body["id_token"] = s.idToken(idTokenInput{
			client: g.client, user: g.user, scope: g.scope, nonce: g.nonce,
			authTime: g.authTime, accessToken: access.value, sid: s.sessionID(g.client, g.user.Subject, access.grantID),
		})
	}
	return body
}

// tokenClient authenticates the client of a token request. The JWT-bearer
// grant needs no client authentication (RFC 7523 §2.1, §3.1): a request of
// that grant without any client credentials comes from an anonymous client.
func (s *Server) tokenClient(r *http.Request, form url.Values) (*Client, *oauthError) {
	if form.Get("grant_type") == grantJWTBearer && !hasCredentials(r, form) {
		return &Client{AuthMethod: AuthNone, GrantTypes: []string{grantJWTBearer}}, nil
	}
	return s.authenticateClient(r, form)
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
