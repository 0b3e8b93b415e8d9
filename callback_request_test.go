package oauthkit_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// callbackApp is a net/http app whose /cb handler completes the
// authorization with the request it receives.
type callbackApp struct {
	srv *oauthtest.Server
	s   *oauthkit.Session
	app *httptest.Server
	ar  *oauthkit.AuthorizationRequest
}

func newCallbackApp(t *testing.T, exchange func(s *oauthkit.Session, r *http.Request, ar oauthkit.AuthorizationRequest) (*oauthkit.Token, error)) *callbackApp {
	t.Helper()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	a := &callbackApp{srv: srv}
	a.app = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := exchange(a.s, r, *a.ar)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, tok.TokenType)
	}))
	t.Cleanup(a.app.Close)
	redirect := a.app.URL + "/cb"
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{redirect}})
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: c.ID, ClientSecret: c.Secret,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(), RedirectURL: redirect,
		Issuer: srv.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	a.s = s
	return a
}

// authorize runs the authorization request and returns the callback's
// query parameters.
func (a *callbackApp) authorize(t *testing.T) url.Values {
	t.Helper()
	ar, err := a.s.AuthorizationURL()
	if err != nil {
		t.Fatal(err)
	}
	a.ar = ar
	cb, err := a.srv.Authorize(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(cb)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// deliver sends the response to the app as the browser would: a GET with
// the query, or the auto-submitted form of response_mode=form_post.
func (a *callbackApp) deliver(t *testing.T, mode string, params url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if mode == "form_post" {
		resp, err = http.PostForm(a.app.URL+"/cb", params)
	} else {
		resp, err = http.Get(a.app.URL + "/cb?" + params.Encode())
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestSession_ExchangeCallback_handler(t *testing.T) {
	t.Parallel()
	byRequest := func(s *oauthkit.Session, r *http.Request, ar oauthkit.AuthorizationRequest) (*oauthkit.Token, error) {
		return s.ExchangeCallback(r.Context(), r, ar)
	}
	byRelativeURL := func(s *oauthkit.Session, r *http.Request, ar oauthkit.AuthorizationRequest) (*oauthkit.Token, error) {
		return s.ExchangeAuthorizationResponse(r.Context(), r.URL.String(), ar)
	}
	byBareQuery := func(s *oauthkit.Session, r *http.Request, ar oauthkit.AuthorizationRequest) (*oauthkit.Token, error) {
		return s.ExchangeAuthorizationResponse(r.Context(), r.URL.RawQuery, ar)
	}
	tests := []struct {
		name     string
		mode     string
		exchange func(*oauthkit.Session, *http.Request, oauthkit.AuthorizationRequest) (*oauthkit.Token, error)
	}{
		{name: "request query", mode: "query", exchange: byRequest},
		{name: "request form_post", mode: "form_post", exchange: byRequest},
		{name: "relative url", mode: "query", exchange: byRelativeURL},
		{name: "bare query", mode: "query", exchange: byBareQuery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newCallbackApp(t, tt.exchange)
			params := a.authorize(t)
			if status, body := a.deliver(t, tt.mode, params); status != http.StatusOK || body != "Bearer" {
				t.Fatalf("callback = %d %q, want 200 Bearer", status, body)
			}
			if a.s.Token() == nil {
				t.Fatal("session holds no token after the callback")
			}
			// A tampered state is refused and sends no token request.
			before := a.srv.RequestCount(oauthtest.TokenEndpoint)
			params = a.authorize(t)
			params.Set("state", "evil")
			if status, body := a.deliver(t, tt.mode, params); status != http.StatusBadRequest || !strings.Contains(body, "state mismatch") {
				t.Errorf("tampered callback = %d %q, want 400 state mismatch", status, body)
			}
			if n := a.srv.RequestCount(oauthtest.TokenEndpoint); n != before {
				t.Errorf("token requests after a tampered callback = %d, want %d", n, before)
			}
		})
	}
}

func TestParseCallbackRequest(t *testing.T) {
	t.Parallel()
	form := func(ct, body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/cb?code=fromquery", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		return r
	}
	parsed := form("application/x-www-form-urlencoded", "")
	parsed.PostForm = url.Values{"code": {"c1"}, "state": {"s1"}}
	tests := []struct {
		name     string
		r        *http.Request
		wantCode string
		wantErr  string
	}{
		{name: "get", r: httptest.NewRequest(http.MethodGet, "/cb?code=c1&state=s1", nil), wantCode: "c1"},
		{name: "form post", r: form("application/x-www-form-urlencoded; charset=utf-8", "code=c1&state=s1"), wantCode: "c1"},
		{name: "form already parsed", r: parsed, wantCode: "c1"},
		{name: "post of json", r: form("application/json", `{"code":"c1"}`), wantErr: `POST body of type "application/json"`},
		{name: "put", r: httptest.NewRequest(http.MethodPut, "/cb?code=c1", nil), wantErr: "method PUT"},
		{name: "bad query", r: httptest.NewRequest(http.MethodGet, "/cb?code=%zz", nil), wantErr: "query"},
		{name: "nil", r: nil, wantErr: "no request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := oauthkit.ParseCallbackRequest(tt.r)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "oauthkit: ") {
					t.Fatalf("ParseCallbackRequest() = %v, %v; want error containing %q", v, err, tt.wantErr)
				}
				return
			}
			if err != nil || v.Get("code") != tt.wantCode || v.Get("state") != "s1" {
				t.Fatalf("ParseCallbackRequest() = %v, %v; want code %q", v, err, tt.wantCode)
			}
		})
	}
}

func TestExchangeAuthorizationResponse_unusableURL(t *testing.T) {
	t.Parallel()
	s, err := oauthkit.NewSession(oauthkit.Config{ClientID: "c", TokenURL: "https://as.example/token"})
	if err != nil {
		t.Fatal(err)
	}
	ar := oauthkit.AuthorizationRequest{State: "s1", RedirectURL: "https://app.example/cb"}
	tests := []struct {
		name, url, want string
		wantIs          error
	}{
		{name: "empty", url: "", want: "empty url"},
		{name: "no scheme", url: "://", want: `url "://"`},
		{name: "other scheme", url: "ftp://app.example/cb?code=c&state=s1", want: `scheme "ftp"`},
		{name: "scheme without host", url: "https:///cb?code=c&state=s1", want: "without a host"},
		{name: "bad escape", url: "/cb?code=%zz&state=s1", want: "query"},
		{name: "insecure absolute", url: "http://app.example/cb?code=c&state=s1", wantIs: oauthkit.ErrInsecureTransport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.ExchangeAuthorizationResponse(t.Context(), tt.url, ar)
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) {
				t.Fatalf("ExchangeAuthorizationResponse(%q) = %v; want an error containing %q", tt.url, err, tt.want)
			}
			if strings.Contains(err.Error(), "neither https nor loopback") && tt.wantIs == nil {
				t.Errorf("error %q blames the transport", err)
			}
		})
	}
	// A relative URL is checked against the redirect URL it arrived at.
	insecure := oauthkit.AuthorizationRequest{State: "s1", RedirectURL: "http://app.example/cb"}
	if _, err := s.ExchangeAuthorizationResponse(t.Context(), "/cb?code=c&state=s1", insecure); !errors.Is(err, oauthkit.ErrInsecureTransport) {
		t.Errorf("relative url with an http redirect url: err = %v, want ErrInsecureTransport", err)
	}
	r := httptest.NewRequest(http.MethodGet, "/cb?code=c&state=s1", nil)
	if _, err := s.ExchangeCallback(t.Context(), r, insecure); !errors.Is(err, oauthkit.ErrInsecureTransport) {
		t.Errorf("ExchangeCallback with an http redirect url: err = %v, want ErrInsecureTransport", err)
	}
}

func TestParseAuthorizationResponse_forms(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"https://x/cb?code=a&state=b", "/cb?code=a&state=b", "?code=a&state=b", "code=a&state=b",
		"#code=a&state=b", "cb?code=a&state=b",
	} {
		v, err := oauthkit.ParseAuthorizationResponse(raw)
		if err != nil || v.Get("code") != "a" || v.Get("state") != "b" {
			got, _ := json.Marshal(v)
			t.Errorf("ParseAuthorizationResponse(%q) = %s, %v", raw, got, err)
		}
	}
}

// A native app receives the response at its private-use scheme (RFC 8252
// section 7.1), delivered by the operating system, and exchanges it.
func TestExchangeAuthorizationResponse_privateUseScheme(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	const redirect = "com.example.app:/oauth2redirect"
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{redirect}, AuthMethod: oauthtest.AuthNone})
	s, err := oauthkit.NewSession(oauthkit.Config{ClientID: c.ID,
		AuthURL: srv.AuthorizationURL(), TokenURL: srv.TokenURL(), RedirectURL: redirect})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := s.AuthorizationURL()
	if err != nil {
		t.Fatal(err)
	}
	cb, err := srv.Authorize(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cb, redirect+"?") {
		t.Fatalf("callback %q is not at %s", cb, redirect)
	}
	other := strings.Replace(cb, "com.example.app:", "com.evil.app:", 1)
	if _, err := s.ExchangeAuthorizationResponse(t.Context(), other, *ar); err == nil || !strings.Contains(err.Error(), "not the one of the redirect url") {
		t.Errorf("response at another scheme: err = %v, want a scheme mismatch", err)
	}
	tok, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("ExchangeAuthorizationResponse(%q) = %v, %v", cb, tok, err)
	}
}
