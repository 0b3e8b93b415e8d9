package oauthtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzTokenEndpoint sends arbitrary bodies and Authorization headers to the
// token endpoint: it must never panic and always answer with JSON.
func FuzzTokenEndpoint(f *testing.F) {
	f.Add("grant_type=client_credentials", "Basic Y2xpZW50OnNlY3JldA==")
	f.Add("grant_type=password&username=alice&password=wonderland", "")
	f.Add("grant_type=authorization_code&code=x&code_verifier=%zz", "Basic !!")
	f.Add("grant_type=refresh_token&refresh_token=x&scope=a%20b", "Bearer x")
	f.Add("client_id=client&client_secret=secret&client_assertion=a.b.c", "Basic Y2xpZW50")
	s := NewUnstartedServer()
	s.URL = "http://auth.example"
	s.RegisterClient(Client{ID: "client", Secret: "secret"})
	s.RegisterClient(Client{ID: "public", AuthMethod: AuthNone})
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body, auth string) {
		req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("HTTP %d body %q is not JSON: %v", rec.Code, rec.Body.Bytes(), err)
		}
		if rec.Code != http.StatusOK && v["error"] == nil {
			t.Fatalf("HTTP %d without error code: %s", rec.Code, rec.Body.Bytes())
		}
	})
}

// FuzzBearerToken checks bearer token extraction from arbitrary requests.
func FuzzBearerToken(f *testing.F) {
	f.Add("Bearer abc", "access_token=x", "access_token=y")
	f.Add("bearer  ", "", "")
	f.Add("Basic abc", "a=%zz", "")
	f.Fuzz(func(t *testing.T, auth, body, query string) {
		req := httptest.NewRequest(http.MethodPost, "/resource", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", auth)
		tok, e := bearerToken(req)
		if e != nil && tok != "" {
			t.Fatalf("bearerToken = %q with error %v", tok, e)
		}
	})
}
