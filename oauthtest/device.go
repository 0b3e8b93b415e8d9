package oauthtest

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// deviceState is the resource owner's decision on a device authorization.
type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDenied
)

// deviceAuth is a pending device authorization (RFC 8628 §3.2).
type deviceAuth struct {
	userCode  string
	clientID  string
	scope     string
	expiresAt time.Time
	interval  time.Duration // grows by 5s on each slow_down (RFC 8628 §3.5)
	lastPoll  time.Time
	state     deviceState
	user      User
	authTime  time.Time // when the user decided
}

// handleDeviceAuthorization serves the device authorization endpoint
// (RFC 8628 §3.1, §3.2).
func (s *Server) handleDeviceAuthorization(w http.ResponseWriter, r *http.Request) {
	form, e := parseForm(r)
	if e == nil {
		var c *Client
		if c, e = s.authenticateClient(r, form); e == nil {
			e = s.startDeviceAuth(w, c, form)
		}
	}
	if e != nil {
		writeError(w, e)
	}
}

func (s *Server) startDeviceAuth(w http.ResponseWriter, c *Client, form url.Values) *oauthError {
	if !c.allowsGrant(grantDeviceCode) {
		return errorf(errUnauthorizedClient, "client may not use the device_code grant")
	}
	scope, e := grantedScope(c, form.Get("scope"))
	if e != nil {
		return e
	}
	ttl := durationOr(s.DeviceCodeTTL, defaultDeviceCodeTTL)
	interval := durationOr(s.DeviceInterval, defaultDeviceInterval)
	d := &deviceAuth{userCode: newUserCode(), clientID: c.ID, scope: scope,
		expiresAt: s.now().Add(ttl), interval: interval}
	deviceCode := rand.Text()
	s.mu.Lock()
	s.devices[deviceCode] = d
	s.userCode[normalizeUserCode(d.userCode)] = deviceCode
	s.mu.Unlock()

	verification := s.URL + pathVerification
	body := map[string]any{
		"device_code":               deviceCode,
		"user_code":                 d.userCode,
		"verification_uri":          verification,
		"verification_uri_complete": verification + "?" + url.Values{"user_code": {d.userCode}}.Encode(),
		"expires_in":                int64(ttl / time.Second),
	}
	if !s.OmitDeviceInterval {
		body["interval"] = int64(interval / time.Second)
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// newUserCode returns a user code of eight consonants, easy to type and
// free of words (RFC 8628 §6.1), such as "BDFG-HJKL".
func newUserCode() string {
	const alphabet = "BCDFGHJKLMNPQRSTVWXZ"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// normalizeUserCode makes user code comparison ignore case, spaces and
// dashes (RFC 8628 §6.1).
func normalizeUserCode(code string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
}

// deviceCodeGrant polls for a device authorization (RFC 8628 §3.4, §3.5).
func (s *Server) deviceCodeGrant(c *Client, form url.Values) (grant, *oauthError) {
	deviceCode := form.Get("device_code")
	if deviceCode == "" {
		return grant{}, errorf(errInvalidRequest, "device_code required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[deviceCode]
	switch {
	case !ok:
		return grant{}, errorf(errInvalidGrant, "unknown device_code")
	case d.clientID != c.ID:
		return grant{}, errorf(errInvalidGrant, "device_code was issued to another client")
	}
	now := s.now()
	if !now.Before(d.expiresAt) {
		return grant{}, errorf(errExpiredToken, "device_code expired")
	}
	switch d.state {
	case deviceDenied:
		return grant{}, errorf(errAccessDenied, "the user denied the request")
	case deviceApproved:
		delete(s.devices, deviceCode)
		delete(s.userCode, normalizeUserCode(d.userCode))
		return grant{client: c, user: &d.user, scope: d.scope, refresh: true, idToken: true, authTime: d.authTime}, nil
	}
	last := d.lastPoll
	d.lastPoll = now
	if !last.IsZero() && now.Sub(last) < d.interval {
		d.interval += 5 * time.Second
		return grant{}, errorf(errSlowDown, "polling faster than every %v", d.interval-5*time.Second)
	}
	return grant{}, errorf(errAuthorizationPending, "waiting for the user")
}

// ApproveDevice approves the device authorization with the given user code
// as the server's User, as the user would on the verification page. The
// device's next poll receives tokens. The code is compared ignoring case,
// spaces and dashes. It returns an error if the code is unknown, expired or
// already decided.
func (s *Server) ApproveDevice(userCode string) error {
	return s.decideDevice(userCode, deviceApproved)
}

// DenyDevice denies the device authorization with the given user code; the
// device's next poll receives access_denied. It returns an error if the code
// is unknown, expired or already decided.
func (s *Server) DenyDevice(userCode string) error {
	return s.decideDevice(userCode, deviceDenied)
}

func (s *Server) decideDevice(userCode string, state deviceState) error {
	s.init()
	user := s.user()
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[s.userCode[normalizeUserCode(userCode)]]
	switch {
	case !ok:
		return fmt.Errorf("oauthtest: unknown user code %q", userCode)
	case !s.now().Before(d.expiresAt):
		return fmt.Errorf("oauthtest: user code %q expired", userCode)
	case d.state != devicePending:
		return fmt.Errorf("oauthtest: user code %q already decided", userCode)
	}
	d.state = state
	d.user = user
	d.authTime = s.now()
	return nil
}
