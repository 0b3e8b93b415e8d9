package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit/internal/testhttp"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/web"
)

// afterAll runs after every test of the package, before the leak check:
// the browser tests close their shared browser there.
var afterAll []func()

func TestMain(m *testing.M) {
	testhttp.NoIdleDefaultConns()
	code := m.Run()
	for _, f := range afterAll {
		f()
	}
	if err := goleak.Find(); code == 0 && err != nil {
		fmt.Fprintln(os.Stderr, "goleak:", err)
		code = 1
	}
	os.Exit(code)
}

// clock is a settable clock shared by the app and the provider.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startApp runs the example app against op at a test server.
func startApp(t *testing.T, op *oauthtest.Server, clk *clock) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	c := op.RegisterClient(oauthtest.Client{RedirectURIs: []string{base + "/callback/op"}})
	a, err := newApp(t.Context(), appConfig{
		BaseURL: base, Key: []byte("0123456789abcdef0123456789abcdef"), Now: clk.now,
		Providers: []web.Provider{{Name: "op", Issuer: op.URL, ClientID: c.ID, ClientSecret: c.Secret,
			Scopes: []string{"openid", "profile"}, FetchUserInfo: true}},
	})
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	srv.Config.Handler = a
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func getPage(t *testing.T, hc *http.Client, u string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sessionCookie(t *testing.T, hc *http.Client, base string) string {
	t.Helper()
	u, _ := url.Parse(base)
	for _, c := range hc.Jar.Cookies(u) {
		if c.Name == "weblogin-session" {
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// TestProfile_refresh checks that the profile page renews a due token and
// that OnTokenUpdate saves the new one in the session cookie.
func TestProfile_refresh(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Now()}
	op := oauthtest.NewUnstartedServer()
	op.Now, op.AccessTokenTTL, op.RotateRefreshTokens = clk.now, 2*time.Minute, true
	op.Start()
	t.Cleanup(op.Close)
	app := startApp(t, op, clk)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	if page := getPage(t, hc, app.URL+"/profile"); !strings.Contains(page, `href="/login/op?next=%2Fprofile"`) {
		t.Fatalf("anonymous profile = %q; want the home page with a login link back to the profile", page)
	}
	if page := getPage(t, hc, app.URL+"/login/op?next=/profile"); !strings.Contains(page, `<strong id="name">Alice</strong>`) {
		t.Fatalf("profile after login = %q; want Alice", page)
	}
	before := sessionCookie(t, hc, app.URL)
	refreshes := op.RequestCount(oauthtest.TokenEndpoint)
	if page := getPage(t, hc, app.URL+"/profile"); !strings.Contains(page, "Alice") || sessionCookie(t, hc, app.URL) != before {
		t.Fatalf("second profile view changed the session (token not due yet): %q", page)
	}
	clk.advance(90 * time.Second) // within the 60 s leeway of expiry
	page := getPage(t, hc, app.URL+"/profile")
	if !strings.Contains(page, "Alice") || !strings.Contains(page, `id="userinfo"`) {
		t.Fatalf("profile after expiry = %q; want Alice with fresh userinfo", page)
	}
	if got := op.RequestCount(oauthtest.TokenEndpoint); got != refreshes+1 {
		t.Errorf("token endpoint calls = %d; want one refresh (%d)", got, refreshes+1)
	}
	if sessionCookie(t, hc, app.URL) == before {
		t.Errorf("the session cookie still holds the old token after a refresh")
	}
	if page := getPage(t, hc, app.URL+"/profile"); !strings.Contains(page, "Alice") || op.RequestCount(oauthtest.TokenEndpoint) != refreshes+1 {
		t.Errorf("the renewed token was not kept: another refresh, or %q", page)
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		wantErr bool
	}{
		{args: nil},
		{args: []string{"-issuer", "https://op.example", "-client-id", "app", "-response-mode", "form_post"}},
		{args: []string{"-issuer", "https://op.example"}, wantErr: true},
		{args: []string{"extra"}, wantErr: true},
		{args: []string{"-nope"}, wantErr: true},
	}
	for _, tc := range tests {
		if _, err := parseFlags(tc.args, io.Discard); (err != nil) != tc.wantErr {
			t.Errorf("parseFlags(%q) = %v; want error %t", tc.args, err, tc.wantErr)
		}
	}
	if got := hostName("https://accounts.example.com/tenant"); got != "accounts-example-com" {
		t.Errorf("hostName() = %q", got)
	}
}

// TestRun starts the program as go run would, with the embedded
// provider, and stops it.
func TestRun(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var base string
	for base == "" && sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "weblogin: listening on "); ok {
			base = u
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" {
		cancel()
		t.Fatalf("no listening line; run returned %d", <-done)
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	page := getPage(t, hc, base+"/")
	hc.CloseIdleConnections()
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("run() = %d; want 0", code)
	}
	if !strings.Contains(page, `id="login-oauthtest"`) {
		t.Errorf("home page = %q; want a login link for the embedded provider", page)
	}
}
