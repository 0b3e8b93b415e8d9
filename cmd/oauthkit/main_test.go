package main

import (
	"bytes"
	"context"
	"testing"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/testhttp"
)

func TestMain(m *testing.M) {
	testhttp.NoIdleDefaultConns()
	goleak.VerifyTestMain(m)
}

// result is the outcome of one in-process run of the command line.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command line in-process with the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runCLIContext(t, t.Context(), env, "", args...)
}

// testEnv is env's lookup, with a configuration directory of the test's
// own when env names none: a test never touches the user's profiles.
func testEnv(t *testing.T, env map[string]string) func(string) string {
	t.Helper()
	dir := env["OAUTHKIT_CONFIG_DIR"]
	if dir == "" {
		dir = t.TempDir()
	}
	return func(k string) string {
		if k == "OAUTHKIT_CONFIG_DIR" {
			return dir
		}
		return env[k]
	}
}

func runCLIContext(t *testing.T, ctx context.Context, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdin: bytes.NewBufferString(stdin), stdout: &out, stderr: &errOut, getenv: testEnv(t, env)}
	code := a.run(ctx, args)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// saveToken replaces the saved token of a profile, as a test edits it.
func (s store) saveToken(name string, t *oauthkit.Token) error { return s.write("tokens", name, t) }
