//go:build interop

package interop

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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

var chromeShared struct {
	once  sync.Once
	ctx   context.Context
	close func()
	err   error
}

// chromeBrowser starts the one browser the tests share, or ends the test
// when Chromium is missing: a failure in CI, a skip elsewhere.
func chromeBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("/usr/bin/chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set and /usr/bin/chromium is missing: apt-get install -y chromium (scripts/test does)")
		}
		t.Skip("skipping the web login interop test: /usr/bin/chromium not found (Debian package chromium)")
	}
	chromeShared.once.Do(func() {
		dir, err := os.MkdirTemp("", "interop-chromium-")
		if err != nil {
			chromeShared.err = err
			return
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path), chromedp.UserDataDir(dir), chromedp.NoSandbox, chromedp.Flag("headless", "new"),
			chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.NoFirstRun)
		ctx, cancel := chromedp.NewContext(alloc)
		chromeShared.ctx = ctx
		chromeShared.close = func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
		chromeShared.err = chromedp.Do(ctx)
	})
	if chromeShared.err != nil {
		t.Fatalf("starting Chromium: %v", chromeShared.err)
	}
	return chromeShared.ctx
}

// closeBrowser ends the shared browser; TestMain calls it.
func closeBrowser() {
	if chromeShared.close != nil {
		chromeShared.close()
	}
}

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
	browser := chromeBrowser(t)
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
			tab, closeTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			defer closeTab()
			ctx, cancel := context.WithTimeout(tab, 45*time.Second)
			defer cancel()
			defer screenshotOnFailure(t, tab)
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

// screenshotOnFailure saves the tab's page when the test failed, under the
// system's temporary directory, and logs where.
func screenshotOnFailure(t *testing.T, tab context.Context) {
	if !t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(tab), 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		dir := filepath.Join(os.TempDir(), "oauthkit-browser-tests")
		file := filepath.Join(dir, "interop-"+strings.ReplaceAll(t.Name(), "/", "_")+".png")
		if err = os.MkdirAll(dir, 0o755); err == nil {
			if err = os.WriteFile(file, png, 0o644); err == nil {
				t.Logf("screenshot: %s", file)
				return
			}
		}
	}
	t.Logf("no screenshot: %v", err)
}
