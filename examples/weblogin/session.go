package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/web"
)

// session is what the app keeps about a logged-in user, in a cookie
// sealed with web.Sealer: who the user is and their token. Apps with
// bigger tokens or more to keep store this on the server and put only a
// session ID in the cookie.
type session struct {
	Provider string          `json:"provider"`
	Subject  string          `json:"sub"`
	Name     string          `json:"name"`
	Claims   map[string]any  `json:"claims"` // the ID token's claims, or userinfo's
	Token    *oauthkit.Token `json:"token"`
	Since    time.Time       `json:"since"`
}

// sessions reads and writes the session cookie.
type sessions struct {
	sealer *web.Sealer
	name   string // the cookie name, __Host- prefixed under https
	secure bool
	ttl    time.Duration
}

func newSessions(key []byte, baseURL string) (*sessions, error) {
	s, err := web.NewSealer("weblogin session", key)
	if err != nil {
		return nil, err
	}
	secure := strings.HasPrefix(baseURL, "https://")
	name := "weblogin-session"
	if secure {
		name = "__Host-" + name
	}
	return &sessions{sealer: s, name: name, secure: secure, ttl: 8 * time.Hour}, nil
}

// load returns the request's session, or nil when there is none (or it
// does not open, or has lasted too long).
func (s *sessions) load(r *http.Request, now time.Time) *session {
	c, err := r.Cookie(s.name)
	if err != nil {
		return nil
	}
	b, err := s.sealer.Open(s.name, c.Value)
	if err != nil {
		return nil
	}
	var sess session
	if err := json.Unmarshal(b, &sess); err != nil || sess.Token == nil || now.Sub(sess.Since) > s.ttl {
		return nil
	}
	return &sess
}

// save sets the session cookie to sess.
func (s *sessions) save(w http.ResponseWriter, sess *session) error {
	b, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(s.sealer.Seal(s.name, b), int(s.ttl/time.Second)))
	return nil
}

// clear deletes the session cookie.
func (s *sessions) clear(w http.ResponseWriter) { http.SetCookie(w, s.cookie("", -1)) }

func (s *sessions) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: s.name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}
