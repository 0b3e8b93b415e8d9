// Package chromium runs the Debian package chromium, headless, for the
// browser tests: it finds the binary (a skip outside CI when there is
// none, a failure in CI), starts one browser that a package's tests share,
// and saves a screenshot of a failed test's page.
package chromium

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Flags are the flags headless Chromium needs on a closed network, in a
// container without a sandbox or a large /dev/shm.
var Flags = []chromedp.ExecAllocatorOption{
	chromedp.NoSandbox,
	chromedp.Flag("headless", "new"),
	chromedp.DisableGPU,
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.NoFirstRun,
	chromedp.Flag("disable-dev-shm-usage", true),
}

// ScreenshotDir is where [ScreenshotOnFailure] writes: under the system's
// temporary directory, which outlives the test's own t.TempDir.
var ScreenshotDir = filepath.Join(os.TempDir(), "oauthkit-browser-tests")

// Path returns the path of the browser. Outside CI (env CI unset) it
// skips tb when there is none; in CI it fails tb.
func Path(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("CI is set and Chromium was not found: install the Debian package chromium (scripts/test does)")
	}
	tb.Skip("skipping browser test: Chromium not found (apt-get install chromium, or run ./scripts/test as root)")
	return ""
}

// Browser is one headless Chromium shared by the tests of a package: it
// starts on first use, and TestMain closes it. The zero value is ready
// to use. A Browser is safe for concurrent use by multiple goroutines.
type Browser struct {
	once  sync.Once
	ctx   context.Context // the browser's, set by once
	close func()
	err   error
}

// Context returns the browser's context, starting the browser on first
// use (or ending tb as [Path] does when there is no Chromium). Open tabs
// with chromedp.NewContext on it.
func (b *Browser) Context(tb testing.TB) context.Context {
	tb.Helper()
	path := Path(tb)
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "oauthkit-chromium-")
		if err != nil {
			b.err = err
			return
		}
		opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(dir)}, Flags...)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		b.ctx = ctx
		b.close = func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
		b.err = chromedp.Do(ctx) // starts the browser
	})
	if b.err != nil {
		tb.Fatalf("starting Chromium: %v", b.err)
	}
	return b.ctx
}

// Close ends the browser, if it was started, and removes its profile.
// Call it from TestMain after the tests, before a leak check.
func (b *Browser) Close() {
	if b.close != nil {
		b.close()
	}
}

// ScreenshotOnFailure saves a screenshot of tab's page to ScreenshotDir,
// named after the test, when tb has failed, and logs where (or why not).
// Call it from a t.Cleanup or a defer, after the test's steps.
func ScreenshotOnFailure(tb testing.TB, tab context.Context) {
	if !tb.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(tab), 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.Logf("no screenshot: %v", err)
		return
	}
	file := filepath.Join(ScreenshotDir, strings.NewReplacer("/", "_", " ", "_").Replace(tb.Name())+".png")
	err = os.MkdirAll(ScreenshotDir, 0o755)
	if err == nil {
		err = os.WriteFile(file, png, 0o644)
	}
	if err != nil {
		tb.Logf("no screenshot: %v", err)
		return
	}
	url, _ := chromedp.Run(ctx, chromedp.Location())
	tb.Logf("screenshot of %s: %s", url, file)
}
