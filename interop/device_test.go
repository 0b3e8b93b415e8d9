//go:build interop

package interop

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
)

// deviceAuthorize starts the device flow on s (RFC 8628 section 3.1).
func deviceAuthorize(t *testing.T, s *oauthkit.Session) *oauthkit.DeviceAuthorization {
	t.Helper()
	da, err := s.DeviceAuthorization(t.Context())
	if err != nil {
		t.Fatalf("DeviceAuthorization: %v", err)
	}
	if da.UserCode == "" || da.VerificationURI == "" || da.ExpiresIn <= 0 || da.ExpiresAt.IsZero() {
		t.Fatalf("device authorization = %v; want user_code, verification_uri, expires_in", da)
	}
	return da
}

// pollOnce makes one device token request without waiting, for the
// provider's answers to a code that is not (or no longer) approved.
func pollOnce(t *testing.T, s *oauthkit.Session, da *oauthkit.DeviceAuthorization) error {
	t.Helper()
	grant := oauthkit.ExtensionGrant(oauthkit.GrantTypeDeviceCode, url.Values{"device_code": {da.DeviceCode}}, "device_code")
	_, err := s.FetchToken(t.Context(), grant)
	return err
}

// TestDeviceFlow runs RFC 8628 through the session. oidc-provider sends no
// interval, so PollDeviceToken waits the default 5 seconds before its first
// poll; the user approves before that, so one poll suffices, and the cases
// run in parallel with the rest of the suite.
func TestDeviceFlow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		client client
		typed  bool // the user types the code at verification_uri
	}{
		{"complete uri", publicClient, false},
		{"typed code", publicClient, true},
		{"confidential client", basicClient, false},
		{"private_key_jwt", privateJWTClient, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.client.session(t)
			da := deviceAuthorize(t, s)
			if da.Interval != 0 {
				t.Errorf("interval = %d; want it absent", da.Interval)
			}
			wantOAuthError(t, pollOnce(t, s, da), "token", oauthkit.ErrorCodeAuthorizationPending)

			uri, userCode := da.VerificationURIComplete, ""
			if tt.typed {
				uri, userCode = da.VerificationURI, da.UserCode
			}
			if err := approveDevice(t.Context(), uri, userCode); err != nil {
				t.Fatalf("approveDevice: %v", err)
			}
			start := time.Now()
			tok, err := s.PollDeviceToken(t.Context(), da)
			if err != nil {
				t.Fatalf("PollDeviceToken: %v", err)
			}
			if d := time.Since(start); d < 5*time.Second {
				t.Errorf("first poll after %v; want the RFC 8628 default of 5s", d)
			}
			if tok.IDToken == "" || tok.RefreshToken == "" {
				t.Errorf("device token: id_token %t refresh_token %t; want both", tok.IDToken != "", tok.RefreshToken != "")
			}
			if got := getJSON(t, s, idp.Metadata().UserInfoEndpoint)["sub"]; got != testUser["sub"] {
				t.Errorf("userinfo sub = %v; want %v", got, testUser["sub"])
			}
			// RFC 8628 section 3.5: a device code is good for one token.
			wantOAuthError(t, pollOnce(t, s, da), "token", oauthkit.ErrorCodeInvalidGrant)
		})
	}
}

// TestDeviceFlow_wrongCode checks that an unknown user code is refused on
// the verification page and the request stays pending.
func TestDeviceFlow_wrongCode(t *testing.T) {
	t.Parallel()
	s := publicClient.session(t)
	da := deviceAuthorize(t, s)
	err := approveDevice(t.Context(), da.VerificationURI, "BCDF-GHJK")
	if err == nil || !strings.Contains(err.Error(), "incorrect") {
		t.Fatalf("approveDevice with a wrong code: %v; want the page's \"code is incorrect\" message", err)
	}
	wantOAuthError(t, pollOnce(t, s, da), "token", oauthkit.ErrorCodeAuthorizationPending)
}
