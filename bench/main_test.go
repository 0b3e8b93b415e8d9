package bench

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit/internal/crossproc"
)

func TestMain(m *testing.M) {
	code := m.Run()
	crossproc.Cleanup() // the worker binary of BenchmarkStoreExpiry
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}
