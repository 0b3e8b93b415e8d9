package oauthtest

import "net/http"

// handleIntrospect serves the introspection endpoint (RFC 7662 §2). Callers
// authenticate as registered clients. An unknown, expired or revoked token
// is answered with {"active":false} only (§2.2).
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	form, e := parseForm(r)
	if e == nil {
		_, e = s.authenticateClient(r, form)
	}
	if e == nil && form.Get("token") == "" {
		e = errorf(errInvalidRequest, "token required")
	}
	if e != nil {
		writeError(w, e)
		return
	}
	t, ok := s.activeToken(form.Get("token"))
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	writeJSON(w, http.StatusOK, s.introspection(&t))
}

// introspection is the answer for an active token (RFC 7662 §2.2), with
// the confirmation of a bound token (RFC 9449 §6.2, RFC 8705 §3.2).
func (s *Server) introspection(t *token) map[string]any {
	body := map[string]any{
		"active":     true,
		"client_id":  t.clientID,
		"token_type": t.tokenType(),
		"iat":        t.issuedAt.Unix(),
		"nbf":        t.issuedAt.Unix(),
		"sub":        t.subject(),
		"aud":        t.clientID,
		"iss":        s.issuer(),
		"jti":        t.jti,
	}
	if t.refresh {
		body["token_type"] = "refresh_token"
	}
	if t.scope != "" {
		body["scope"] = t.scope
	}
	if t.user != nil {
		body["username"] = t.user.Username
	}
	if len(t.audience) > 0 {
		body["aud"] = t.audience
	}
	if t.actor != "" {
		body["act"] = map[string]any{"sub": t.actor} // RFC 8693 §4.1
	}
	if cnf := t.confirmation(); cnf != nil {
		body["cnf"] = cnf
	}
	if !t.expiresAt.IsZero() {
		body["exp"] = t.expiresAt.Unix()
	}
	return body
}
