package oauthtest

import (
	"crypto/rand"
	"time"
)

// token is an issued access or refresh token. Tokens are opaque random
// strings; everything about them lives here.
type token struct {
	value     string
	refresh   bool // a refresh token rather than an access token
	clientID  string
	user      *User  // nil for client_credentials tokens
	sub       string // the subject when user is nil; empty: the client
	scope     string
	authTime  time.Time // when the user authenticated; zero: unknown
	grantID   string    // the authorization grant the token descends from
	jti       string
	issuedAt  time.Time
	expiresAt time.Time // zero: never
	revoked   bool
	rotated   bool // a refresh token replaced by rotation
	// binding is the key or certificate the token is bound to, if any.
	binding
	audience []string // RFC 8693 audience and resource values; nil: the client
	actor    string   // the acting party of a delegation (RFC 8693 §4.1)
}

// binding ties a token to a key the client proves it holds.
type binding struct {
	jkt string // the DPoP key's JWK thumbprint (RFC 9449 §6)
	x5t string // the client certificate's SHA-256 thumbprint (RFC 8705 §3)
}

func (t *token) active(now time.Time) bool {
	return !t.revoked && (t.expiresAt.IsZero() || now.Before(t.expiresAt))
}

// subject is the token's "sub": the user's, the one an assertion named, or
// the client's for tokens issued to the client itself.
func (t *token) subject() string {
	switch {
	case t.user != nil:
		return t.user.Subject
	case t.sub != "":
		return t.sub
	}
	return t.clientID
}

// grant is what a grant handler decided to issue.
type grant struct {
	client *Client
	user   *User  // nil when the client acts on its own behalf
	scope  string // scope of the access token
	// refreshScope is the scope of a new refresh token; empty means scope.
	// A narrowed refresh keeps the original scope (RFC 6749 §6).
	refreshScope string
	grantID      string // links every token of one authorization grant
	refresh      bool   // issue a refresh token

	subject  string    // the subject when user is nil; empty: the client
	authTime time.Time // when the user authenticated, for ID tokens
	idToken  bool      // issue an ID token when the scope holds openid
	nonce    string    // the nonce of the authentication request
	// issuedTokenType is sent as issued_token_type (RFC 8693 §2.2.1).
	issuedTokenType string
	audience        []string // RFC 8693 audience and resource values
	actor           string   // RFC 8693 act.sub

	binding // of the access token, set by the token endpoint
	// refreshBinding binds the refresh token too (a public client's, RFC
	// 9449 §5).
	refreshBinding binding
}

// issue creates and stores the tokens of g. refresh is nil when no refresh
// token is issued.
func (s *Server) issue(g grant) (access, refresh *token) {
	now := s.now()
	if g.grantID == "" {
		g.grantID = rand.Text()
	}
	access = &token{
		value: rand.Text(), clientID: g.client.ID, user: g.user, sub: g.subject, scope: g.scope,
		grantID: g.grantID, jti: rand.Text(), issuedAt: now, authTime: g.authTime,
		binding: g.binding, audience: g.audience, actor: g.actor,
	}
	if ttl := durationOr(s.AccessTokenTTL, defaultAccessTokenTTL); ttl > 0 {
		access.expiresAt = now.Add(ttl)
	}
	if g.refresh && !s.NoRefreshTokens && g.client.allowsGrant(grantRefreshToken) {
		refresh = &token{
			value: rand.Text(), refresh: true, clientID: g.client.ID, user: g.user, sub: g.subject,
			scope: g.refreshScope, grantID: g.grantID, jti: rand.Text(), issuedAt: now, authTime: g.authTime,
			binding: g.refreshBinding,
		}
		if refresh.scope == "" {
			refresh.scope = g.scope
		}
		if s.RefreshTokenTTL > 0 {
			refresh.expiresAt = now.Add(s.RefreshTokenTTL)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[access.value] = access
	if refresh != nil {
		s.tokens[refresh.value] = refresh
	}
	return access, refresh
}

// lookup returns a copy of the token with the given value.
func (s *Server) lookup(value string) (token, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[value]
	if !ok {
		return token{}, false
	}
	return *t, true
}

// activeToken returns a copy of the token if it exists and is active.
func (s *Server) activeToken(value string) (token, bool) {
	t, ok := s.lookup(value)
	if !ok || !t.active(s.now()) {
		return token{}, false
	}
	return t, true
}

// revokeToken revokes one token.
func (s *Server) revokeToken(value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[value]; ok {
		t.revoked = true
	}
}

// revokeGrant revokes every token issued under an authorization grant.
func (s *Server) revokeGrant(grantID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokeGrantLocked(grantID)
}

func (s *Server) revokeGrantLocked(grantID string) {
	for _, t := range s.tokens {
		if t.grantID == grantID {
			t.revoked = true
		}
	}
}

// RevokeAll revokes every access and refresh token issued so far, as if the
// resource owner had withdrawn all consent.
func (s *Server) RevokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.revoked = true
	}
}

// tokenBody is the successful token response of RFC 6749 §5.1.
func (s *Server) tokenBody(access, refresh *token) map[string]any {
	body := map[string]any{
		"access_token": access.value,
		"token_type":   access.tokenType(),
	}
	if !access.expiresAt.IsZero() {
		body[s.expiresField()] = int64(access.expiresAt.Sub(access.issuedAt) / time.Second)
	}
	if refresh != nil {
		body["refresh_token"] = refresh.value
	}
	if access.scope != "" {
		body["scope"] = access.scope
	}
	return body
}

// tokenType is the token_type of an access token: DPoP when it is bound to
// a DPoP key (RFC 9449 §5), else Bearer.
func (t *token) tokenType() string {
	if t.jkt != "" {
		return "DPoP"
	}
	return "Bearer"
}

// confirmation is the cnf claim of a bound token (RFC 7800 §3.1), or nil.
func (b binding) confirmation() map[string]any {
	switch {
	case b.jkt != "":
		return map[string]any{"jkt": b.jkt}
	case b.x5t != "":
		return map[string]any{"x5t#S256": b.x5t}
	}
	return nil
}
