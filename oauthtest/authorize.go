package oauthtest

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Response modes of the authorization endpoint (OAuth 2.0 Multiple
// Response Type Encoding Practices §2.1).
const (
	responseQuery    = "query"
	responseFragment = "fragment"
	responseFormPost = "form_post" // OAuth 2.0 Form Post Response Mode
)

// authCode is an issued authorization code (RFC 6749 §4.1.2).
type authCode struct {
	clientID      string
	redirectURI   string
	redirectGiven bool // the request named redirect_uri explicitly
	scope         string
	nonce         string
	challenge     string
	method        string
	user          User
	authTime      time.Time // when the user approved
	expiresAt     time.Time
	used          bool
	grantID       string // the grant that tokens from this code belong to
	dpopJKT       string // the dpop_jkt of the request (RFC 9449 §10)
}

// authorizeReply is where and how an authorization response is sent.
type authorizeReply struct {
	redirectURI string
	mode        string
	state       string
	rt          responseType
	clientID    string
	jwt         bool // a JWT-secured response (JARM)
}

// handleAuthorize serves the authorization endpoint (RFC 6749 §3.1). Errors
// about the client or its redirect URI are shown to the user agent; all
// others are sent back to the client by redirect (RFC 6749 §4.1.2.1).
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	params, e := authorizeParams(r)
	if e != nil {
		writeError(w, e)
		return
	}
	if params, e = s.frontRequest(r, params); e != nil {
		writeError(w, e)
		return
	}
	c, redirectURI, e := s.authorizeClient(params)
	if e != nil {
		writeError(w, e)
		return
	}
	req := newAuthorizationRequest(c, redirectURI, params)
	reply := authorizeReply{redirectURI: redirectURI, mode: defaultMode(req.ResponseType), state: req.State, clientID: c.ID}
	if e := s.validateAuthorization(c, &req, &reply); e != nil {
		s.redirect(w, r, reply, errorParams(e.code, e.description))
		return
	}
	s.approve(w, r, c, req, reply)
}

// newAuthorizationRequest collects the parameters of a request by c.
func newAuthorizationRequest(c *Client, redirectURI string, params url.Values) AuthorizationRequest {
	return AuthorizationRequest{
		ClientID:            c.ID,
		RedirectURI:         redirectURI,
		ResponseType:        params.Get("response_type"),
		Scope:               params.Get("scope"),
		State:               params.Get("state"),
		Nonce:               params.Get("nonce"),
		CodeChallenge:       params.Get("code_challenge"),
		CodeChallengeMethod: params.Get("code_challenge_method"),
		ResponseMode:        params.Get("response_mode"),
		Params:              params,
	}
}

func authorizeParams(r *http.Request) (url.Values, *oauthError) {
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		return q, checkRepeated(q)
	case http.MethodPost:
		return parseForm(r)
	}
	return nil, &oauthError{status: http.StatusMethodNotAllowed,
		code: errInvalidRequest, description: "method must be GET or POST"}
}

// authorizeClient identifies the client and the redirect URI to use, which
// must exactly match a registered one (RFC 6749 §3.1.2.3).
func (s *Server) authorizeClient(params url.Values) (*Client, string, *oauthError) {
	id := params.Get("client_id")
	if id == "" {
		return nil, "", errorf(errInvalidRequest, "client_id required")
	}
	c, ok := s.client(id)
	if !ok {
		return nil, "", errorf(errInvalidRequest, "unknown client %q", id)
	}
	uri := params.Get("redirect_uri")
	switch {
	case uri != "" && slices.Contains(c.RedirectURIs, uri):
		return c, uri, nil
	case uri != "":
		return nil, "", errorf(errInvalidRequest, "redirect_uri %q not registered", uri)
	case len(c.RedirectURIs) == 1:
		return c, c.RedirectURIs[0], nil
	}
	return nil, "", errorf(errInvalidRequest, "redirect_uri required")
}

// defaultMode is the response mode of a response type: query for "code"
// alone, fragment whenever a token is sent (OAuth 2.0 Multiple Response
// Type Encoding Practices §2.1, §5).
func defaultMode(responseType string) string {
	if rt, ok := parseResponseType(responseType); ok && rt.fragment() {
		return responseFragment
	}
	return responseQuery
}

// validateAuthorization checks the request and fills in the granted scope,
// the PKCE method and the response type and mode.
func (s *Server) validateAuthorization(c *Client, req *AuthorizationRequest, reply *authorizeReply) *oauthError {
	if req.ResponseType == "" {
		return errorf(errInvalidRequest, "response_type required")
	}
	rt, ok := parseResponseType(req.ResponseType)
	if !ok {
		return errorf(errUnsupportedResponseType, "unsupported response_type %q", req.ResponseType)
	}
	reply.rt = rt
	if e := checkResponseMode(rt, req.ResponseMode, reply); e != nil {
		return e
	}
	if rt.code && !c.allowsGrant(grantAuthorizationCode) {
		return errorf(errUnauthorizedClient, "client may not use the %s grant", grantAuthorizationCode)
	}
	if rt.fragment() && !c.allowsGrant(grantImplicit) {
		return errorf(errUnauthorizedClient, "client may not use the %s grant", grantImplicit)
	}
	scope, e := grantedScope(c, req.Scope)
	if e != nil {
		return e
	}
	req.Scope = scope
	if e := checkOpenID(rt, req); e != nil {
		return e
	}
	if rt.code {
		req.CodeChallengeMethod, e = checkChallenge(c, req.CodeChallenge, req.CodeChallengeMethod)
	}
	return e
}

// approve asks for the resource owner's decision, in the login and
// consent pages when LoginPage is set, and sends the response.
func (s *Server) approve(w http.ResponseWriter, r *http.Request, c *Client, req AuthorizationRequest, reply authorizeReply) {
	if s.LoginPage {
		s.startLogin(w, c, req, reply)
		return
	}
	s.decide(w, r, c, req, reply, nil)
}

// decide asks Consent, if set, and sends the response. user, if not nil,
// is the user who signed in on the login page.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, c *Client, req AuthorizationRequest, reply authorizeReply, signedIn *User) {
	dec := AuthorizationDecision{}
	if s.Consent != nil {
		dec = s.Consent(req)
	}
	if dec.Deny {
		code := dec.Error
		if code == "" {
			code = errAccessDenied
		}
		s.redirect(w, r, reply, errorParams(code, dec.ErrorDescription))
		return
	}
	user := s.user()
	if signedIn != nil {
		user = *signedIn
	}
	if dec.User != nil {
		user = *dec.User
	}
	s.redirect(w, r, reply, s.authorizationResponse(c, req, reply.rt, user))
}

// authorizationResponse issues what the response type asks for: a code
// (RFC 6749 §4.1.2), an access token without refresh token (§4.2.2) and an
// ID token (OpenID Connect Core 1.0 §3.2.2.5, §3.3.2.5), whose at_hash and
// c_hash cover the access token and code sent with it.
func (s *Server) authorizationResponse(c *Client, req AuthorizationRequest, rt responseType, user User) url.Values {
	params := url.Values{}
	authTime := s.now()
	grantID := rand.Text()
	var code, access string
	if rt.code {
		code = s.newCode(c, req, user, authTime, grantID)
		params.Set("code", code)
	}
	if rt.token {
		t, _ := s.issue(grant{client: c, user: &user, scope: req.Scope, authTime: authTime, grantID: grantID})
		for k, v := range s.tokenBody(t, nil) {
			params.Set(k, formValue(v))
		}
		access = t.value
	}
	if rt.idToken {
		params.Set("id_token", s.idToken(idTokenInput{
			client: c, user: &user, scope: req.Scope, nonce: req.Nonce,
			authTime: authTime, accessToken: access, code: code, sid: s.sessionID(c, user.Subject, grantID),
		}))
	}
	return params
}

func (s *Server) newCode(c *Client, req AuthorizationRequest, user User, authTime time.Time, grantID string) string {
	code := rand.Text()
	ac := &authCode{
		clientID:      c.ID,
		redirectURI:   req.RedirectURI,
		redirectGiven: req.Params.Has("redirect_uri"),
		scope:         req.Scope,
		nonce:         req.Nonce,
		challenge:     req.CodeChallenge,
		method:        req.CodeChallengeMethod,
		user:          user,
		authTime:      authTime,
		expiresAt:     s.now().Add(durationOr(s.CodeTTL, defaultCodeTTL)),
		grantID:       grantID,
		dpopJKT:       req.Params.Get("dpop_jkt"),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = ac
	return code
}

func errorParams(code, description string) url.Values {
	v := url.Values{"error": {code}}
	if description != "" {
		v.Set("error_description", description)
	}
	return v
}

// redirect sends an authorization response to the client's redirect URI,
// keeping the URI's own query (RFC 6749 §3.1.2), echoing state and adding
// iss (RFC 9207 §2); for response_mode=form_post it answers with a page
// that posts the parameters there instead.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, reply authorizeReply, params url.Values) {
	if reply.state != "" {
		params.Set("state", reply.state)
	}
	if !s.OmitIssuer || reply.jwt {
		params.Set("iss", s.issuer())
	}
	if reply.jwt {
		params = url.Values{"response": {s.responseJWT(reply, params)}}
	}
	if reply.mode == responseFormPost {
		writeFormPost(w, reply.redirectURI, params)
		return
	}
	loc := reply.redirectURI
	if reply.mode == responseFragment {
		loc += "#" + params.Encode()
	} else {
		loc = addQuery(loc, params)
	}
	noStore(w)
	http.Redirect(w, r, loc, http.StatusFound)
}
