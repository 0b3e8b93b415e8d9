//go:build browser

package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/oauthkit/oauthkit/internal/chromium"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/web"
)

// The browser tests drive the example app in headless Chromium (the
// Debian package chromium) against an embedded oauthtest provider with
// its login and consent pages. The app runs at http://localhost:PORT and
// the provider at http://127.0.0.1:PORT: two sites, so the browser's
// SameSite rules apply as between an app and a real provider. One
// browser serves every test; each test has its own browser context
// (cookies), and a screenshot of a failed test is written to
// chromium.ScreenshotDir.

var browser chromium.Browser

func init() { afterAll = append(afterAll, browser.Close) }

// newTab opens a tab in a new browser context (no cookies), or in the
// browser context of parent when given. A screenshot is saved when the
// test fails.
func newTab(t *testing.T, parent context.Context) context.Context {
	t.Helper()
	var tab context.Context
	var closeTab context.CancelFunc
	if parent == nil {
		tab, closeTab = chromedp.NewContext(browser.Context(t), chromedp.WithNewBrowserContext())
	} else {
		tab, closeTab = chromedp.NewContext(parent)
	}
	t.Cleanup(closeTab)
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	t.Cleanup(cancel)
	t.Cleanup(func() { chromium.ScreenshotOnFailure(t, tab) })
	return ctx
}

// site is the example app with two providers on one oauthtest server:
// "oauthtest" (query) and "formpost" (response_mode=form_post).
type site struct {
	base string
	op   *oauthtest.Server
}

func startSite(t *testing.T) *site {
	t.Helper()
	op := oauthtest.NewUnstartedServer()
	op.LoginPage = true
	op.Start()
	t.Cleanup(op.Close)
	srv := httptest.NewUnstartedServer(nil)
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	s := &site{base: "http://localhost:" + port, op: op}
	var providers []web.Provider
	for _, p := range []struct{ name, mode string }{{"oauthtest", ""}, {"formpost", "form_post"}} {
		c := op.RegisterClient(oauthtest.Client{
			RedirectURIs:           []string{s.base + "/callback/" + p.name},
			PostLogoutRedirectURIs: []string{s.base + "/logout/return"},
		})
		providers = append(providers, web.Provider{Name: p.name, Issuer: op.URL, ClientID: c.ID, ClientSecret: c.Secret,
			Scopes: []string{"openid", "email", "profile"}, ResponseMode: p.mode, FetchUserInfo: true})
	}
	a, err := newApp(t.Context(), appConfig{BaseURL: s.base, Key: []byte("0123456789abcdef0123456789abcdef"), Providers: providers})
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	srv.Config.Handler = a
	srv.Start()
	t.Cleanup(srv.Close)
	return s
}

var (
	username = chromedp.CSS("#username")
	allow    = chromedp.CSS("#allow")
	name     = chromedp.CSS("#name")
	reason   = chromedp.CSS("#reason")
)

// startLogin opens the home page and clicks "Log in with provider", up
// to the provider's login page.
func startLogin(ctx context.Context, s *site, provider string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/"),
		chromedp.Click(chromedp.CSS("#login-"+provider)),
		chromedp.WaitVisible(username),
	)
}

// signIn fills the provider's login page and allows the request.
func signIn(ctx context.Context) error {
	return chromedp.Do(ctx,
		chromedp.SendKeys(username, "alice"),
		chromedp.SendKeys(chromedp.CSS("#password"), "wonderland"),
		chromedp.Click(chromedp.CSS("#sign-in")),
		chromedp.Click(allow),
	)
}

// profileName waits for the profile page and returns the name it shows.
func profileName(ctx context.Context) (string, error) {
	if err := chromedp.Do(ctx, chromedp.WaitVisible(name)); err != nil {
		return "", err
	}
	return chromedp.Run(ctx, chromedp.Text(name))
}

// errorReason waits for the app's error page and returns its reason.
func errorReason(ctx context.Context) (string, error) {
	if err := chromedp.Do(ctx, chromedp.WaitVisible(reason)); err != nil {
		return "", err
	}
	a, err := chromedp.Run(ctx, chromedp.AttributeValue(reason, "data-reason"))
	return a.Value, err
}

// callbacks records the requests the tab sends to the app's callbacks.
type callbacks struct {
	mu   sync.Mutex // guards reqs
	reqs []*network.Request
}

func recordCallbacks(t *testing.T, ctx context.Context) *callbacks {
	t.Helper()
	cb := &callbacks{}
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && strings.Contains(e.Request.URL, "/callback/") {
			cb.mu.Lock()
			cb.reqs = append(cb.reqs, e.Request)
			cb.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func (c *callbacks) all() []*network.Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*network.Request(nil), c.reqs...)
}

func TestBrowser(t *testing.T) {
	s := startSite(t)
	browser.Context(t)
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s *site)
	}{
		{"code flow with PKCE and logout", testLoginLogout},
		{"form_post", testFormPost},
		{"tampered flow cookie", testTamperedCookie},
		{"replayed callback", testReplayedCallback},
		{"mismatched state", testMismatchedState},
		{"provider error", testProviderError},
		{"two tabs at once", testTwoTabs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, s)
		})
	}
}

func testLoginLogout(t *testing.T, s *site) {
	ctx := newTab(t, nil)
	if err := startLogin(ctx, s, "oauthtest"); err != nil {
		t.Fatal(err)
	}
	if err := signIn(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := profileName(ctx); err != nil || got != "Alice" {
		t.Fatalf("profile shows %q, %v; want Alice", got, err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if loc != s.base+"/profile" {
		t.Errorf("landed on %s; want %s/profile", loc, s.base)
	}
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#logout")),
		chromedp.Click(chromedp.CSS("#confirm-logout")), // the provider's confirmation
		chromedp.WaitVisible(chromedp.CSS("#login-oauthtest")),
	)
	if err != nil {
		t.Fatalf("logout: %v", err)
	}
	loc, _ = chromedp.Run(ctx, chromedp.Location())
	if loc != s.base+"/" {
		t.Errorf("logout landed on %s; want the home page", loc)
	}
	// The session is gone: the profile page sends the visitor home.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/profile"), chromedp.WaitVisible(chromedp.CSS("#providers"))); err != nil {
		t.Errorf("profile after logout: %v", err)
	}
}

func testFormPost(t *testing.T, s *site) {
	ctx := newTab(t, nil)
	cb := recordCallbacks(t, ctx)
	if err := startLogin(ctx, s, "formpost"); err != nil {
		t.Fatal(err)
	}
	if err := signIn(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := profileName(ctx); err != nil || got != "Alice" {
		t.Fatalf("profile shows %q, %v; want Alice", got, err)
	}
	// The provider's POST comes from another site, without the Lax flow
	// cookie; the app posts it again itself, with the cookie.
	var posts int
	for _, r := range cb.all() {
		if r.Method == "POST" {
			posts++
		}
	}
	if posts != 2 {
		t.Errorf("the callback got %d POSTs; want 2 (the provider's, then the app's own resubmit)", posts)
	}
}

func testTamperedCookie(t *testing.T, s *site) {
	ctx := newTab(t, nil)
	if err := startLogin(ctx, s, "oauthtest"); err != nil {
		t.Fatal(err)
	}
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.base + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	var tampered bool
	for _, c := range cookies.Cookies {
		if !strings.HasPrefix(c.Name, "oauthkit-flow-") {
			continue
		}
		v := []byte(c.Value)
		// Another base64url letter: flipping bits could make an invalid
		// cookie byte ('_' ^ 3 is a backslash), which the browser refuses.
		if i := len(v) / 2; v[i] == 'A' {
			v[i] = 'B'
		} else {
			v[i] = 'A'
		}
		httpOnly := true
		_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
			Name: c.Name, Value: string(v), URL: s.base + "/", Path: "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
		})
		if err != nil {
			t.Fatal(err)
		}
		tampered = true
	}
	if !tampered {
		t.Fatalf("no flow cookie among %d cookies", len(cookies.Cookies))
	}
	if err := signIn(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := errorReason(ctx); err != nil || got != "flow_tampered" {
		t.Errorf("error page reason = %q, %v; want flow_tampered", got, err)
	}
}

func testReplayedCallback(t *testing.T, s *site) {
	ctx := newTab(t, nil)
	cb := recordCallbacks(t, ctx)
	if err := startLogin(ctx, s, "oauthtest"); err != nil {
		t.Fatal(err)
	}
	if err := signIn(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := profileName(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := cb.all()
	if len(reqs) != 1 {
		t.Fatalf("saw %d callback requests; want 1", len(reqs))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(reqs[0].URL)); err != nil {
		t.Fatal(err)
	}
	if got, err := errorReason(ctx); err != nil || got != "flow_replayed" {
		t.Errorf("replayed callback: reason = %q, %v; want flow_replayed", got, err)
	}
}

func testMismatchedState(t *testing.T, s *site) {
	ctx := newTab(t, nil)
	if err := startLogin(ctx, s, "oauthtest"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/callback/oauthtest?code=forged&state=FORGEDSTATE")); err != nil {
		t.Fatal(err)
	}
	if got, err := errorReason(ctx); err != nil || got != "state_mismatch" {
		t.Errorf("forged callback: reason = %q, %v; want state_mismatch", got, err)
	}
}

func testProviderError(t *testing.T, s *site) {
	ctx := newTab(t, nil)
	if err := startLogin(ctx, s, "oauthtest"); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.SendKeys(username, "alice"),
		chromedp.SendKeys(chromedp.CSS("#password"), "wonderland"),
		chromedp.Click(chromedp.CSS("#sign-in")),
		chromedp.Click(chromedp.CSS("#deny")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := errorReason(ctx); err != nil || got != "provider_error" {
		t.Fatalf("denied login: reason = %q, %v; want provider_error", got, err)
	}
	detail, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#detail")))
	if err != nil || !strings.Contains(detail, "access_denied") {
		t.Errorf("error detail = %q, %v; want access_denied", detail, err)
	}
}

func testTwoTabs(t *testing.T, s *site) {
	first := newTab(t, nil)
	if err := startLogin(first, s, "oauthtest"); err != nil {
		t.Fatal(err)
	}
	second := newTab(t, first) // the same browser context: the same cookies
	if err := startLogin(second, s, "oauthtest"); err != nil {
		t.Fatal(err)
	}
	for i, ctx := range []context.Context{second, first} {
		if err := signIn(ctx); err != nil {
			t.Fatalf("tab %d: %v", i, err)
		}
		if got, err := profileName(ctx); err != nil || got != "Alice" {
			t.Errorf("tab %d: profile shows %q, %v; want Alice", i, got, err)
		}
	}
}
