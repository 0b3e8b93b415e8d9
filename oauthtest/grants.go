package oauthtest

import (
	"crypto/subtle"
	"net/url"
	"strings"
)

// authorizationCodeGrant redeems an authorization code (RFC 6749 §4.1.3).
func (s *Server) authorizationCodeGrant(c *Client, form url.Values) (grant, *oauthError) {
	code := form.Get("code")
	if code == "" {
		return grant{}, errorf(errInvalidRequest, "code required")
	}
	ac, e := s.takeCode(code, c.ID)
	if e != nil {
		return grant{}, e
	}
	if !s.now().Before(ac.expiresAt) {
		return grant{}, errorf(errInvalidGrant, "code expired")
	}
	uri := form.Get("redirect_uri")
	if (ac.redirectGiven || uri != "") && uri != ac.redirectURI {
		return grant{}, errorf(errInvalidGrant, "redirect_uri does not match the authorization request")
	}
	if e := verifyPKCE(ac.challenge, ac.method, form.Get("code_verifier")); e != nil {
		return grant{}, e
	}
	return grant{
		client: c, user: &ac.user, scope: ac.scope, grantID: ac.grantID, refresh: true,
		idToken: true, nonce: ac.nonce, authTime: ac.authTime,
	}, nil
}

// takeCode marks a code as used and returns a copy. A code is single use:
// presenting it again revokes every token issued from it (RFC 6749 §4.1.2).
// Any attempt by the right client uses the code up, even a failed one.
func (s *Server) takeCode(code, clientID string) (authCode, *oauthError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, ok := s.codes[code]
	switch {
	case !ok:
		return authCode{}, errorf(errInvalidGrant, "unknown code")
	case ac.clientID != clientID:
		return authCode{}, errorf(errInvalidGrant, "code was issued to another client")
	case ac.used:
		s.revokeGrantLocked(ac.grantID)
		return authCode{}, errorf(errInvalidGrant, "code already used")
	}
	ac.used = true
	return *ac, nil
}

// passwordGrant checks the resource owner's credentials (RFC 6749 §4.3.2).
func (s *Server) passwordGrant(c *Client, form url.Values) (grant, *oauthError) {
	username, password := form.Get("username"), form.Get("password")
	if username == "" || !form.Has("password") {
		return grant{}, errorf(errInvalidRequest, "username and password required")
	}
	u, ok := s.checkCredentials(username, password)
	if !ok {
		return grant{}, errorf(errInvalidGrant, "wrong username or password")
	}
	scope, e := grantedScope(c, form.Get("scope"))
	if e != nil {
		return grant{}, e
	}
	return grant{client: c, user: &u, scope: scope, refresh: true, idToken: true, authTime: s.now()}, nil
}

// checkCredentials compares a username and password with the user's in
// constant time.
func (s *Server) checkCredentials(username, password string) (User, bool) {
	u := s.user()
	okUser := subtle.ConstantTimeCompare([]byte(username), []byte(u.Username))
	okPassword := subtle.ConstantTimeCompare([]byte(password), []byte(u.Password))
	return u, okUser&okPassword == 1
}

// clientCredentialsGrant issues a token to the client itself (RFC 6749
// §4.4). Only confidential clients may use it, and no refresh token is
// issued (§4.4.3).
func (s *Server) clientCredentialsGrant(c *Client, form url.Values) (grant, *oauthError) {
	if c.public() {
		return grant{}, errorf(errUnauthorizedClient, "public clients may not use client_credentials")
	}
	scope, e := grantedScope(c, form.Get("scope"))
	if e != nil {
		return grant{}, e
	}
	return grant{client: c, scope: scope}, nil
}

// refreshTokenGrant refreshes an access token (RFC 6749 §6). The scope may
// be narrowed but not widened; the refresh token keeps the original scope.
func (s *Server) refreshTokenGrant(c *Client, form url.Values) (grant, *oauthError) {
	value := form.Get("refresh_token")
	if value == "" {
		return grant{}, errorf(errInvalidRequest, "refresh_token required")
	}
	scope := strings.Join(strings.Fields(form.Get("scope")), " ")
	t, e := s.useRefreshToken(value, c.ID, scope)
	if e != nil {
		return grant{}, e
	}
	if scope == "" {
		scope = t.scope
	}
	return grant{
		client: c, user: t.user, scope: scope, refreshScope: t.scope,
		grantID: t.grantID, refresh: s.RotateRefreshTokens,
		subject: t.sub, idToken: true, authTime: t.authTime,
	}, nil
}

// useRefreshToken checks a refresh token and, when rotating, revokes it in
// the same critical section, so that it works only once.
func (s *Server) useRefreshToken(value, clientID, scope string) (token, *oauthError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[value]
	switch {
	case !ok || !t.refresh:
		return token{}, errorf(errInvalidGrant, "unknown refresh token")
	case t.rotated && s.DetectRefreshTokenReuse:
		s.revokeGrantLocked(t.grantID)
		return token{}, errorf(errInvalidGrant, "refresh token reused after rotation; grant revoked")
	case t.clientID != clientID:
		return token{}, errorf(errInvalidGrant, "refresh token was issued to another client")
	case !t.active(s.now()):
		return token{}, errorf(errInvalidGrant, "refresh token expired or revoked")
	case !subScope(scope, t.scope):
		return token{}, errorf(errInvalidScope, "scope %q exceeds the original grant", scope)
	}
	if s.RotateRefreshTokens {
		t.revoked, t.rotated = true, true
	}
	return *t, nil
}
