package chromium

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.uber.org/goleak"
)

var shared Browser

func TestMain(m *testing.M) {
	code := m.Run()
	shared.Close()
	if err := goleak.Find(); code == 0 && err != nil {
		os.Stderr.WriteString("goleak: " + err.Error() + "\n")
		code = 1
	}
	os.Exit(code)
}

// failed is a test that has failed, for ScreenshotOnFailure.
type failed struct {
	testing.TB
	logs []string
}

func (f *failed) Failed() bool                 { return true }
func (f *failed) Name() string                 { return "TestPage/sub test" }
func (f *failed) Logf(format string, a ...any) { f.logs = append(f.logs, format) }
func (f *failed) Helper()                      {}

func TestBrowser_screenshotOnFailure(t *testing.T) {
	tab, closeTab := chromedp.NewContext(shared.Context(t), chromedp.WithNewBrowserContext())
	defer closeTab()
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Navigate(`data:text/html,<title>page</title><p id="p">hello</p>`), chromedp.WaitVisible(chromedp.CSS("#p")))
	if err != nil {
		t.Fatal(err)
	}

	ScreenshotOnFailure(t, tab) // t has not failed: nothing written
	dir := t.TempDir()
	saved := ScreenshotDir
	ScreenshotDir = dir
	defer func() { ScreenshotDir = saved }()
	f := &failed{TB: t}
	ScreenshotOnFailure(f, tab)
	png, err := os.ReadFile(filepath.Join(dir, "TestPage_sub_test.png"))
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("screenshot: %v, %d bytes, logs %q; want a PNG", err, len(png), f.logs)
	}
	if len(f.logs) != 1 || !strings.HasPrefix(f.logs[0], "screenshot of") {
		t.Errorf("logs = %q; want where the screenshot is", f.logs)
	}
}

func TestBrowser_Close_unstarted(t *testing.T) {
	t.Parallel()
	var b Browser
	b.Close() // nothing to close
}
