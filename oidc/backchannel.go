package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
)

// maxLogoutRequest bounds the body of a back-channel logout request.
const maxLogoutRequest = 64 << 10

// NewBackChannelLogoutHandler returns the [http.Handler] of a client's
// backchannel_logout_uri (OpenID Connect Back-Channel Logout 1.0 section
// 2.5): it reads the logout_token of the provider's form POST, verifies it
// with v (see [LogoutTokenVerifier.Verify]: signature, iss, aud, iat, jti
// replay, the event, sub or sid, no nonce) and calls logout with it, so
// that the application ends the sessions of (t.Issuer, t.Subject) or
// (t.Issuer, t.SessionID). It answers 200 when logout returns nil, and
// 400 with a JSON error body when the request or the token is invalid or
// logout fails (section 2.8); every answer carries Cache-Control:
// no-store. logout runs with the request's context.
//
// It panics if v or logout is nil.
func NewBackChannelLogoutHandler(v *LogoutTokenVerifier, logout func(ctx context.Context, t *LogoutToken) error) http.Handler {
	if v == nil || logout == nil {
		panic("oidc: NewBackChannelLogoutHandler needs a verifier and a logout function")
	}
	return &backChannelLogout{v: v, logout: logout}
}

type backChannelLogout struct {
	v      *LogoutTokenVerifier
	logout func(ctx context.Context, t *LogoutToken) error
}

func (h *backChannelLogout) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		logoutError(w, http.StatusMethodNotAllowed, "method must be POST")
		return
	}
	raw, msg := logoutTokenParam(w, r)
	if msg != "" {
		logoutError(w, http.StatusBadRequest, msg)
		return
	}
	t, err := h.v.Verify(r.Context(), raw)
	if err != nil {
		logoutError(w, http.StatusBadRequest, trimPrefix(err.Error()))
		return
	}
	if err := h.logout(r.Context(), t); err != nil {
		logoutError(w, http.StatusBadRequest, "logout failed")
		return
	}
	w.WriteHeader(http.StatusOK)
}

// logoutTokenParam reads the one logout_token of a form body, or says
// what is wrong.
func logoutTokenParam(w http.ResponseWriter, r *http.Request) (string, string) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return "", "content type must be application/x-www-form-urlencoded"
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLogoutRequest)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return "", "request body too large"
		}
		return "", "malformed form body"
	}
	switch tok := r.PostForm["logout_token"]; {
	case len(tok) == 0 || strings.TrimSpace(tok[0]) == "":
		return "", "logout_token required"
	case len(tok) > 1:
		return "", "logout_token repeated"
	default:
		return tok[0], ""
	}
}

// logoutError answers with an RFC 6749 style error body.
func logoutError(w http.ResponseWriter, status int, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request", "error_description": description})
}
