package oauthkit

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestPushAuthorizationRequest_request(t *testing.T) {
	t.Parallel()
	par := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, map[string]any{"request_uri": "urn:ietf:params:oauth:request_uri:abc", "expires_in": 90})
	})
	clk := newClock()
	s := mustSession(t, Config{ClientID: "cid", ClientSecret: "sec", AuthURL: "https://as.example/authorize?tenant=t1",
		PushedAuthURL: par.URL, RedirectURL: "https://app.example/cb", Scopes: []string{"openid"}, Now: clk.Now})
	ar, err := s.PushAuthorizationRequest(t.Context(), WithParam("prompt", "login"))
	if err != nil {
		t.Fatalf("PushAuthorizationRequest: %v", err)
	}
	got := par.last(t)
	if user, pass, ok := (&http.Request{Header: got.Header}).BasicAuth(); !ok || user != "cid" || pass != "sec" {
		t.Errorf("push authentication = %q %q %v; want client_secret_basic", user, pass, ok)
	}
	for k, want := range map[string]string{
		"response_type": "code", "client_id": "cid", "redirect_uri": "https://app.example/cb", "scope": "openid",
		"state": ar.State, "nonce": ar.Nonce, "code_challenge": CodeChallengeS256(ar.CodeVerifier),
		"code_challenge_method": "S256", "prompt": "login",
	} {
		if got.Form.Get(k) != want {
			t.Errorf("pushed %s = %q; want %q", k, got.Form.Get(k), want)
		}
	}
	u, _ := url.Parse(ar.URL)
	want := url.Values{"tenant": {"t1"}, "client_id": {"cid"}, "request_uri": {"urn:ietf:params:oauth:request_uri:abc"}}
	if u.Host != "as.example" || u.Query().Encode() != want.Encode() {
		t.Errorf("URL = %s; want the authorization endpoint with %v only", ar.URL, want)
	}
	if ar.RequestURI != "urn:ietf:params:oauth:request_uri:abc" || !ar.ExpiresAt.Equal(clk.Now().Add(90*time.Second)) {
		t.Errorf("RequestURI %q ExpiresAt %v; want the pushed request_uri, 90s from now", ar.RequestURI, ar.ExpiresAt)
	}
}

func TestPushAuthorizationRequest_answers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		ct       string
		wantIs   error
		wantCode string
		wantResp bool
	}{
		{name: "200 is fine", status: 200, body: `{"request_uri":"urn:x","expires_in":"60"}`},
		{name: "error body", status: 400, body: `{"error":"invalid_request","error_description":"bad redirect"}`, wantCode: "invalid_request"},
		{name: "error in 201", status: 201, body: `{"error":"invalid_client"}`, wantCode: "invalid_client"},
		{name: "html", status: 200, body: "<html>login</html>", ct: "text/html", wantResp: true},
		{name: "no request_uri", status: 201, body: `{"expires_in":60}`, wantIs: ErrInvalidPushedAuthResponse, wantResp: true},
		{name: "no expires_in", status: 201, body: `{"request_uri":"urn:x"}`, wantIs: ErrInvalidPushedAuthResponse},
		{name: "zero expires_in", status: 201, body: `{"request_uri":"urn:x","expires_in":0}`, wantIs: ErrInvalidPushedAuthResponse},
		{name: "request_uri not a string", status: 201, body: `{"request_uri":7,"expires_in":60}`, wantIs: ErrInvalidPushedAuthResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			par := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", cmpOr(tt.ct, "application/json"))
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			s := mustSession(t, Config{ClientID: "cid", AuthURL: "https://as.example/authorize", PushedAuthURL: par.URL})
			ar, err := s.PushAuthorizationRequest(t.Context())
			if tt.wantIs == nil && tt.wantCode == "" && !tt.wantResp {
				if err != nil || ar.RequestURI != "urn:x" {
					t.Fatalf("PushAuthorizationRequest = %v, %v; want request_uri urn:x", ar, err)
				}
				return
			}
			if ar != nil {
				t.Errorf("request %v returned with the error", ar)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v; want %v", err, tt.wantIs)
			}
			if e, ok := errors.AsType[*Error](err); tt.wantCode != "" && (!ok || e.Code != tt.wantCode || e.Endpoint != "pushed authorization") {
				t.Errorf("err = %v; want *Error %q from the pushed authorization endpoint", err, tt.wantCode)
			}
			if _, ok := errors.AsType[*ResponseError](err); tt.wantResp && !ok {
				t.Errorf("err = %v; want *ResponseError", err)
			}
		})
	}
}

func TestPushedAuth_required(t *testing.T) {
	t.Parallel()
	par := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, map[string]any{"request_uri": "urn:x", "expires_in": 60})
	})
	s := mustSession(t, Config{ClientID: "cid", AuthURL: "https://as.example/authorize", PushedAuthURL: par.URL, RequirePushedAuth: true})
	if _, err := s.AuthorizationURL(); !errors.Is(err, ErrPushedAuthRequired) {
		t.Errorf("AuthorizationURL with RequirePushedAuth = %v; want ErrPushedAuthRequired", err)
	}
	ar, err := s.AuthorizationURLContext(t.Context())
	if err != nil || ar.RequestURI != "urn:x" {
		t.Fatalf("AuthorizationURLContext = %v, %v; want a pushed request", ar, err)
	}
	plain := mustSession(t, Config{ClientID: "cid", AuthURL: "https://as.example/authorize", PushedAuthURL: par.URL})
	if ar, err := plain.AuthorizationURLContext(t.Context()); err != nil || ar.RequestURI != "" {
		t.Errorf("AuthorizationURLContext without the requirement = %v, %v; want a local URL", ar, err)
	}
	if n := par.count.Load(); n != 1 {
		t.Errorf("pushes = %d; want 1", n)
	}
}

func TestConfig_validate_frontChannel(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{ClientID: "c", RequirePushedAuth: true},
		{ClientID: "c", PushedAuthURL: "http://as.example/par"},
		{ClientID: "c", PushedAuthURL: "as.example/par"},
		{ClientID: "c", RequestObject: &RequestObjectConfig{}},
	} {
		if _, err := NewSession(cfg); err == nil {
			t.Errorf("NewSession(%+v) = nil error", cfg)
		}
	}
}

func TestPushAuthorizationRequest_noEndpoint(t *testing.T) {
	t.Parallel()
	s := mustSession(t, Config{ClientID: "cid", AuthURL: "https://as.example/authorize"})
	if _, err := s.PushAuthorizationRequest(t.Context()); !errors.Is(err, ErrNoEndpoint) {
		t.Errorf("PushAuthorizationRequest without PushedAuthURL = %v; want ErrNoEndpoint", err)
	}
}
