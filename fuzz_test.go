package oauthkit

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzTokenResponse feeds arbitrary token endpoint answers to the parser:
// it must never panic, and a token it returns must be usable.
func FuzzTokenResponse(f *testing.F) {
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":3600,"refresh_token":"r","scope":"x y"}`)
	f.Add(200, "application/json", `{"access_token":"a","token_type":"Bearer","expires_in":"60","id_token":"e.y.j"}`)
	f.Add(200, "application/x-www-form-urlencoded", `access_token=a&token_type=bearer&scope=user%3Aemail`)
	f.Add(200, "application/json", `{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}`)
	f.Add(400, "application/json", `{"error":"invalid_grant"}`)
	f.Add(500, "text/html", `<html><body>Server Error</body></html>`)
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":1e308}`)
	f.Add(200, "text/plain", `access_token=a&token_type=bearer&expires_in=-1`)
	f.Add(200, "", `{"access_token":["a"]}`)
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		r := &rawResponse{status: status, header: http.Header{"Content-Type": {ct}}, body: []byte(body)}
		if fast, ok := plainToken(r); ok {
			// The fast path must agree with the general decoder.
			m, err := r.decode(endpointToken)
			if err != nil {
				t.Fatalf("fast path accepted what the general path refuses: %v", err)
			}
			slow, err := tokenFromMap(m)
			if err != nil || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("fast path %+v, general path %+v (%v)", fast, slow, err)
			}
		}
		tok, err := tokenFromResponse(r, now)
		if err != nil {
			if tok != nil {
				t.Fatalf("token %v with error %v", tok, err)
			}
			if !strings.HasPrefix(err.Error(), "oauthkit: ") {
				t.Fatalf("error without prefix: %q", err)
			}
			return
		}
		if tok.AccessToken == "" || !usableTokenType(tok.TokenType) || status < 200 || status > 299 {
			t.Fatalf("unusable token accepted: %+v (status %d)", tok, status)
		}
		if tok.ExpiresIn > 0 && !tok.ExpiresAt.After(now) {
			t.Fatalf("expires_in %d but ExpiresAt %v", tok.ExpiresIn, tok.ExpiresAt)
		}
	})
}

// FuzzAuthorizationResponse feeds arbitrary callback URLs through the
// checks that precede a code exchange: no panic, and no code reaches the
// exchange unless the state matched.
func FuzzAuthorizationResponse(f *testing.F) {
	f.Add("https://app.example/cb?code=c&state=s")
	f.Add("https://app.example/cb#code=c&state=s&iss=https%3A%2F%2Fas.example")
	f.Add("https://app.example/cb?error=access_denied&state=s&error_description=x")
	f.Add("https://app.example/cb#access_token=a&token_type=bearer&state=s&expires_in=10")
	f.Add("http://127.0.0.1:1/cb?code=%zz&state=s")
	f.Add("::::")
	f.Add("/cb?code=c&state=s")
	f.Add("code=c&state=s&iss=https%3A%2F%2Fas.example")
	f.Add("https:///cb?code=c&state=s")
	s, err := NewSession(Config{ClientID: "c", Issuer: "https://as.example"})
	if err != nil {
		f.Fatal(err)
	}
	ar := AuthorizationRequest{State: "s"}
	f.Fuzz(func(t *testing.T, raw string) {
		params, err := s.callbackParams(raw, ar)
		if err != nil {
			if params != nil {
				t.Fatal("params with error")
			}
			return
		}
		if err := s.checkAuthorizationResponse(params, ar); err != nil {
			return
		}
		if params.Get("state") != "s" {
			t.Fatalf("state %q passed the check", params.Get("state"))
		}
		if iss, ok := params["iss"]; ok && (len(iss) != 1 || iss[0] != "https://as.example") {
			t.Fatalf("iss %q passed the check", iss)
		}
		if _, err := s.implicitToken(t.Context(), params, &IDTokenCheck{}); err != nil && !errors.Is(err, ErrInvalidTokenResponse) && !errors.Is(err, ErrUnsupportedTokenType) {
			t.Fatalf("implicit token error not typed: %v", err)
		}
	})
}

// FuzzCallbackRequest feeds arbitrary form_post bodies and queries to the
// request parser: no panic, and an error or values, never both.
func FuzzCallbackRequest(f *testing.F) {
	f.Add("POST", "application/x-www-form-urlencoded", "code=c&state=s", "")
	f.Add("GET", "", "", "code=c&state=s")
	f.Add("POST", "application/x-www-form-urlencoded", "code=%zz", "")
	f.Add("POST", "text/html", "<html>", "")
	f.Fuzz(func(t *testing.T, method, ct, body, query string) {
		r, err := http.NewRequest(method, "https://app.example/cb", strings.NewReader(body))
		if err != nil {
			return
		}
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", ct)
		v, err := ParseCallbackRequest(r)
		if (err == nil) == (v == nil) {
			t.Fatalf("ParseCallbackRequest = %v, %v", v, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "oauthkit: ") {
			t.Fatalf("error without prefix: %q", err)
		}
	})
}
