//go:build interop

package interop

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/oauthkit/oauthkit/internal/chromium"
)

// The web login example (examples/weblogin), built and run as a user
// would with -issuer, logs in with oidc-provider in headless Chromium:
// the provider's own login, consent and logout pages, with the code flow
// and PKCE and with form_post. The apps run at http://localhost:PORT and
// the provider at http://127.0.0.1:PORT, two sites for the browser.

// webApps are the web login apps' addresses, reserved by TestMain so that
// the provider can register their redirect URIs before they start.
var webApps struct {
	query, formPost string // host:port on 127.0.0.1
}

// reserveWebApps picks two free loopback ports for the apps.
func reserveWebApps() error {
	var addrs []string
	for range 2 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("interop: reserving a port for the web login app: %w", err)
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	webApps.query, webApps.formPost = addrs[0], addrs[1]
	return nil
}

// webAppURL is the base URL of the app listening at addr.
func webAppURL(addr string) string {
	_, port, _ := strings.Cut(addr, ":")
	return "http://localhost:" + port
}

// webAppURLs are the base URLs registered with the provider (WEB_APP_URLS).
func webAppURLs() []string {
	if webApps.query == "" {
		return nil
	}
	return []string{webAppURL(webApps.query), webAppURL(webApps.formPost)}
}

// chrome is the one Chromium the tests share; TestMain closes it.
var chrome chromium.Browser

// startWebApp runs the built example against the provider at addr and
// returns its base URL; it is stopped when the test ends.
func startWebApp(t *testing.T, bin, addr string, extra ...string) string {
	t.Helper()
	base := webAppURL(addr)
	args := append([]string{"-issuer", op.Issuer, "-name", "interop", "-client-id", "web-client",
		"-client-secret", "web-secret", "-addr", addr, "-base-url", base,
		"-scopes", "openid email profile"}, extra...)
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		ok := false
		for sc.Scan() {
			if !ok && strings.HasPrefix(sc.Text(), "weblogin: listening on ") {
				ok = true
				ready <- true
			}
		}
		if !ok {
			ready <- false
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("weblogin exited before listening: %s", stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("weblogin not listening after 20 s: %s", stderr.String())
	}
	return base
}

// TestWebLogin logs in and out of the example app with oidc-provider.
func TestWebLogin(t *testing.T) {
	t.Parallel()
	browserCtx := chrome.Context(t)
	bin := goBuild(t, "../examples/weblogin")
	tests := []struct {
		name string
		addr string
		args []string
	}{
		{name: "code flow with PKCE", addr: webApps.query},
		{name: "form_post", addr: webApps.formPost, args: []string{"-response-mode", "form_post"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := startWebApp(t, bin, tc.addr, tc.args...)
			tab, closeTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
			defer closeTab()
			ctx, cancel := context.WithTimeout(tab, 45*time.Second)
			defer cancel()
			defer chromium.ScreenshotOnFailure(t, tab)
			logInAndOut(t, ctx, base)
		})
	}
}

// logInAndOut clicks "Log in", fills oidc-provider's login and consent
// pages, checks the profile page, then logs out through the provider's
// logout confirmation.
func logInAndOut(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	submit := chromedp.CSS("button.login-submit")
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Click(chromedp.CSS("#login-interop")),
		chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), testUser["sub"].(string)),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "any-password"),
		chromedp.Click(submit),
		chromedp.WaitReady(chromedp.CSS(`input[name="prompt"][value="consent"]`)),
		chromedp.Click(submit),
		chromedp.WaitVisible(chromedp.CSS("#name")),
	)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	name, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#name")))
	if err != nil || name != testUser["name"] {
		t.Fatalf("profile shows %q, %v; want %q", name, err, testUser["name"])
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#logout")),
		chromedp.Click(chromedp.CSS(`button[name="logout"][value="yes"]`)),
		chromedp.WaitVisible(chromedp.CSS("#login-interop")),
	)
	if err != nil {
		t.Fatalf("logout: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != base+"/" {
		t.Errorf("logout ended on %q, %v; want %s/", loc, err, base)
	}
}
