//go:build interop

package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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
			out, stderr := c.interact(t, tt.act, args...)
			if want := "✓ Logged in to " + op.Issuer + " as " + testUser["email"].(string); !strings.Contains(stderr, want) {
				t.Errorf("login stderr lacks %q:\n%s", want, stderr)
			}
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
			checkCLIRefreshFromSavedDiscovery(t, c)
			checkCLIRevokeStdin(t, c)
		})
	}
}

// TestCLI_inputs: what users give the tool, against the provider. A
// login with --issuer and no --scope asks for openid and gets an ID
// token; a client without a secret is named public before the device code
// shows; --resource makes the provider issue a token for its API, which
// the API accepts, also after the token is refreshed; a Google-style
// client JSON file supplies the client.
func TestCLI_inputs(t *testing.T) {
	t.Parallel()
	bin := buildCLI(t)
	t.Run("issuer without scope, public client", func(t *testing.T) {
		t.Parallel()
		c := cli{bin: bin, configDir: t.TempDir()}
		noted := false
		act := func(ctx context.Context, line string) (bool, error) {
			noted = noted || strings.Contains(line, "treated as a public client")
			if deviceLineRE.MatchString(line) && !noted {
				return true, fmt.Errorf("interop: the device code came before the public client note")
			}
			return approveFromCLI(ctx, line)
		}
		c.interact(t, act, "login", "-p", "oidc", "--issuer", op.Issuer, "--client-id", "cli-client", "--grant", "device_code")
		var tok map[string]any
		out := c.run(t, "token", "-p", "oidc", "-o", "json", "--show-secrets")
		if err := json.Unmarshal([]byte(out), &tok); err != nil || tok["id_token"] == nil {
			t.Errorf("token = %q (%v); want an ID token for the openid scope", out, err)
		}
	})
	t.Run("resource on every refresh", func(t *testing.T) {
		t.Parallel()
		api := newAPI(t)
		c := cli{bin: bin, configDir: t.TempDir()}
		c.interact(t, approveFromCLI, "login", "-p", "interop", "--issuer", op.Issuer, "--client-id", "cli-client",
			"--grant", "device_code", "--resource", apiResource, "--scope", "openid api:read offline_access")
		old := c.editToken(t, func(tok map[string]any) { tok["expires_at"] = time.Now().Add(-time.Minute).Unix() })
		var got map[string]string
		body := c.run(t, "request", "-p", "interop", api)
		if err := json.Unmarshal([]byte(body), &got); err != nil || got["scope"] != "api:read" {
			t.Errorf("the API answered %q (%v) after the refresh; want a token for it with scope api:read", body, err)
		}
		if renewed := c.editToken(t, func(map[string]any) {}); renewed["access_token"] == old["access_token"] {
			t.Error("the expired token was not refreshed")
		}
	})
	t.Run("resource and client JSON file", func(t *testing.T) {
		t.Parallel()
		api := newAPI(t)
		c := cli{bin: bin, configDir: t.TempDir()}
		b, _ := json.Marshal(map[string]any{"web": map[string]string{
			"client_id": basicClient.ID, "client_secret": basicClient.Secret,
			"auth_uri": idp.Metadata().AuthorizationEndpoint, "token_uri": idp.Metadata().TokenEndpoint,
		}})
		file := filepath.Join(t.TempDir(), "client.json")
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		c.run(t, "login", "-p", "api", "--grant", "client_credentials", "--client-secret-file", file,
			"--resource", apiResource, "--scope", "api:read")
		var got map[string]string
		body := c.run(t, "request", "-p", "api", api)
		if err := json.Unmarshal([]byte(body), &got); err != nil || got["client_id"] != basicClient.ID || got["scope"] != "api:read" {
			t.Errorf("the API answered %q (%v); want basic-client with scope api:read", body, err)
		}
	})
}

// TestCLI_concurrentToken runs six "oauthkit token -p X" processes at
// once when the profile's token is due. The provider rotates refresh
// tokens and revokes the whole grant when a rotated one is used again; the
// token file's lock makes one process refresh and the others print the
// token it saved, so every run succeeds and the grant lives on.
func TestCLI_concurrentToken(t *testing.T) {
	t.Parallel()
	c := cli{bin: buildCLI(t), configDir: t.TempDir()}
	c.interact(t, approveFromCLI, "login", "-p", "interop", "--issuer", op.Issuer, "--client-id", "cli-client",
		"--auth-method", "none", "--grant", "device_code", "--scope", "openid offline_access")
	c.editToken(t, func(tok map[string]any) { tok["expires_at"] = time.Now().Add(-time.Minute).Unix() })
	const n = 6
	type run struct {
		code           int
		stdout, stderr string
	}
	runs := make(chan run, n)
	for range n {
		go func() {
			code, stdout, stderr := c.execQuiet("", "token", "-p", "interop")
			runs <- run{code, stdout, stderr}
		}()
	}
	printed := map[string]bool{}
	for range n {
		r := <-runs
		if r.code != 0 {
			t.Errorf("token: exit %d\n%s", r.code, r.stderr)
		}
		printed[r.stdout] = true
	}
	if len(printed) != 1 {
		t.Errorf("the runs printed %d different tokens, want one", len(printed))
	}
	c.run(t, "refresh", "-p", "interop")
}

// checkCLIRefreshFromSavedDiscovery makes the profile's saved token
// expired: "token" refreshes it at the token endpoint of the discovery
// document the login saved, and the provider rotates the refresh token.
func checkCLIRefreshFromSavedDiscovery(t *testing.T, c cli) {
	t.Helper()
	old := c.editToken(t, func(tok map[string]any) { tok["expires_at"] = time.Now().Add(-time.Minute).Unix() })
	at := strings.TrimSpace(c.run(t, "token", "-p", "interop"))
	renewed := c.editToken(t, func(map[string]any) {})
	if at == "" || at == old["access_token"] || at != renewed["access_token"] {
		t.Errorf("token after expiry = %q; want a new access token, saved (old %v, saved %v)", at, old["access_token"], renewed["access_token"])
	}
	if renewed["refresh_token"] == old["refresh_token"] {
		t.Error("the provider rotates refresh tokens, but the saved one did not change")
	}
}

// checkCLIRevokeStdin revokes the profile's access token read from stdin
// ("revoke -"); basic-client's introspection then finds it inactive.
func checkCLIRevokeStdin(t *testing.T, c cli) {
	t.Helper()
	at := strings.TrimSpace(c.run(t, "token", "-p", "interop"))
	rs := basicClient.session(t)
	if !introspect(t, rs, at).Active {
		t.Fatal("the profile's access token is not active before revoke")
	}
	c.runInput(t, at+"\n", "revoke", "-p", "interop", "--token-type-hint", "access_token", "-")
	if introspect(t, rs, at).Active {
		t.Error("revoke - did not revoke the token it read from stdin")
	}
}

// editToken applies edit to the profile's saved token file and returns
// the token as it was.
func (c cli) editToken(t *testing.T, edit func(map[string]any)) map[string]any {
	t.Helper()
	file := filepath.Join(c.configDir, "tokens", "interop.json")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var old, tok map[string]any
	if err := json.Unmarshal(b, &old); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(b, &tok)
	edit(tok)
	if b, err = json.Marshal(tok); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return old
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
// (--no-browser), through to the tool's loopback redirect URI. A stale tab
// reaches the redirect URI first: the tool answers 400 and keeps waiting.
func logInFromCLI(ctx context.Context, line string) (bool, error) {
	u := strings.TrimSpace(line)
	if !strings.HasPrefix(u, idp.Metadata().AuthorizationEndpoint+"?") {
		return false, nil
	}
	if err := staleCallback(ctx, u); err != nil {
		return true, err
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

// staleCallback sends the redirect URI of authURL an answer with another
// state, as a tab left from an earlier login would, and checks that the
// tool refuses it.
func staleCallback(ctx context.Context, authURL string) error {
	au, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, au.Query().Get("redirect_uri")+"?code=stale&state=earlier-login", nil)
	if err != nil {
		return err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		return fmt.Errorf("interop: the tool answered a stale callback with %d, want 400", resp.StatusCode)
	}
	return nil
}

// buildCLI builds cmd/oauthkit into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	return goBuild(t, "../cmd/oauthkit")
}

// goBuild builds the program of the package in dir into the test's
// temporary directory and returns its path.
func goBuild(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(dir))
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return bin
}

// cli runs the built tool with its own configuration directory.
type cli struct {
	bin       string
	configDir string
	// env is added to the tool's environment.
	env []string
}

func (c cli) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = append(os.Environ(), "OAUTHKIT_CONFIG_DIR="+c.configDir, "NO_COLOR=1")
	cmd.Env = append(cmd.Env, c.env...)
	return cmd
}

// TestCLI_exitCodes: the provider's failures end the tool with the
// documented codes; a 404 at discovery and at the token endpoint agree.
func TestCLI_exitCodes(t *testing.T) {
	t.Parallel()
	c := cli{bin: buildCLI(t), configDir: t.TempDir(), env: []string{"OAUTHKIT_CLIENT_SECRET=" + basicClient.Secret}}
	cc := []string{"login", "--grant", "client_credentials", "--client-id", basicClient.ID}
	tests := []struct {
		name     string
		env      []string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"discovery 404", nil, []string{"discover", op.Issuer + "/nowhere"}, 5, "HTTP 404"},
		{"token endpoint 404", nil, append(cc, "--token-url", op.Issuer+"/nowhere"), 5, "HTTP 404"},
		{"wrong secret", []string{"OAUTHKIT_CLIENT_SECRET=wrong"}, append(cc, "--issuer", op.Issuer), 2, "invalid_client"},
		{"trailing slash", nil, append(cc, "--issuer", op.Issuer+"/"), 2, "drop the trailing slash"},
		{"public client, no client credentials", nil, []string{"login", "--grant", "client_credentials", "--client-id", "cli-client", "--auth-method", "none", "--issuer", op.Issuer}, 2, "requested grant type is not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := c
			c.env = append(c.env, tt.env...)
			code, _, stderr := c.exec(t, "", tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// run runs the tool and returns its stdout, failing the test unless it
// exits with 0.
func (c cli) run(t *testing.T, args ...string) string {
	t.Helper()
	return c.runInput(t, "", args...)
}

// runInput is run with stdin.
func (c cli) runInput(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, stdout, stderr := c.exec(t, stdin, args...)
	if code != 0 {
		t.Fatalf("oauthkit %s: exit %d\nstderr:\n%s", args[0], code, stderr)
	}
	return stdout
}

// exec runs the tool and returns its exit code and output.
func (c cli) exec(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	code, stdout, stderr = c.execQuiet(stdin, args...)
	if code < 0 {
		t.Fatalf("oauthkit %s: %s", args[0], stderr)
	}
	return code, stdout, stderr
}

// execQuiet is exec without the test: it may run on any goroutine. A
// tool that could not run has code -1 and the reason as stderr.
func (c cli) execQuiet(stdin string, args ...string) (code int, stdout, stderr string) {
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := c.command(ctx, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errOut.String()
	}
	if err != nil {
		return -1, out.String(), err.Error()
	}
	return 0, out.String(), errOut.String()
}

// interact runs the tool and hands each line it writes on stderr to act,
// as the user reading the terminal, until act says it is done. It returns
// the tool's stdout and stderr, failing the test unless the tool exits
// with 0.
func (c cli) interact(t *testing.T, act func(context.Context, string) (bool, error), args ...string) (string, string) {
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
	return stdout.String(), stderr.String()
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
