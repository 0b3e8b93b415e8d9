package oauthkit

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzDeviceAuthorizationResponse feeds arbitrary device authorization
// answers to the parser: it must never panic, every error must be typed,
// carry the package prefix and not quote the device code, and an accepted
// answer must be a 2xx one with the codes, the verification URI and sane
// times.
func FuzzDeviceAuthorizationResponse(f *testing.F) {
	f.Add(200, "application/json", `{"device_code":"GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS","user_code":"WDJB-MJHT","verification_uri":"https://example.com/device","verification_uri_complete":"https://example.com/device?user_code=WDJB-MJHT","expires_in":1800,"interval":5}`)
	f.Add(200, "application/json", `{"device_code":"d","user_code":"u","verification_url":"https://www.google.com/device","expires_in":"1800","interval":"5","x":[1]}`)
	f.Add(200, "application/x-www-form-urlencoded", `device_code=d&user_code=u&verification_uri=https%3A%2F%2Fe%2Fd&expires_in=9223372036854775807`)
	f.Add(200, "application/json", `{"device_code":"SECRET-DEVICE-CODE","user_code":"u","expires_in":1800}`)
	f.Add(200, "application/json", `{"device_code":"d","user_code":"u","verification_uri":"v","interval":-1}`)
	f.Add(200, "application/json", `{"device_code":"d","user_code":"u","verification_uri":"","verification_url":"v","expires_in":1e308}`)
	f.Add(400, "application/json", `{"error":"invalid_client"}`)
	f.Add(503, "text/html", `<html>down</html>`)
	known := []string{deviceCode, deviceUserCode, deviceVerificationURI, deviceVerificationURL,
		deviceVerificationFull, deviceExpiresIn, deviceInterval}
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		r := &rawResponse{status: status, header: http.Header{"Content-Type": {ct}}, body: []byte(body)}
		da, err := deviceAuthFromResponse(r, now)
		if err != nil {
			if da != nil {
				t.Fatalf("device authorization %v with error %v", da, err)
			}
			checkEndpointError(t, err)
			checkNoCredential(t, body, err)
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("status %d accepted: %v", status, da)
		}
		if da.DeviceCode == "" || da.UserCode == "" || da.VerificationURI == "" || da.ExpiresIn < 0 || da.Interval < 0 {
			t.Fatalf("accepted an incomplete authorization %+v from %s", da, body)
		}
		if (da.ExpiresIn > 0) != da.ExpiresAt.After(now) || da.ExpiresAt.After(now.Add(maxLifetime)) {
			t.Fatalf("expires_in %d but ExpiresAt %v", da.ExpiresIn, da.ExpiresAt)
		}
		for k := range da.Extra {
			if slices.Contains(known, k) {
				t.Fatalf("known member %q in Extra", k)
			}
		}
		// The device code shows nowhere it did not already show without it.
		blank := *da
		blank.DeviceCode = ""
		if s := da.String(); len(da.DeviceCode) >= 8 && strings.Contains(s, da.DeviceCode) && !strings.Contains(blank.String(), da.DeviceCode) {
			t.Fatalf("String() shows the device code: %s", s)
		}
	})
}

// checkEndpointError fails unless err, from reading an endpoint's answer,
// carries the package prefix and is an [*Error] or a [*ResponseError].
func checkEndpointError(t *testing.T, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "oauthkit: ") {
		t.Fatalf("error without prefix: %q", err)
	}
	var e *Error
	var re *ResponseError
	if !errors.As(err, &e) && !errors.As(err, &re) {
		t.Fatalf("untyped error: %v", err)
	}
}
