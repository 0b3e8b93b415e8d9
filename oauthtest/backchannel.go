package oauthtest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// backChannelLogoutEvent is the event of logout tokens (OpenID Connect
// Back-Channel Logout 1.0 §2.4).
const backChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

// logoutTokenTTL is the lifetime of the logout tokens the server issues.
const logoutTokenTTL = 2 * time.Minute

// session is a login session at the server, named by sid in ID tokens
// and logout tokens. Each authorization grant of a client registered for
// logout is one.
type session struct {
	clientID string
	subject  string
}

// sessionID returns the sid of the grant grantID of c and remembers the
// session, or "" when c is not registered for back- or front-channel
// logout (its ID tokens then carry no sid).
func (s *Server) sessionID(c *Client, subject, grantID string) string {
	if c.BackChannelLogoutURI == "" && c.FrontChannelLogoutURI == "" {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[grantID] = session{clientID: c.ID, subject: subject}
	return grantID
}

// BackChannelLogoutRequest says which sessions [Server.BackChannelLogout]
// ends.
type BackChannelLogoutRequest struct {
	// SessionID is the sid of the session to end, as in its ID tokens.
	// Empty: every session of Subject.
	SessionID string
	// Subject is the user whose sessions end when SessionID is empty.
	// Empty: the server's User.
	Subject string
}

// LogoutDelivery is one logout token post of [Server.BackChannelLogout].
type LogoutDelivery struct {
	// ClientID is the client the token was for.
	ClientID string
	// URI is the client's back-channel logout URI.
	URI string
	// Token is the logout token posted.
	Token string
	// StatusCode is the HTTP status of the client's answer; zero when it
	// did not answer.
	StatusCode int
	// CacheControl is the Cache-Control header of the answer.
	CacheControl string
	// Err is the error of the post, if it failed to get an answer.
	Err error
}

// BackChannelLogout ends sessions as a provider does when the user logs
// out, and posts a logout token (OpenID Connect Back-Channel Logout 1.0
// §2.5) to the [Client.BackChannelLogoutURI] of each client with one of
// those sessions: iss, aud (the client), iat, exp, jti, the back-channel
// logout event, sub and sid, signed like ID tokens and broken as a
// pending [JWTFault] of kind LogoutTokenJWT says. The tokens of the ended
// sessions are revoked. The end_session_endpoint calls it for the session
// of its id_token_hint.
//
// Posts use [Server.LogoutClient], follow no redirect and use ctx. It
// returns one delivery per post, in no particular order.
func (s *Server) BackChannelLogout(ctx context.Context, req BackChannelLogoutRequest) []LogoutDelivery {
	s.init()
	subject := req.Subject
	if subject == "" {
		subject = s.user().Subject
	}
	type target struct {
		sid string
		session
	}
	var targets []target
	s.mu.Lock()
	for sid, sess := range s.sessions {
		if sid == req.SessionID || (req.SessionID == "" && sess.subject == subject) {
			targets = append(targets, target{sid, sess})
			delete(s.sessions, sid)
			s.revokeGrantLocked(sid)
		}
	}
	s.mu.Unlock()
	var out []LogoutDelivery
	for _, t := range targets {
		c, ok := s.client(t.clientID)
		if !ok || c.BackChannelLogoutURI == "" {
			continue
		}
		tok, f := s.logoutToken(c, t.subject, t.sid)
		out = append(out, s.postLogoutToken(ctx, c, tok))
		if f.Replay {
			out = append(out, s.postLogoutToken(ctx, c, tok))
		}
	}
	return out
}

// logoutToken signs the logout token of a session.
func (s *Server) logoutToken(c *Client, subject, sid string) (string, JWTFault) {
	now := s.now()
	claims := map[string]any{
		"iss": s.issuer(), "aud": c.ID, "iat": now.Unix(), "exp": now.Add(logoutTokenTTL).Unix(),
		"jti": rand.Text(), "sub": subject, "sid": sid,
		"events": map[string]any{backChannelLogoutEvent: map[string]any{}},
	}
	return s.signJWT(LogoutTokenJWT, map[string]any{"typ": "logout+jwt"}, claims)
}

// postLogoutToken sends tok to c's back-channel logout URI.
func (s *Server) postLogoutToken(ctx context.Context, c *Client, tok string) LogoutDelivery {
	d := LogoutDelivery{ClientID: c.ID, URI: c.BackChannelLogoutURI, Token: tok}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URI, strings.NewReader(url.Values{"logout_token": {tok}}.Encode()))
	if err != nil {
		d.Err = err
		return d
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := s.LogoutClient
	if hc == nil {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		hc = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	}
	noRedirect := *hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		d.Err = err
		return d
	}
	resp.Body.Close()
	d.StatusCode, d.CacheControl = resp.StatusCode, resp.Header.Get("Cache-Control")
	return d
}

// FrontChannelLogoutURL returns the URL a provider loads in an iframe to
// log the user out of the client clientID (OpenID Connect Front-Channel
// Logout 1.0 §2): its [Client.FrontChannelLogoutURI] with iss and sid. It
// returns "" for an unknown client or one without the URI.
func (s *Server) FrontChannelLogoutURL(clientID, sid string) string {
	c, ok := s.client(clientID)
	if !ok || c.FrontChannelLogoutURI == "" {
		return ""
	}
	return addQuery(c.FrontChannelLogoutURI, url.Values{"iss": {s.issuer()}, "sid": {sid}})
}

// endHintSession ends the session named by the sid of an ID token hint,
// with back-channel logout. The hint was verified by checkLogout.
func (s *Server) endHintSession(ctx context.Context, hint string) {
	if hint == "" {
		return
	}
	_, payload, err := jose.UnsafeDecode(hint)
	if err != nil {
		return
	}
	var c struct {
		Sid string `json:"sid"`
	}
	if json.Unmarshal(payload, &c) != nil || c.Sid == "" {
		return
	}
	s.BackChannelLogout(ctx, BackChannelLogoutRequest{SessionID: c.Sid})
}
