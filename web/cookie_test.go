package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/web"
)

// offlineLogin returns a Login at baseURL with one plain OAuth 2.0
// provider "ex" that is never called.
func offlineLogin(t *testing.T, baseURL string, configure func(*web.Config)) *web.Login {
	t.Helper()
	cfg := web.Config{
		BaseURL: baseURL, Keys: [][]byte{testKey},
		OnLogin: func(http.ResponseWriter, *http.Request, *web.Result) (string, error) { return "", nil },
	}
	if configure != nil {
		configure(&cfg)
	}
	l, err := web.NewLogin(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Register(t.Context(), web.Provider{
		Name: "ex", ClientID: "app", ClientSecret: "s",
		AuthURL: "https://op.example/authorize", TokenURL: "https://op.example/token",
	}); err != nil {
		t.Fatal(err)
	}
	return l
}

// start runs the login handler and returns its answer.
func start(t *testing.T, l *web.Login, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/login/ex?next=/p", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	l.Handler().ServeHTTP(rec, req)
	return rec.Result()
}

func TestFlowCookie_attributes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base       string
		wantPrefix string
		wantSecure bool
	}{
		{base: "https://app.example", wantPrefix: "__Host-oauthkit-flow-", wantSecure: true},
		{base: "http://127.0.0.1:8080", wantPrefix: "oauthkit-flow-", wantSecure: false},
		{base: "http://localhost:8080/app/", wantPrefix: "oauthkit-flow-", wantSecure: false},
	}
	for _, tc := range tests {
		t.Run(tc.base, func(t *testing.T) {
			t.Parallel()
			resp := start(t, offlineLogin(t, tc.base, nil))
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("login = %d; want 302", resp.StatusCode)
			}
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			q := loc.Query()
			if q.Get("code_challenge_method") != "S256" || q.Get("state") == "" ||
				q.Get("redirect_uri") != strings.TrimSuffix(tc.base, "/")+"/callback/ex" {
				t.Errorf("authorization request %v; want S256, a state and the callback", q)
			}
			cs := resp.Cookies()
			if len(cs) != 1 {
				t.Fatalf("cookies = %v; want one flow cookie", cs)
			}
			c := cs[0]
			if c.Name != tc.wantPrefix+q.Get("state") || c.Secure != tc.wantSecure || !c.HttpOnly ||
				c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.MaxAge != 600 {
				t.Errorf("flow cookie = %+v; want %s<state>, Secure %t, HttpOnly, Lax, Path /, 600 s", c, tc.wantPrefix, tc.wantSecure)
			}
			if strings.Contains(c.Value, q.Get("state")) || strings.Contains(c.Value, "code_verifier") {
				t.Errorf("flow cookie value %q is not sealed", c.Value)
			}
		})
	}
}

func TestStart_authParams(t *testing.T) {
	t.Parallel()
	l := offlineLogin(t, "https://app.example", nil)
	if _, err := l.Register(t.Context(), web.Provider{
		Name: "hd", ClientID: "app", ClientSecret: "s", Scopes: []string{"openid"},
		AuthURL: "https://op.example/authorize", TokenURL: "https://op.example/token",
		AuthParams: map[string]string{"prompt": "select_account", "hd": "example.com"}, ResponseMode: "form_post",
	}); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/login/hd", nil)
	rec := httptest.NewRecorder()
	l.Handler().ServeHTTP(rec, req)
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	if q.Get("prompt") != "select_account" || q.Get("hd") != "example.com" || q.Get("response_mode") != "form_post" || q.Get("nonce") == "" {
		t.Errorf("authorization request %v; want the extra parameters, form_post and a nonce", q)
	}
}

func TestFlowCookie_bounded(t *testing.T) {
	t.Parallel()
	l := offlineLogin(t, "https://app.example", nil)
	var jar []*http.Cookie
	for range 12 {
		resp := start(t, l, jar...)
		for _, c := range resp.Cookies() {
			if c.MaxAge < 0 {
				jar = slicesDeleteCookie(jar, c.Name)
			} else {
				jar = append(jar, c)
			}
		}
	}
	if len(jar) != 8 {
		t.Errorf("after 12 logins the browser holds %d flow cookies; want at most 8", len(jar))
	}
}

func slicesDeleteCookie(cs []*http.Cookie, name string) []*http.Cookie {
	out := cs[:0]
	for _, c := range cs {
		if c.Name != name {
			out = append(out, c)
		}
	}
	return out
}

func TestNewLogin_invalidConfig(t *testing.T) {
	t.Parallel()
	onLogin := func(http.ResponseWriter, *http.Request, *web.Result) (string, error) { return "", nil }
	tests := []struct {
		name    string
		cfg     web.Config
		wantErr error
	}{
		{name: "nothing", cfg: web.Config{}, wantErr: web.ErrInvalidConfig},
		{name: "no keys", cfg: web.Config{BaseURL: "https://a.example", OnLogin: onLogin}, wantErr: web.ErrInvalidConfig},
		{name: "short key", cfg: web.Config{BaseURL: "https://a.example", OnLogin: onLogin, Keys: [][]byte{[]byte("short")}}, wantErr: web.ErrInvalidConfig},
		{name: "no OnLogin", cfg: web.Config{BaseURL: "https://a.example", Keys: [][]byte{testKey}}, wantErr: web.ErrInvalidConfig},
		{name: "relative base", cfg: web.Config{BaseURL: "/app", OnLogin: onLogin, Keys: [][]byte{testKey}}, wantErr: web.ErrInvalidConfig},
		{name: "http base", cfg: web.Config{BaseURL: "http://a.example", OnLogin: onLogin, Keys: [][]byte{testKey}}, wantErr: oauthkit.ErrInsecureTransport},
		{name: "bad path", cfg: web.Config{BaseURL: "https://a.example", OnLogin: onLogin, Keys: [][]byte{testKey}, LoginPath: "login/"}, wantErr: web.ErrInvalidConfig},
		{name: "remote login page", cfg: web.Config{BaseURL: "https://a.example", OnLogin: onLogin, Keys: [][]byte{testKey}, LoginPage: "//evil.example"}, wantErr: web.ErrInvalidConfig},
	}
	for _, tc := range tests {
		if _, err := web.NewLogin(tc.cfg); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: NewLogin() = %v; want %v", tc.name, err, tc.wantErr)
		}
	}
	if _, err := web.NewLogin(web.Config{BaseURL: "http://a.example", OnLogin: onLogin, Keys: [][]byte{testKey}, InsecureAllowHTTP: true}); err != nil {
		t.Errorf("NewLogin() with InsecureAllowHTTP = %v", err)
	}
}

// Plain http is for loopback hosts only, by the module's one rule of
// what loopback is (the one oauthkit.NewSession and oidc apply).
func TestNewLogin_loopbackHTTP(t *testing.T) {
	t.Parallel()
	onLogin := func(http.ResponseWriter, *http.Request, *web.Result) (string, error) { return "", nil }
	tests := []struct {
		base string
		ok   bool
	}{
		{"http://localhost:8080", true},
		{"http://LOCALHOST:8080", true},
		{"http://127.0.0.1:8080", true},
		{"http://[::1]:8080", true},
		{"http://[::ffff:127.0.0.1]:8080", true},
		{"http://app.localhost:8080", false},
		{"http://localhost.example", false},
		{"http://127.0.0.1.example", false},
		{"http://0.0.0.0:8080", false},
	}
	for _, tc := range tests {
		_, err := web.NewLogin(web.Config{BaseURL: tc.base, OnLogin: onLogin, Keys: [][]byte{testKey}})
		if tc.ok && err != nil || !tc.ok && !errors.Is(err, oauthkit.ErrInsecureTransport) {
			t.Errorf("NewLogin(BaseURL %q) = %v; want accepted: %t", tc.base, err, tc.ok)
		}
	}
}

func TestRegister_invalid(t *testing.T) {
	t.Parallel()
	l := offlineLogin(t, "https://app.example", nil)
	tests := []struct {
		name string
		p    web.Provider
	}{
		{name: "bad name", p: web.Provider{Name: "a/b", ClientID: "x", AuthURL: "https://op.example/a", TokenURL: "https://op.example/t"}},
		{name: "twice", p: web.Provider{Name: "ex", ClientID: "x", AuthURL: "https://op.example/a", TokenURL: "https://op.example/t"}},
		{name: "no client id", p: web.Provider{Name: "y", AuthURL: "https://op.example/a", TokenURL: "https://op.example/t"}},
		{name: "bad response mode", p: web.Provider{Name: "z", ClientID: "x", ResponseMode: "fragment", AuthURL: "https://op.example/a"}},
		{name: "http userinfo", p: web.Provider{Name: "u", ClientID: "x", AuthURL: "https://op.example/a", TokenURL: "https://op.example/t", UserInfoURL: "http://op.example/u"}},
	}
	for _, tc := range tests {
		if _, err := l.Register(t.Context(), tc.p); err == nil {
			t.Errorf("%s: Register() = nil; want an error", tc.name)
		}
	}
	if got := l.Providers(); len(got) != 1 || got[0] != "ex" {
		t.Errorf("Providers() = %v; want [ex]", got)
	}
}

func TestCallback_formPostResubmit(t *testing.T) {
	t.Parallel()
	l := offlineLogin(t, "https://app.example", nil)
	post := func(form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/callback/ex", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		l.Handler().ServeHTTP(rec, req)
		return rec
	}
	first := post(url.Values{"code": {"c"}, "state": {"S1"}, "x": {`"><script>`}})
	body := first.Body.String()
	if first.Code != http.StatusOK || !strings.Contains(body, `<form method="post" action="https://app.example/callback/ex">`) ||
		!strings.Contains(body, `name="oauthkit_resubmit" value="1"`) || !strings.Contains(body, `name="state" value="S1"`) {
		t.Fatalf("form_post without its cookie = %d %q; want the resubmit page", first.Code, body)
	}
	if strings.Contains(body, `"><script>`) {
		t.Errorf("resubmit page echoes input unescaped: %s", body)
	}
	second := post(url.Values{"code": {"c"}, "state": {"S1"}, "oauthkit_resubmit": {"1"}})
	if second.Code != http.StatusBadRequest || reason(second.Body.String()) != "flow_not_found" {
		t.Errorf("resubmitted form_post without a cookie = %d %q; want flow_not_found", second.Code, second.Body.String())
	}
}

func TestDefaultErrorHandler_escapes(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	err := &web.Error{Step: "callback", Err: &oauthkit.Error{Endpoint: "authorization", Code: "<script>x</script>", Description: `"><img src=x>`}}
	web.DefaultErrorHandler(rec, httptest.NewRequest(http.MethodGet, "/", nil), err)
	body := rec.Body.String()
	if rec.Code != http.StatusBadRequest || strings.Contains(body, "<script>x") || strings.Contains(body, "<img") {
		t.Errorf("error page = %d %q; want 400 with the provider's words escaped", rec.Code, body)
	}
	if !strings.Contains(body, "&lt;script&gt;x&lt;/script&gt;") {
		t.Errorf("error page %q does not show the provider's error code", body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// The resubmit page posts to the registered redirect URI, never to a URL
// made of the request: behind http.StripPrefix the request's path lacks
// the BaseURL's prefix.
func TestCallback_formPostResubmitTarget(t *testing.T) {
	t.Parallel()
	l := offlineLogin(t, "https://app.example/app", nil)
	h := http.StripPrefix("/app", l.Handler())
	form := url.Values{"code": {"c"}, "state": {"S1"}}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "https://app.example/app/callback/ex", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if body := rec.Body.String(); !strings.Contains(body, `<form method="post" action="https://app.example/app/callback/ex">`) {
		t.Errorf("resubmit page under a path prefix = %d %q; want it to post to the redirect URI", rec.Code, body)
	}
}
