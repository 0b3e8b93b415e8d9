package oauthtest

import (
	"fmt"
	"html"
	"net/http"
)

// handleVerification serves the device verification page named by
// verification_uri (RFC 8628 §3.3): a form where the user enters a user code
// and approves or denies it. Tests usually call [Server.ApproveDevice]
// instead; the page is for demos run by a person.
func (s *Server) handleVerification(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		writePage(w, http.StatusOK, fmt.Sprintf(`<form method="post">
<label>Code <input name="user_code" value="%s"></label>
<button name="action" value="approve">Approve</button>
<button name="action" value="deny">Deny</button>
</form>`, html.EscapeString(r.URL.Query().Get("user_code"))))
	case http.MethodPost:
		form, e := parseForm(r)
		if e != nil {
			writeError(w, e)
			return
		}
		code := form.Get("user_code")
		decide, verb := s.ApproveDevice, "approved"
		if form.Get("action") == "deny" {
			decide, verb = s.DenyDevice, "denied"
		}
		if err := decide(code); err != nil {
			writePage(w, http.StatusBadRequest, html.EscapeString(err.Error()))
			return
		}
		writePage(w, http.StatusOK, "Device "+verb+". You may close this page.")
	default:
		w.Header().Set("Allow", "GET, POST")
		writePage(w, http.StatusMethodNotAllowed, "Method not allowed.")
	}
}

func writePage(w http.ResponseWriter, status int, body string) {
	noStore(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<!DOCTYPE html>\n<title>oauthtest device</title>\n<p>%s</p>\n", body)
}
