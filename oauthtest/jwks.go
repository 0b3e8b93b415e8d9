package oauthtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// handleJWKS serves the public signing keys as a JSON Web Key Set
// (RFC 7517 §5), cacheable for JWKSMaxAge.
func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, &oauthError{status: http.StatusMethodNotAllowed,
			code: errInvalidRequest, description: "method must be GET"})
		return
	}
	b, err := json.Marshal(s.PublicKeys())
	if err != nil {
		panic("oauthtest: " + err.Error())
	}
	if maxAge := durationOr(s.JWKSMaxAge, defaultJWKSMaxAge); maxAge > 0 {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int64(maxAge/time.Second)))
	} else {
		noStore(w)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
