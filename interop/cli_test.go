//go:build interop

package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// cliTimeout bounds one run of the command-line tool.
const cliTimeout = 30 * time.Second

// deviceLineRE matches the device flow instructions "oauthkit login"
// prints on stderr.
var deviceLineRE = regexp.MustCompile(`open (\S+) and enter the code (\S+)`)

// TestCLI builds cmd/oauthkit and runs "login", "token" and "request"
// against the provider, with discovery (--issuer) and a saved profile: a
// device flow, and an authorization code flow whose loopback redirect
// (RFC 8252) the browser stand-in reaches.
func TestCLI(t *testing.T) {
	t.Parallel()
	bin := buildCLI(t)
	tests := []struct {
		name string
		args []string
		act  func(ctx context.Context, line string) (done bool, err error)
	}{
		{"device code", []string{"--grant", "device_code"}, approveFromCLI},
		{"authorization code", []string{"--no-browser"}, logInFromCLI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := cli{bin: bin, configDir: t.TempDir()}
			args := append([]string{"login", "-p", "interop", "--issuer", op.Issuer,
				"--client-id", "cli-client", "--auth-method", "none",
				"--scope", "openid email profile offline_access", "--timeout", "20s"}, tt.args...)
			out := c.interact(t, tt.act, args...)
			var tok map[string]any
			if err := json.Unmarshal([]byte(out), &tok); err != nil || tok["token_type"] == nil {
				t.Fatalf("login output %q: want a token as JSON (%v)", out, err)
			}
			if at := strings.TrimSpace(c.run(t, "token", "-p", "interop")); at == "" {
				t.Error("token printed nothing")
			}
			var claims map[string]any
			body := c.run(t, "request", "-p", "interop", idp.Metadata().UserInfoEndpoint)
			if err := json.Unmarshal([]byte(body), &claims); err != nil || claims["sub"] != testUser["sub"] {
				t.Errorf("request userinfo = %q; want the claims of %v (%v)", body, testUser["sub"], err)
			}
		})
	}
}

// approveFromCLI approves the device flow when the tool prints its code.
func approveFromCLI(ctx context.Context, line string) (bool, error) {
	m := deviceLineRE.FindStringSubmatch(line)
	if m == nil {
		return false, nil
	}
	return true, approveDevice(ctx, m[1], m[2])
}

// logInFromCLI plays the browser on the authorization URL the tool prints
// (--no-browser), through to the tool's loopback redirect URI.
func logInFromCLI(ctx context.Context, line string) (bool, error) {
	u := strings.TrimSpace(line)
	if !strings.HasPrefix(u, idp.Metadata().AuthorizationEndpoint+"?") {
		return false, nil
	}
	end, err := newBrowser().visit(ctx, u, loginFields(""))
	if err != nil {
		return true, err
	}
	if !strings.Contains(end.page, "Logged in") {
		return true, fmt.Errorf("interop: the tool's callback page: %.300s", end.page)
	}
	return true, nil
}

// buildCLI builds cmd/oauthkit into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "oauthkit")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "../cmd/oauthkit")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/oauthkit: %v\n%s", err, out)
	}
	return bin
}

// cli runs the built tool with its own configuration directory.
type cli struct {
	bin       string
	configDir string
}

func (c cli) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = append(os.Environ(), "OAUTHKIT_CONFIG_DIR="+c.configDir, "NO_COLOR=1")
	return cmd
}

// run runs the tool and returns its stdout, failing the test unless it
// exits with 0.
func (c cli) run(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := c.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("oauthkit %s: %v\nstderr:\n%s", args[0], err, stderr.String())
	}
	return stdout.String()
}

// interact runs the tool and hands each line it writes on stderr to act,
// as the user reading the terminal, until act says it is done. It returns
// the tool's stdout, failing the test unless the tool exits with 0.
func (c cli) interact(t *testing.T, act func(context.Context, string) (bool, error), args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	var stdout bytes.Buffer
	stderr := &lineWriter{lines: make(chan string, 256)}
	cmd := c.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var actErr error
	for done := false; !done && actErr == nil; {
		select {
		case line := <-stderr.lines:
			done, actErr = act(ctx, line)
		case <-ctx.Done():
			actErr = ctx.Err()
		}
	}
	if err := cmd.Wait(); err != nil || actErr != nil {
		t.Fatalf("oauthkit %s: %v, user: %v\nstderr:\n%s", args[0], err, actErr, stderr)
	}
	return stdout.String()
}

// lineWriter keeps what is written to it and sends each complete line on
// lines, dropping lines nobody reads.
type lineWriter struct {
	lines chan string

	mu      sync.Mutex // guards all and partial
	all     bytes.Buffer
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all.Write(p)
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		select {
		case w.lines <- string(w.partial[:i]):
		default:
		}
		w.partial = w.partial[i+1:]
	}
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.String()
}
