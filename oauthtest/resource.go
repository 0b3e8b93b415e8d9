package oauthtest

import "net/http"

// handleResource serves a protected resource (RFC 6750) that echoes what it
// received, so tests can check what a client sent: the token's subject,
// scope and client, the request method, its query parameters and, for a
// form-encoded body, its form parameters. It accepts any method.
func (s *Server) handleResource(w http.ResponseWriter, r *http.Request) {
	t, ok := s.bearer(w, r)
	if !ok {
		return
	}
	body := map[string]any{
		"sub":       t.subject(),
		"scope":     t.scope,
		"client_id": t.clientID,
		"method":    r.Method,
		"query":     r.URL.Query(),
	}
	if isForm(r) && r.ParseForm() == nil && len(r.PostForm) > 0 {
		body["form"] = r.PostForm
	}
	writeJSON(w, http.StatusOK, body)
}
