package oauthtest

import (
	"fmt"
	"net/http"
	"strings"
)

// bearer authenticates a request to a protected resource and returns a copy
// of its access token. On failure it answers the request itself, with the
// error and challenge of RFC 6750 §3.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request) (token, bool) {
	value, e := bearerToken(r)
	if e == nil && value == "" {
		// RFC 6750 §3.1: no error code when no token was sent.
		e = &oauthError{status: http.StatusUnauthorized}
	}
	if e == nil {
		t, ok := s.activeToken(value)
		if ok && !t.refresh {
			return t, true
		}
		e = &oauthError{status: http.StatusUnauthorized, code: errInvalidToken,
			description: "access token unknown, expired or revoked"}
	}
	writeBearerError(w, e)
	return token{}, false
}

// bearerToken finds the access token in the Authorization header
// (RFC 6750 §2.1), a form-encoded body (§2.2) or the query (§2.3). Using more
// than one method is an invalid_request (§3.1). An Authorization header of
// another scheme counts as no token.
func bearerToken(r *http.Request) (string, *oauthError) {
	var found []string
	if scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		found = append(found, strings.TrimSpace(value))
	}
	if r.Method != http.MethodGet && isForm(r) {
		if err := r.ParseForm(); err != nil {
			return "", errorf(errInvalidRequest, "malformed body")
		}
		if r.PostForm.Has("access_token") {
			found = append(found, r.PostForm.Get("access_token"))
		}
	}
	if q := r.URL.Query(); q.Has("access_token") {
		found = append(found, q.Get("access_token"))
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", errorf(errInvalidRequest, "access token sent in more than one way")
}

// writeBearerError answers with a WWW-Authenticate Bearer challenge
// (RFC 6750 §3) and the error as JSON.
func writeBearerError(w http.ResponseWriter, e *oauthError) {
	challenge := `Bearer realm="oauthtest"`
	if e.code != "" {
		challenge += fmt.Sprintf(`, error=%q`, e.code)
	}
	if e.description != "" {
		challenge += fmt.Sprintf(`, error_description=%q`, e.description)
	}
	w.Header().Set("WWW-Authenticate", challenge)
	body := map[string]any{}
	if e.code != "" {
		body["error"] = e.code
	}
	if e.description != "" {
		body["error_description"] = e.description
	}
	writeJSON(w, e.httpStatus(), body)
}
