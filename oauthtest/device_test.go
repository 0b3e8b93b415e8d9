package oauthtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

func startDevice(t *testing.T, srv *oauthtest.Server, c oauthtest.Client) response {
	t.Helper()
	r := post(t, srv, srv.DeviceAuthorizationURL(), c, url.Values{"scope": {"read"}})
	if r.status != 200 || r.str("device_code") == "" || r.str("user_code") == "" {
		t.Fatalf("device authorization: HTTP %d %s", r.status, r.raw)
	}
	return r
}

func poll(t *testing.T, srv *oauthtest.Server, c oauthtest.Client, deviceCode string) response {
	t.Helper()
	return post(t, srv, srv.TokenURL(), c, url.Values{"grant_type": {deviceGrant}, "device_code": {deviceCode}})
}

func TestDeviceFlow(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone})
	d := startDevice(t, srv, c)
	if d.body["interval"] != float64(5) || d.body["expires_in"] != float64(600) ||
		d.str("verification_uri") != srv.URL+"/device" ||
		!strings.HasPrefix(d.str("verification_uri_complete"), srv.URL+"/device?user_code=") {
		t.Errorf("device authorization = %s", d.raw)
	}
	dc := d.str("device_code")

	wantError(t, poll(t, srv, c, dc), 400, "authorization_pending")
	clk.Advance(4 * time.Second)
	wantError(t, poll(t, srv, c, dc), 400, "slow_down")
	// The interval is now 10s (RFC 8628 §3.5).
	clk.Advance(5 * time.Second)
	wantError(t, poll(t, srv, c, dc), 400, "slow_down")
	clk.Advance(15 * time.Second)
	wantError(t, poll(t, srv, c, dc), 400, "authorization_pending")

	if err := srv.ApproveDevice(strings.ToLower(strings.ReplaceAll(d.str("user_code"), "-", ""))); err != nil {
		t.Fatalf("ApproveDevice: %v", err)
	}
	if err := srv.ApproveDevice(d.str("user_code")); err == nil {
		t.Errorf("ApproveDevice twice succeeded")
	}
	r := poll(t, srv, c, dc)
	wantToken(t, r)
	if r.str("scope") != "read" || r.str("refresh_token") == "" {
		t.Errorf("device token = %s", r.raw)
	}
	wantError(t, poll(t, srv, c, dc), 400, "invalid_grant")
}

func TestDeviceFlow_denied(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.OmitDeviceInterval = true })
	c := srv.RegisterClient(oauthtest.Client{})
	d := startDevice(t, srv, c)
	if _, ok := d.body["interval"]; ok {
		t.Errorf("interval sent with OmitDeviceInterval")
	}
	if err := srv.DenyDevice(d.str("user_code")); err != nil {
		t.Fatal(err)
	}
	wantError(t, poll(t, srv, c, d.str("device_code")), 400, "access_denied")
	other := srv.RegisterClient(oauthtest.Client{})
	wantError(t, poll(t, srv, other, d.str("device_code")), 400, "invalid_grant")
	if err := srv.DenyDevice("NOPE-NOPE"); err == nil {
		t.Errorf("DenyDevice(unknown) succeeded")
	}
}

func TestDeviceFlow_expired(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, func(s *oauthtest.Server) { s.DeviceCodeTTL = time.Minute })
	c := srv.RegisterClient(oauthtest.Client{})
	d := startDevice(t, srv, c)
	clk.Advance(time.Minute)
	wantError(t, poll(t, srv, c, d.str("device_code")), 400, "expired_token")
	if err := srv.ApproveDevice(d.str("user_code")); err == nil {
		t.Errorf("ApproveDevice(expired) succeeded")
	}
}

func TestDeviceAuthorization_errors(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{GrantTypes: []string{"client_credentials"}})
	wantError(t, post(t, srv, srv.DeviceAuthorizationURL(), c, nil), 400, "unauthorized_client")
	c.Secret = "wrong"
	wantError(t, post(t, srv, srv.DeviceAuthorizationURL(), c, nil), 401, "invalid_client")
}

func TestVerificationPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	d := startDevice(t, srv, c)
	page := get(t, srv, d.str("verification_uri_complete"), "")
	if page.status != 200 || !strings.Contains(string(page.raw), d.str("user_code")) {
		t.Errorf("verification page = HTTP %d %s", page.status, page.raw)
	}
	r := do(t, srv, newPost(t, d.str("verification_uri"), url.Values{"user_code": {d.str("user_code")}, "action": {"approve"}}))
	if r.status != http.StatusOK {
		t.Fatalf("approving on the page: HTTP %d %s", r.status, r.raw)
	}
	wantToken(t, poll(t, srv, c, d.str("device_code")))
	r = do(t, srv, newPost(t, d.str("verification_uri"), url.Values{"user_code": {"XXXX-XXXX"}}))
	if r.status != http.StatusBadRequest {
		t.Errorf("unknown code on the page: HTTP %d; want 400", r.status)
	}
}
