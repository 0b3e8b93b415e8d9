package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

// helpLine says that usage errors, and only they, point to the help.
const helpLine = `Run "oauthkit help" for usage.`

func TestExitCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "p")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cc := func(tokenURL string) []string {
		return []string{"login", "--grant", "client_credentials", "--client-id", f.client.ID, "--token-url", tokenURL}
	}
	env := func(k, v string) map[string]string {
		m := map[string]string{}
		for k, v := range f.env {
			m[k] = v
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"unwritable config dir", env("OAUTHKIT_CONFIG_DIR", notADir), cc(f.srv.TokenURL()), exitLocal, "not a directory"},
		{"missing secret file", f.env, append(cc(f.srv.TokenURL()), "--client-secret-file", "/nonexistent/secret"), exitLocal, "hint: check the path"},
		{"busy redirect port", f.env, append([]string{"login", "--no-browser", "--redirect-port", busyPort}, f.endpoints()...), exitLocal, "another program uses the port"},
		{"resource 404", f.env, []string{"request", "-p", "p", f.srv.URL + "/nowhere"}, exitServer, "GET " + f.srv.URL + "/nowhere: the server answered HTTP 404 Not Found"},
		{"token endpoint 404", f.env, cc(f.srv.URL + "/nowhere"), exitServer, "HTTP 404"},
		{"discovery 404", nil, []string{"discover", f.srv.URL + "/nowhere"}, exitServer, "HTTP 404"},
		{"no revocation endpoint", f.env, []string{"revoke", "--client-id", "c", "--token-url", f.srv.TokenURL(), "tok"}, exitUsage, "no revocation endpoint: give --revocation-url, or --issuer whose discovery document has one"},
		{"no introspection endpoint", f.env, []string{"introspect", "--client-id", "c", "tok"}, exitUsage, "give --introspection-url"},
		{"no device endpoint", f.env, []string{"login", "--grant", "device_code", "--client-id", "c", "--token-url", f.srv.TokenURL()}, exitUsage, "give --device-auth-url"},
		{"insecure issuer", nil, []string{"discover", "http://auth.example"}, exitUsage, "OAUTHKIT_INSECURE_TRANSPORT=1"},
		{"trailing slash", f.env, []string{"login", "--issuer", f.srv.URL + "/", "--client-id", "c", "--grant", "client_credentials"}, exitAuth, "hint: drop the trailing slash from --issuer"},
		{"command timeout", f.env, append(cc(f.srv.TokenURL()), "--timeout", "1ns"), exitNetwork, "ran longer than --timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.args...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.wantCode, tt.wantErr)
			}
			for _, bad := range []string{"InsecureAllowHTTP", " at :", "reachable"} {
				if strings.Contains(r.stderr, bad) {
					t.Errorf("stderr %q contains %q", r.stderr, bad)
				}
			}
			if got := strings.Contains(r.stderr, helpLine); got != (tt.wantCode == exitUsage) {
				t.Errorf("help line shown = %v for exit %d:\n%s", got, tt.wantCode, r.stderr)
			}
		})
	}
}

func TestExitCodes_authorization(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "p")
	f.srv.InjectIDTokenFault(oauthtest.IDTokenFault{WrongAudience: true})
	r := f.run(t, "login", "--issuer", f.srv.URL, "--client-id", f.client.ID, "--grant", "password",
		"--username", "alice", "--scope", "openid", "-p", "oidc")
	if r.code != exitAuth || !strings.Contains(r.stderr, "audience") {
		t.Errorf("login with an ID token for another audience: exit %d\n%s", r.code, r.stderr)
	}
	f.srv.RevokeAll()
	r = f.run(t, "request", "-p", "p", f.srv.ResourceURL())
	if r.code != exitAuth || !strings.Contains(r.stderr, "HTTP 401") {
		t.Errorf("request with a revoked token: exit %d\n%s", r.code, r.stderr)
	}
	if r := f.run(t, "revoke", "-p", "p"); r.code != exitOK {
		t.Fatalf("revoke: exit %d\n%s", r.code, r.stderr)
	}
	r = f.run(t, "token", "-p", "p")
	if want := `profile "p": no token; log in again with oauthkit login -p p`; r.code != exitAuth || !strings.Contains(r.stderr, want) {
		t.Errorf("token after revoke: exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitAuth, want)
	}
}

func TestExitCodes_discoveryLacksEndpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	doc := discoveryDocument(t, f.srv)
	delete(doc, "revocation_endpoint")
	body, _ := json.Marshal(doc)
	f.srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.DiscoveryEndpoint, Status: http.StatusOK, Body: body})
	r := f.run(t, "revoke", "--issuer", f.srv.URL, "--client-id", f.client.ID, "tok")
	if want := "the discovery document of " + f.srv.URL + " has no revocation_endpoint: give --revocation-url"; r.code != exitUsage || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
}

// discoveryDocument fetches srv's discovery document.
func discoveryDocument(t *testing.T, srv *oauthtest.Server) map[string]any {
	t.Helper()
	resp, err := srv.Client().Get(srv.OpenIDConfigurationURL())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestExitCode_classification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		wantCode int
		wantHint string
	}{
		// A syscall.Errno satisfies net.Error: it is still no network error.
		{"permission", &fs.PathError{Op: "open", Path: "/p/tokens/x.json", Err: syscall.EACCES}, exitLocal, "check the permissions of /p/tokens/x.json"},
		{"permission wrapped", tried(localError{&fs.PathError{Op: "rename", Path: "/p", Err: syscall.EPERM}}, "saving"), exitLocal, "check the permissions"},
		{"busy port", localError{&net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}}, exitLocal, "another program uses the port"},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, exitNetwork, "reachable"},
		{"unclassified", errors.New("odd"), exitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(t.Context(), tt.err); got != tt.wantCode {
				t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.wantCode)
			}
			if got := hint(tt.err); !strings.Contains(got, tt.wantHint) || (tt.wantHint == "") != (got == "") {
				t.Errorf("hint(%v) = %q, want %q", tt.err, got, tt.wantHint)
			}
		})
	}
}

func TestExitCodes_readmeMatchesHelp(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	table := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\| (\d+) \| ([^:|(]+)`).FindAllStringSubmatch(string(readme), -1) {
		table[m[1]] = strings.TrimSpace(m[2])
	}
	_, help, _ := strings.Cut(runCLI(t, nil, "--help").stdout, "Exit codes:\n")
	lines := regexp.MustCompile(`(?m)^  (\d+) +([^:\n(]+)`).FindAllStringSubmatch(help, -1)
	if len(lines) != len(table) || len(lines) < 7 {
		t.Fatalf("help lists %d exit codes, README %d:\n%v\n%v", len(lines), len(table), lines, table)
	}
	for _, m := range lines {
		if want := strings.TrimSpace(m[2]); table[m[1]] != want {
			t.Errorf("exit code %s: README says %q, help %q", m[1], table[m[1]], want)
		}
	}
}

// rotating makes a server rotate refresh tokens (and revoke the grant
// when a rotated one comes again).
func rotating(srv *oauthtest.Server) { srv.RotateRefreshTokens = true }

func TestInterrupt(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{}, rotating)
	srv := f.srv
	f.login(t, "p")
	files := func() [][]byte {
		var out [][]byte
		for _, kind := range []string{"profiles", "tokens"} {
			b, _ := os.ReadFile(f.store().path(kind, "p"))
			out = append(out, b)
		}
		return out
	}

	// Ctrl-C while the device flow waits for the user: the profile is as
	// it was.
	before := files()
	ctx, cancel := context.WithCancelCause(t.Context())
	bg := runBackgroundContext(t, ctx, f.env, append([]string{"login", "-p", "p", "--grant", "device_code"}, f.endpoints()...)...)
	bg.waitFor(t, regexp.MustCompile(`(enter the code)`))
	cancel(interruption{os.Interrupt})
	if r := bg.result(t); r.code != exitInterrupted || !strings.Contains(r.stderr, "oauthkit: interrupted") {
		t.Errorf("interrupted login: exit %d\n%s", r.code, r.stderr)
	}
	if after := files(); !bytes.Equal(before[0], after[0]) || !bytes.Equal(before[1], after[1]) {
		t.Error("an interrupted login changed the profile's files")
	}

	// SIGTERM while a refresh is at the server: the rotated refresh
	// token the server answers with is still saved.
	old, _ := f.store().loadToken("p")
	f.expireToken(t, "p")
	srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Delay: 300 * time.Millisecond, Times: 1})
	n := srv.RequestCount(oauthtest.TokenEndpoint)
	ctx, cancel = context.WithCancelCause(t.Context())
	bg = runBackgroundContext(t, ctx, f.env, "token", "-p", "p")
	for srv.RequestCount(oauthtest.TokenEndpoint) == n {
		time.Sleep(5 * time.Millisecond)
	}
	cancel(interruption{syscall.SIGTERM})
	if r := bg.result(t); r.code != 128+int(syscall.SIGTERM) {
		t.Errorf("interrupted refresh: exit %d, want %d\n%s", r.code, 128+int(syscall.SIGTERM), r.stderr)
	}
	saved, _ := f.store().loadToken("p")
	if saved.RefreshToken == old.RefreshToken {
		t.Fatal("the refresh token the server rotated was not saved")
	}
	if r := f.run(t, "refresh", "-p", "p"); r.code != exitOK {
		t.Errorf("refresh with the saved refresh token: exit %d\n%s", r.code, r.stderr)
	}
}

// runBackgroundContext is runBackground with the run's context.
func runBackgroundContext(t *testing.T, ctx context.Context, env map[string]string, args ...string) *background {
	t.Helper()
	return startBackground(t, ctx, &app{getenv: testEnv(t, env)}, args...)
}

// startBackground runs a in a goroutine, with its stdin empty and its
// stdout and stderr captured.
func startBackground(t *testing.T, ctx context.Context, a *app, args ...string) *background {
	t.Helper()
	buf := &bytes.Buffer{}
	b := &background{buf: buf, stderr: &syncWriter{w: buf}, done: make(chan result, 1)}
	a.stdin, a.stderr = strings.NewReader(""), b.stderr
	go func() {
		var out bytes.Buffer
		a.stdout = &out
		b.done <- result{code: a.run(ctx, args), stdout: out.String()}
	}()
	t.Cleanup(func() { <-b.done })
	return b
}

// TestToken_concurrentRenewal runs six "oauthkit token -p X" at once when
// the token is due, at a server that rotates refresh tokens and revokes
// the grant when one is reused: the token file's lock makes one of them
// refresh, and the others print the token it saved.
func TestToken_concurrentRenewal(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{}, rotating)
	srv := f.srv
	f.login(t, "p")
	f.expireToken(t, "p")
	before := srv.RequestCount(oauthtest.TokenEndpoint)
	const n = 6
	results := make(chan result, n)
	for range n {
		go func() { results <- runCLI(t, f.env, "token", "-p", "p") }()
	}
	printed := map[string]int{}
	for range n {
		r := <-results
		if r.code != exitOK {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
		printed[r.stdout]++
	}
	if refreshes := srv.RequestCount(oauthtest.TokenEndpoint) - before; refreshes != 1 || len(printed) != 1 {
		t.Errorf("%d refreshes, %d different tokens printed; want 1 and 1", refreshes, len(printed))
	}
	if r := f.run(t, "refresh", "-p", "p"); r.code != exitOK {
		t.Errorf("the grant did not survive: refresh exit %d\n%s", r.code, r.stderr)
	}
}
