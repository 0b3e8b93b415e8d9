package secure

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LOCALHOST", true},
		{"127.0.0.1", true},
		{"127.255.3.4", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"127.0.0.1.evil", false},
		{"localhost.evil", false},
		{"evil.localhost", false},
		{"localhost.", false},
		{"0.0.0.0", false},
		{"::", false},
		{"::ffff:93.184.216.34", false},
		{"127.1", false},
		{"0177.0.0.1", false},
		{"::1%eth0", false},
		{"", false},
		{"example.com", false},
	}
	for _, tt := range tests {
		if got := IsLoopback(tt.host); got != tt.want {
			t.Errorf("IsLoopback(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestCheckEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want []string // one substring per problem, in order
	}{
		{"https://as.example/token", nil},
		{"http://127.0.0.1:8080/token", nil},
		{"http://[::1]/token", nil},
		{"http://[::ffff:127.0.0.1]/token", nil},
		{"http://localhost/token", nil},
		{"http://localhost:80@evil/token", []string{"user info", "neither https nor loopback"}},
		{"http://evil#@localhost/token", []string{"fragment", "neither https nor loopback"}},
		{"http://127.0.0.1.evil/token", []string{"neither https nor loopback"}},
		{"http://0.0.0.0/token", []string{"neither https nor loopback"}},
		{"http://[::ffff:93.184.216.34]/token", []string{"neither https nor loopback"}},
		{"http://as.example/token#frag", []string{"fragment", "neither https nor loopback"}},
		{"ftp://as.example/token", []string{"scheme"}},
		{"/token", []string{"scheme", "no host"}},
	}
	for _, tt := range tests {
		errs, insecure := CheckEndpoint(tt.raw, false)
		if insecure != nil {
			errs = append(errs, insecure)
		}
		if len(errs) != len(tt.want) {
			t.Errorf("CheckEndpoint(%q) = %v, want %d problems %q", tt.raw, errs, len(tt.want), tt.want)
			continue
		}
		for i, w := range tt.want {
			if !strings.Contains(errs[i].Error(), w) {
				t.Errorf("CheckEndpoint(%q)[%d] = %v, want %q", tt.raw, i, errs[i], w)
			}
		}
	}
	if errs, insecure := CheckEndpoint("http://as.example/token", true); len(errs) != 0 || insecure != nil {
		t.Errorf("CheckEndpoint with allowHTTP = %v, %v", errs, insecure)
	}
}

func TestCheckRedirectURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw      string
		want     []string // one substring per problem, in order
		insecure bool
	}{
		{raw: "https://app.example/cb"},
		{raw: "com.example.app:/oauth2redirect"},
		{raw: "com.example.app:/oauth2redirect/provider?x=1"},
		{raw: "com.example.app://cb"},
		{raw: "http://127.0.0.1:51004/cb"},
		{raw: "http://127.0.0.1/cb"},
		{raw: "http://[::1]:8080/cb"},
		{raw: "http://localhost:3000/cb"},
		{raw: "http://app.example/cb", insecure: true},
		{raw: "http://127.0.0.1.evil/cb", insecure: true},
		{raw: "http://localhost@evil/cb", want: []string{"user info"}, insecure: true},
		{raw: "com.example.app:/cb#x", want: []string{"fragment"}},
		{raw: "https://app.example/cb#x", want: []string{"fragment"}},
		{raw: "myapp:/cb", want: []string{"private-use scheme in reverse domain name form"}},
		{raw: "javascript:alert(1)", want: []string{"private-use"}},
		{raw: "data:text/html,x#y", want: []string{"private-use", "fragment"}},
		{raw: "/cb", want: []string{"not an absolute uri"}},
		{raw: "https:///cb", want: []string{"no host"}},
	}
	for _, tt := range tests {
		errs, insecure := CheckRedirectURI(tt.raw, false)
		if (insecure != nil) != tt.insecure {
			t.Errorf("CheckRedirectURI(%q) insecure = %v, want %v", tt.raw, insecure, tt.insecure)
		}
		if len(errs) != len(tt.want) {
			t.Errorf("CheckRedirectURI(%q) = %v, want %d problems %q", tt.raw, errs, len(tt.want), tt.want)
			continue
		}
		for i, w := range tt.want {
			if !strings.Contains(errs[i].Error(), w) {
				t.Errorf("CheckRedirectURI(%q)[%d] = %v, want %q", tt.raw, i, errs[i], w)
			}
		}
	}
	if errs, insecure := CheckRedirectURI("http://app.example/cb", true); len(errs) != 0 || insecure != nil {
		t.Errorf("CheckRedirectURI with allowHTTP = %v, %v", errs, insecure)
	}
}

// redirector answers every request with a redirect to target, and target
// itself with 200.
func redirector(t *testing.T, tls bool) (*httptest.Server, func(string) string) {
	t.Helper()
	var srv *httptest.Server
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/loop" {
			http.Redirect(w, r, "/loop", http.StatusFound)
			return
		}
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, to, http.StatusTemporaryRedirect)
			return
		}
		fmt.Fprint(w, r.Header.Get("Authorization"))
	})
	if tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv, func(to string) string { return srv.URL + "/?to=" + url.QueryEscape(to) }
}

func TestRedirectPolicy(t *testing.T) {
	t.Parallel()
	plain, via := redirector(t, false)
	other, _ := redirector(t, false)
	sentinel := errors.New("refused")
	tests := []struct {
		name   string
		policy RedirectPolicy
		start  string
		ok     bool
	}{
		{name: "loopback http follows", policy: RedirectPolicy{}, start: via(other.URL + "/"), ok: true},
		{name: "same origin only", policy: RedirectPolicy{SameOrigin: true}, start: via(other.URL + "/")},
		{name: "same origin kept", policy: RedirectPolicy{SameOrigin: true}, start: via(plain.URL + "/x"), ok: true},
		{name: "to plain http elsewhere", policy: RedirectPolicy{}, start: via("http://as.invalid/")},
		{name: "to another scheme", policy: RedirectPolicy{}, start: via("ftp://as.invalid/")},
		{name: "loop", policy: RedirectPolicy{}, start: plain.URL + "/loop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.policy.Sentinel = sentinel
			c := tt.policy.Follow(plain.Client())
			resp, err := c.Get(tt.start)
			if err == nil {
				resp.Body.Close()
			}
			if tt.ok != (err == nil) {
				t.Fatalf("Get = %v, want ok %v", err, tt.ok)
			}
			if !tt.ok && !errors.Is(err, sentinel) {
				t.Errorf("err = %v, want the sentinel", err)
			}
		})
	}
}

func TestRedirectPolicy_noDowngrade(t *testing.T) {
	t.Parallel()
	secure, via := redirector(t, true)
	c := RedirectPolicy{AllowHTTP: true}.Follow(secure.Client())
	if _, err := c.Get(via("http://as.invalid/")); err == nil || !strings.Contains(err.Error(), "neither https nor loopback") {
		t.Fatalf("https to http with AllowHTTP: err = %v, want a refusal", err)
	}
}

func TestNoRedirects(t *testing.T) {
	t.Parallel()
	_, via := redirector(t, false)
	resp, err := NoRedirects(nil).Get(via("http://as.invalid/"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != "http://as.invalid/" {
		t.Errorf("NoRedirects: %d %q, want the 307 itself", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestCrossOriginRedirect(t *testing.T) {
	t.Parallel()
	first, _ := http.NewRequest("GET", "https://api.example/a", nil)
	same, _ := http.NewRequest("GET", "https://api.example/b", nil)
	same.Response = &http.Response{Request: first}
	other, _ := http.NewRequest("GET", "https://evil.example/b", nil)
	other.Response = &http.Response{Request: first}
	down, _ := http.NewRequest("GET", "http://api.example/b", nil)
	down.Response = &http.Response{Request: first}
	for _, tt := range []struct {
		r    *http.Request
		want bool
	}{{first, false}, {same, false}, {other, true}, {down, true}} {
		if got := CrossOriginRedirect(tt.r); got != tt.want {
			t.Errorf("CrossOriginRedirect(%s) = %v, want %v", tt.r.URL, got, tt.want)
		}
	}
}
