package oauthkit

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func heldToken() *Token {
	return &Token{AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt"}
}

func TestSession_Revoke_request(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		held      *Token
		token     string
		opts      func(srvURL string) []RevokeOption
		wantForm  url.Values
		wantPath  string
		wantClear bool
	}{
		{"default refresh token", heldToken(), "", nil,
			url.Values{"token": {"rt"}, "token_type_hint": {"refresh_token"}}, "/revoke", true},
		{"default access token", &Token{AccessToken: "at", TokenType: "Bearer"}, "", nil,
			url.Values{"token": {"at"}, "token_type_hint": {"access_token"}}, "/revoke", true},
		{"held access token", heldToken(), "at", nil,
			url.Values{"token": {"at"}, "token_type_hint": {"access_token"}}, "/revoke", true},
		{"foreign token", heldToken(), "xyz", nil,
			url.Values{"token": {"xyz"}}, "/revoke", false},
		{"foreign token without session token", nil, "xyz", nil,
			url.Values{"token": {"xyz"}}, "/revoke", false},
		{"explicit hint", heldToken(), "xyz", func(string) []RevokeOption { return []RevokeOption{WithTokenTypeHint(TokenTypeHintRefreshToken)} },
			url.Values{"token": {"xyz"}, "token_type_hint": {"refresh_token"}}, "/revoke", false},
		{"hint suppressed", heldToken(), "", func(string) []RevokeOption { return []RevokeOption{WithTokenTypeHint("")} },
			url.Values{"token": {"rt"}}, "/revoke", true},
		{"extra param", heldToken(), "", func(string) []RevokeOption {
			return []RevokeOption{WithEndpointParam("resource", "r"), WithEndpointParam("token", "ignored")}
		},
			url.Values{"token": {"rt"}, "token_type_hint": {"refresh_token"}, "resource": {"r"}}, "/revoke", true},
		{"per-call endpoint", heldToken(), "", func(u string) []RevokeOption { return []RevokeOption{WithEndpointURL(u + "/other")} },
			url.Values{"token": {"rt"}, "token_type_hint": {"refresh_token"}}, "/other", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
			var opts []RevokeOption
			if tt.opts != nil {
				opts = tt.opts(srv.URL)
			}
			s := mustSession(t, Config{ClientSecret: "secret", RevocationURL: srv.URL + "/revoke"})
			s.SetToken(tt.held)
			if err := s.Revoke(t.Context(), tt.token, opts...); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			req := srv.last(t)
			if req.URL.Path != tt.wantPath {
				t.Errorf("path = %q; want %q", req.URL.Path, tt.wantPath)
			}
			if diff := cmp.Diff(tt.wantForm, req.Form); diff != "" {
				t.Errorf("form (-want +got):\n%s", diff)
			}
			if u, p, ok := basicAuthOf(req.Header); !ok || u != "client" || p != "secret" {
				t.Errorf("basic auth = %q, %q, %t; want client, secret", u, p, ok)
			}
			if cleared := s.Token() == nil; tt.held != nil && cleared != tt.wantClear {
				t.Errorf("token cleared = %t; want %t", cleared, tt.wantClear)
			}
		})
	}
}

func basicAuthOf(h http.Header) (string, string, bool) {
	r := &http.Request{Header: h}
	return r.BasicAuth()
}

func TestSession_Revoke_clientAuthOverride(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {})
	s := mustSession(t, Config{ClientSecret: "secret", RevocationURL: srv.URL})
	custom := ClientAuthFunc(func(_ context.Context, r *ClientAuthRequest) error {
		if r.Endpoint != endpointRevocation {
			t.Errorf("Endpoint = %q; want %q", r.Endpoint, endpointRevocation)
		}
		r.Header.Set("X-Client", r.ClientID)
		return nil
	})
	if err := s.Revoke(t.Context(), "tok", WithEndpointClientAuth(custom)); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	req := srv.last(t)
	if got := req.Header.Get("X-Client"); got != "client" {
		t.Errorf("X-Client = %q; want client", got)
	}
	if got := req.Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q; want none", got)
	}
}

// endpointErrorCase is one bad answer of an endpoint.
type endpointErrorCase struct {
	name        string
	status      int
	ct, body    string
	header      http.Header
	wantErr     error  // matched with errors.Is, if set
	wantCode    string // the *Error code, if an *Error is expected
	wantResp    bool   // a *ResponseError is expected
	wantRetryIn time.Duration
}

// commonErrorCases are answers every endpoint must turn into errors.
var commonErrorCases = []endpointErrorCase{
	{name: "500 html", status: 500, ct: "text/html", body: "<html>oops</html>", wantResp: true},
	{name: "html 200", status: 200, ct: "text/html", body: "<html>login</html>", wantResp: true},
	{name: "invalid json", status: 400, ct: "application/json", body: "{nope", wantResp: true},
	{name: "error json", status: 401, ct: "application/json", body: `{"error":"invalid_client","error_description":"who?"}`, wantCode: ErrorCodeInvalidClient},
	{name: "error in 200", status: 200, ct: "application/json", body: `{"error":"unsupported_token_type"}`, wantCode: ErrorCodeUnsupportedTokenType},
	{name: "503 retry after", status: 503, ct: "text/plain", body: "down", header: http.Header{"Retry-After": {"120"}},
		wantErr: ErrServiceUnavailable, wantResp: true, wantRetryIn: 120 * time.Second},
	{name: "503 error json", status: 503, ct: "application/json", body: `{"error":"temporarily_unavailable"}`,
		wantErr: ErrServiceUnavailable, wantCode: ErrorCodeTemporarilyUnavailable},
}

func (c endpointErrorCase) serve(w http.ResponseWriter) {
	for k, vs := range c.header {
		w.Header()[k] = vs
	}
	if c.ct != "" {
		w.Header().Set("Content-Type", c.ct)
	}
	w.WriteHeader(c.status)
	w.Write([]byte(c.body))
}

func (c endpointErrorCase) check(t *testing.T, endpoint string, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("err = nil; want an error")
	}
	if c.wantErr != nil && !errors.Is(err, c.wantErr) {
		t.Errorf("err = %v; want it to match %v", err, c.wantErr)
	}
	if c.wantCode != "" {
		e, ok := errors.AsType[*Error](err)
		if !ok || e.Code != c.wantCode || e.Endpoint != endpoint {
			t.Errorf("err = %#v; want *Error %q from %q", err, c.wantCode, endpoint)
		}
	}
	if c.wantResp {
		e, ok := errors.AsType[*ResponseError](err)
		if !ok || e.Endpoint != endpoint || e.StatusCode != c.status {
			t.Errorf("err = %#v; want *ResponseError from %q with status %d", err, endpoint, c.status)
		}
	}
	if got := RetryAfter(err); got != c.wantRetryIn {
		t.Errorf("RetryAfter(err) = %v; want %v", got, c.wantRetryIn)
	}
}

func TestSession_Revoke_errors(t *testing.T) {
	t.Parallel()
	for _, tt := range commonErrorCases {
		if tt.name == "html 200" {
			continue // a 2xx body means success for revocation
		}
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { tt.serve(w) })
			s := mustSession(t, Config{RevocationURL: srv.URL})
			s.SetToken(heldToken())
			err := s.Revoke(t.Context(), "")
			tt.check(t, endpointRevocation, err)
			if s.Token() == nil {
				t.Error("token cleared after a failed revocation")
			}
		})
	}
}

func TestSession_Revoke_successBodies(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, ct, body string }{
		{"empty", "", ""},
		{"html", "text/html", "<html>ok</html>"},
		{"json object", "application/json", `{"revoked":true}`},
		{"broken json", "application/json", `{`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.ct != "" {
					w.Header().Set("Content-Type", tt.ct)
				}
				w.Write([]byte(tt.body))
			})
			s := mustSession(t, Config{RevocationURL: srv.URL})
			if err := s.Revoke(t.Context(), "tok"); err != nil {
				t.Errorf("Revoke = %v; want nil", err)
			}
		})
	}
}

func TestSession_Revoke_noEndpointNoToken(t *testing.T) {
	t.Parallel()
	s := mustSession(t, Config{})
	if err := s.Revoke(t.Context(), "tok"); !errors.Is(err, ErrNoEndpoint) {
		t.Errorf("Revoke without endpoint = %v; want ErrNoEndpoint", err)
	}
	s = mustSession(t, Config{RevocationURL: "https://as.example/revoke"})
	if err := s.Revoke(t.Context(), ""); !errors.Is(err, ErrNoToken) {
		t.Errorf("Revoke without token = %v; want ErrNoToken", err)
	}
	err := s.Revoke(t.Context(), "tok", WithEndpointURL("http://as.example/revoke"))
	if !errors.Is(err, ErrInsecureTransport) {
		t.Errorf("Revoke over http = %v; want ErrInsecureTransport", err)
	}
}

func TestSession_Revoke_keepsReplacedToken(t *testing.T) {
	t.Parallel()
	var s *Session
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		// A renewal stores a new token while the revocation is in flight.
		s.SetToken(&Token{AccessToken: "new", TokenType: "Bearer"})
	})
	s = mustSession(t, Config{RevocationURL: srv.URL})
	s.SetToken(heldToken())
	if err := s.Revoke(t.Context(), ""); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if tok := s.Token(); tok == nil || tok.AccessToken != "new" {
		t.Errorf("Token() = %v; want the new token kept", tok)
	}
}

// runHookTest checks that request hooks run in order, may change the URL,
// and abort the call on error.
func runHookTest(t *testing.T, call func(s *Session, hooks []func(*http.Request) error, url string) error) {
	t.Helper()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"active": true})
	})
	var order []string
	hooks := []func(*http.Request) error{
		func(r *http.Request) error {
			order = append(order, "first")
			q := r.URL.Query()
			q.Set("tenant", "t1")
			r.URL.RawQuery = q.Encode()
			return nil
		},
		func(r *http.Request) error {
			order = append(order, "second:"+r.URL.Query().Get("tenant"))
			r.Header.Set("X-Hook", "yes")
			return nil
		},
	}
	s := mustSession(t, Config{})
	s.SetToken(heldToken())
	if err := call(s, hooks, srv.URL); err != nil {
		t.Fatalf("call: %v", err)
	}
	if diff := cmp.Diff([]string{"first", "second:t1"}, order); diff != "" {
		t.Errorf("hook order (-want +got):\n%s", diff)
	}
	req := srv.last(t)
	if req.URL.Query().Get("tenant") != "t1" || req.Header.Get("X-Hook") != "yes" {
		t.Errorf("request = %v %v; want the hooks' changes", req.URL, req.Header)
	}
	boom := errors.New("boom")
	n := srv.count.Load()
	err := call(s, []func(*http.Request) error{func(*http.Request) error { return boom }}, srv.URL)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v; want the hook's error", err)
	}
	if srv.count.Load() != n {
		t.Error("request sent despite a failing hook")
	}
}

func TestSession_Revoke_hooks(t *testing.T) {
	t.Parallel()
	runHookTest(t, func(s *Session, hooks []func(*http.Request) error, u string) error {
		s.cfg.Hooks.RevokeTokenRequest = hooks
		return s.Revoke(t.Context(), "x", WithEndpointURL(u))
	})
}
