package oauthtest

import (
	"fmt"
	"net/http"
	"strings"
)

// Authorization schemes of protected resources (RFC 6750 §2.1, RFC 9449
// §7.1).
const (
	schemeBearer = "Bearer"
	schemeDPoP   = "DPoP"
)

// bearer authenticates a request to a protected resource and returns a copy
// of its access token: a bearer token (RFC 6750), a DPoP-bound token with
// its proof (RFC 9449 §7), and, for a certificate-bound token, the client
// certificate of the connection (RFC 8705 §3). On failure it answers the
// request itself, with the error and challenge of RFC 6750 §3 or RFC 9449
// §7.1.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request) (token, bool) {
	s.sendDPoPNonce(w)
	value, scheme, e := accessToken(r)
	if e == nil && value == "" {
		// RFC 6750 §3.1: no error code when no token was sent.
		e = &oauthError{status: http.StatusUnauthorized}
	}
	var t token
	if e == nil {
		t, e = s.resourceToken(r, value, scheme)
	}
	if e != nil {
		if scheme == schemeDPoP || t.jkt != "" || s.RequireDPoP {
			scheme = schemeDPoP
		}
		s.writeChallenge(w, e, scheme)
		return token{}, false
	}
	return t, true
}

// resourceToken finds the active access token value names and checks that
// it is sent the way its binding requires.
func (s *Server) resourceToken(r *http.Request, value, scheme string) (token, *oauthError) {
	t, ok := s.activeToken(value)
	if !ok || t.refresh {
		return token{}, &oauthError{status: http.StatusUnauthorized, code: errInvalidToken,
			description: "access token unknown, expired or revoked"}
	}
	invalid := func(description string) (token, *oauthError) {
		return t, &oauthError{status: http.StatusUnauthorized, code: errInvalidToken, description: description}
	}
	if scheme == schemeDPoP {
		jkt, e := s.dpopProof(r, value)
		switch {
		case e != nil:
			e.status = http.StatusUnauthorized
			return t, e
		case jkt == "":
			return t, &oauthError{status: http.StatusUnauthorized, code: errInvalidDPoPProof, description: "DPoP proof required"}
		case t.jkt == "":
			return invalid("token is not DPoP-bound")
		case t.jkt != jkt:
			return invalid("proof key is not the key the token is bound to")
		}
	} else {
		switch {
		case t.jkt != "":
			return invalid("DPoP-bound token sent as a bearer token")
		case s.RequireDPoP:
			return invalid("resource requires DPoP-bound tokens")
		}
	}
	if t.x5t != "" && certThumbprint(r) != t.x5t {
		return invalid("certificate-bound token sent without its certificate")
	}
	return t, nil
}

// accessToken finds the access token in the Authorization header, with the
// Bearer or DPoP scheme (RFC 6750 §2.1, RFC 9449 §7.1), a form-encoded
// body (§2.2) or the query (§2.3), and returns it with its scheme (Bearer
// for body and query). Using more than one method is an invalid_request
// (§3.1). An Authorization header of another scheme counts as no token.
func accessToken(r *http.Request) (value, scheme string, e *oauthError) {
	type found struct{ value, scheme string }
	var all []found
	if sch, v, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
		switch {
		case strings.EqualFold(sch, schemeBearer):
			all = append(all, found{strings.TrimSpace(v), schemeBearer})
		case strings.EqualFold(sch, schemeDPoP):
			all = append(all, found{strings.TrimSpace(v), schemeDPoP})
		}
	}
	if r.Method != http.MethodGet && isForm(r) {
		if err := r.ParseForm(); err != nil {
			return "", "", errorf(errInvalidRequest, "malformed body")
		}
		if r.PostForm.Has("access_token") {
			all = append(all, found{r.PostForm.Get("access_token"), schemeBearer})
		}
	}
	if q := r.URL.Query(); q.Has("access_token") {
		all = append(all, found{q.Get("access_token"), schemeBearer})
	}
	switch len(all) {
	case 0:
		return "", "", nil
	case 1:
		return all[0].value, all[0].scheme, nil
	}
	return "", "", errorf(errInvalidRequest, "access token sent in more than one way")
}

// writeBearerError answers with a WWW-Authenticate Bearer challenge
// (RFC 6750 §3) and the error as JSON.
func writeBearerError(w http.ResponseWriter, e *oauthError) {
	writeChallengeScheme(w, e, `Bearer realm="oauthtest"`)
}

// writeChallenge answers with a challenge of the scheme: Bearer, or DPoP
// with the accepted algorithms (RFC 9449 §7.1).
func (s *Server) writeChallenge(w http.ResponseWriter, e *oauthError, scheme string) {
	if scheme != schemeDPoP {
		writeBearerError(w, e)
		return
	}
	writeChallengeScheme(w, e, fmt.Sprintf(`DPoP algs=%q`, strings.Join(s.dpopAlgorithms(), " ")))
}

func writeChallengeScheme(w http.ResponseWriter, e *oauthError, challenge string) {
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
