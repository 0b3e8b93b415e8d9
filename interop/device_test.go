//go:build interop

package interop

import (
	"net/url"
	"strings"
	"testing"
)

// deviceAuthorize starts the device flow for c (RFC 8628 section 3.1).
func deviceAuthorize(t *testing.T, c client, scope string) deviceAuthorization {
	t.Helper()
	var da deviceAuthorization
	if err := postForm(t.Context(), c, op.Meta.DeviceAuthorizationEndpoint, url.Values{"scope": {scope}}, &da); err != nil {
		t.Fatalf("device authorization as %s: %v", c.ID, err)
	}
	if da.DeviceCode == "" || da.UserCode == "" || da.VerificationURI == "" || da.ExpiresIn <= 0 {
		t.Fatalf("device authorization = %+v; want device_code, user_code, verification_uri, expires_in", da)
	}
	return da
}

func deviceTokenForm(da deviceAuthorization) url.Values {
	return url.Values{"grant_type": {grantDeviceCode}, "device_code": {da.DeviceCode}}
}

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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			da := deviceAuthorize(t, tt.client, scopeOpenID)
			// oidc-provider sends no interval; RFC 8628 section 3.2 says the
			// client then waits 5 seconds between polls.
			if da.Interval != nil {
				t.Errorf("interval = %d; want it absent", *da.Interval)
			}
			_, err := tryToken(t.Context(), tt.client, deviceTokenForm(da))
			wantErrorCode(t, err, "authorization_pending")

			uri, userCode := da.VerificationURIComplete, ""
			if tt.typed {
				uri, userCode = da.VerificationURI, da.UserCode
			}
			if err := approveDevice(t.Context(), uri, userCode); err != nil {
				t.Fatalf("approveDevice: %v", err)
			}
			tok := token(t, tt.client, deviceTokenForm(da))
			if tok.IDToken == "" || tok.RefreshToken == "" {
				t.Errorf("device token: id_token %t refresh_token %t; want both", tok.IDToken != "", tok.RefreshToken != "")
			}
			if got := userInfo(t, tok.AccessToken)["sub"]; got != testUser["sub"] {
				t.Errorf("userinfo sub = %v; want %v", got, testUser["sub"])
			}
			// RFC 8628 section 3.5: a device code is good for one token.
			_, err = tryToken(t.Context(), tt.client, deviceTokenForm(da))
			wantErrorCode(t, err, "invalid_grant")
		})
	}
}

// TestDeviceFlow_wrongCode checks that an unknown user code is refused on
// the verification page.
func TestDeviceFlow_wrongCode(t *testing.T) {
	t.Parallel()
	da := deviceAuthorize(t, publicClient, scopeOpenID)
	err := approveDevice(t.Context(), da.VerificationURI, "BCDF-GHJK")
	if err == nil || !strings.Contains(err.Error(), "incorrect") {
		t.Fatalf("approveDevice with a wrong code: %v; want the page's \"code is incorrect\" message", err)
	}
	_, err = tryToken(t.Context(), publicClient, deviceTokenForm(da))
	wantErrorCode(t, err, "authorization_pending")
}
