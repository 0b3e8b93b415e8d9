package oauthtest

import "net/http"

// handleUserInfo serves the claims of the resource owner an access token was
// issued for (OpenID Connect Core 1.0 §5.3), as JSON or, with
// UserInfoSigned, as a signed JWT (§5.3.2). Tokens issued to a client on its
// own behalf have no resource owner and are refused with insufficient_scope
// (RFC 6750 §3.1).
func (s *Server) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeError(w, &oauthError{status: http.StatusMethodNotAllowed,
			code: errInvalidRequest, description: "method must be GET or POST"})
		return
	}
	t, ok := s.bearer(w, r)
	if !ok {
		return
	}
	if t.user == nil {
		writeBearerError(w, &oauthError{status: http.StatusForbidden,
			code: "insufficient_scope", description: "token has no resource owner"})
		return
	}
	claims := userClaims(t.user)
	if !s.UserInfoSigned {
		writeJSON(w, http.StatusOK, claims)
		return
	}
	claims["iss"] = s.issuer()
	claims["aud"] = t.clientID
	key, alg := s.signingKey()
	jwt := mustSign(key, alg, nil, claims)
	noStore(w)
	w.Header().Set("Content-Type", "application/jwt")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(jwt))
}

func userClaims(u *User) map[string]any {
	claims := make(map[string]any, len(u.Claims)+5)
	for k, v := range u.Claims {
		claims[k] = v
	}
	claims["sub"] = u.Subject
	claims["name"] = u.Name
	claims["email"] = u.Email
	claims["email_verified"] = u.EmailVerified
	claims["preferred_username"] = u.Username
	return claims
}
