package oauthtest

import "net/http"

// handleRevoke serves the revocation endpoint (RFC 7009 §2). Revoking a
// refresh token also revokes the access tokens of the same grant (§2.1).
// token_type_hint is only a hint: an unknown value is ignored (§2.1), and an
// unknown token is answered with 200 (§2.2).
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if e := s.revoke(r); e != nil {
		writeError(w, e)
		return
	}
	noStore(w)
	w.WriteHeader(http.StatusOK)
}

func (s *Server) revoke(r *http.Request) *oauthError {
	form, e := parseForm(r)
	if e != nil {
		return e
	}
	c, e := s.authenticateClient(r, form)
	if e != nil {
		return e
	}
	value := form.Get("token")
	if value == "" {
		return errorf(errInvalidRequest, "token required")
	}
	t, ok := s.lookup(value)
	switch {
	case !ok:
		return nil
	case t.clientID != c.ID:
		// RFC 7009 §2.1: the token must have been issued to the client.
		return errorf(errInvalidGrant, "token was issued to another client")
	case t.refresh:
		s.revokeGrant(t.grantID)
	default:
		s.revokeToken(value)
	}
	return nil
}
