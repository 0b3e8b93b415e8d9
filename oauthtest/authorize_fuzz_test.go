package oauthtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzAuthorizeEndpoint sends arbitrary authorization requests: the
// server must never panic or fail, and redirect the user agent only to a
// registered redirect URI (RFC 6749 section 3.1.2.3), never to one the
// request names.
func FuzzAuthorizeEndpoint(f *testing.F) {
	f.Add("GET", "response_type=code&client_id=client&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")
	f.Add("GET", "response_type=code&client_id=client&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&state=s")
	f.Add("GET", "response_type=token&client_id=client&state=s&response_mode=form_post")
	f.Add("GET", "response_type=code%20id_token&client_id=client&scope=openid&nonce=n&response_mode=jwt")
	f.Add("POST", "response_type=code&client_id=client&request_uri=urn%3Ax")
	f.Add("GET", "client_id=client&client_id=other&response_type=bogus")
	f.Add("GET", "client_id=client&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&request=e.y.j")
	s := NewUnstartedServer()
	s.URL = "http://auth.example"
	s.RegisterClient(Client{ID: "client", Secret: "secret", RedirectURIs: []string{"https://app.example/cb"}})
	h := s.Handler()
	f.Fuzz(func(t *testing.T, method, query string) {
		if method != http.MethodPost {
			method = http.MethodGet
		}
		req := httptest.NewRequest(method, "/authorize", nil)
		if method == http.MethodPost {
			req = httptest.NewRequest(method, "/authorize", strings.NewReader(query))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req.URL.RawQuery = query
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: HTTP %d %s", method, query, rec.Code, rec.Body.Bytes())
		}
		if loc := rec.Header().Get("Location"); loc != "" {
			if !strings.HasPrefix(loc, "https://app.example/cb?") && !strings.HasPrefix(loc, "https://app.example/cb#") && !strings.HasPrefix(loc, "/") {
				t.Fatalf("%s %q redirects to %q", method, query, loc)
			}
		}
		if b := rec.Body.String(); strings.Contains(b, "<form") && !strings.Contains(b, `action="https://app.example/cb"`) {
			t.Fatalf("%s %q posts a form elsewhere: %s", method, query, b)
		}
	})
}
