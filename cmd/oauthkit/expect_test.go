package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

// runTTY runs the command line as on a terminal: stdout and stderr count
// as terminals.
func runTTY(t *testing.T, ctx context.Context, env map[string]string, args ...string) result {
	t.Helper()
	var out bytes.Buffer
	var errBuf bytes.Buffer
	errOut := &syncWriter{w: &errBuf}
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: errOut, getenv: testEnv(t, env),
		isTTY: func(io.Writer) bool { return true }}
	code := a.run(ctx, args)
	return result{code: code, stdout: out.String(), stderr: errBuf.String()}
}

func TestVersionAndCompletion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		if r := runCLI(t, nil, args...); r.code != exitOK || !regexp.MustCompile(`^oauthkit \S+.* go1\.\d+`).MatchString(r.stdout) {
			t.Errorf("%v: exit %d, %q; want the module and Go versions", args, r.code, r.stdout)
		}
	}
	for shell, want := range map[string]string{"bash": "__start_oauthkit", "zsh": "#compdef oauthkit", "fish": "complete -c oauthkit", "powershell": "Register-ArgumentCompleter"} {
		if r := runCLI(t, nil, "completion", shell); r.code != exitOK || !strings.Contains(r.stdout, want) {
			t.Errorf("completion %s: exit %d, output lacks %q", shell, r.code, want)
		}
	}
	if r := runCLI(t, nil, "completion", "tcsh"); r.code != exitUsage {
		t.Errorf("completion tcsh: exit %d, want %d", r.code, exitUsage)
	}
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "work")
	if r := f.run(t, "__complete", "token", "-p", ""); !strings.HasPrefix(r.stdout, "work\n") {
		t.Errorf("completion of -p = %q, want the saved profiles", r.stdout)
	}
}

func TestLogin_saysWhoLoggedIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	host := strings.TrimPrefix(f.srv.URL, "http://")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"verified id token", []string{"--issuer", f.srv.URL, "--client-id", f.client.ID, "--grant", "password", "--username", "alice"},
			"✓ Logged in to " + f.srv.URL + " as alice@example.com\n"},
		{"userinfo", f.endpoints("--grant", "password", "--username", "alice"), "✓ Logged in to " + host + " as alice@example.com\n"},
		{"client credentials", []string{"--client-id", f.client.ID, "--token-url", f.srv.TokenURL(), "--grant", "client_credentials"},
			"✓ Logged in to " + host + " as client " + f.client.ID + "\n"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.run(t, append([]string{"login", "-p", "x" + strconv.Itoa(i)}, tt.args...)...)
			if r.code != exitOK || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %q", r.code, r.stderr, tt.want)
			}
		})
	}
}

func TestColour(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	args := []string{"login", "--client-id", f.client.ID, "--token-url", f.srv.TokenURL(), "--grant", "client_credentials"}
	r := runTTY(t, t.Context(), f.env, args...)
	if !strings.Contains(r.stderr, ansiGreen+"✓"+ansiReset) {
		t.Errorf("success on a terminal is not green: %q", r.stderr)
	}
	r = runTTY(t, t.Context(), f.env, "token", "-p", "nope")
	if !strings.HasPrefix(r.stderr, ansiRed+"oauthkit: ") {
		t.Errorf("error on a terminal is not red: %q", r.stderr)
	}
	noColour := map[string]string{"NO_COLOR": "1", "OAUTHKIT_CONFIG_DIR": f.env["OAUTHKIT_CONFIG_DIR"]}
	if r := runTTY(t, t.Context(), noColour, "token", "-p", "nope"); strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("NO_COLOR: %q", r.stderr)
	}
	if r := f.run(t, "token", "-p", "nope"); strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("colour on a stream that is not a terminal: %q", r.stderr)
	}
}

func TestLogin_deviceCountdown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	bg := runBackground(t, f.env, append([]string{"login", "--grant", "device_code"}, f.endpoints()...)...)
	code := bg.waitFor(t, regexp.MustCompile(`enter the code (\S+)`))
	bg.waitFor(t, regexp.MustCompile(`Waiting for approval \.\.\. \(the code expires in (\d+:\d\d)\)`))
	if err := f.srv.ApproveDevice(code); err != nil {
		t.Fatal(err)
	}
	if r := bg.result(t); r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}

	// On a terminal the spinner counts down.
	now := time.Unix(1000, 0)
	if got := countdownLine("Waiting", now.Add(4*time.Minute+59500*time.Millisecond), now); got != "Waiting (the code expires in 4:59)" {
		t.Errorf("countdownLine = %q", got)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tty := &app{getenv: testEnv(t, f.env), isTTY: func(io.Writer) bool { return true }}
	bg = startBackground(t, ctx, tty, append([]string{"login", "--grant", "device_code", "--qr=false"}, f.endpoints()...)...)
	bg.waitFor(t, regexp.MustCompile(`\r\x1b\[K. Waiting for approval \.\.\. \(the code expires in (9:5\d)\)`))
	cancel()
}

func TestProfiles_text(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	if r := f.run(t, "profiles", "-o", "text"); r.code != exitOK || !strings.HasPrefix(r.stdout, "no profiles") {
		t.Errorf("profiles with none: exit %d, %q", r.code, r.stdout)
	}
	f.login(t, "a")
	r := f.run(t, "profiles", "-o", "text")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "NAME ") || !strings.HasPrefix(lines[1], "a ") {
		t.Errorf("profiles -o text:\n%s", r.stdout)
	}
}

func TestProfiles_stateCountsLeeway(t *testing.T) {
	t.Parallel()
	now := time.Now()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "pw")
	r := f.run(t, "login", "-p", "cc", "--grant", "client_credentials", "--client-id", f.client.ID, "--token-url", f.srv.TokenURL())
	if r.code != exitOK {
		t.Fatal(r.stderr)
	}
	st := f.store()
	set := func(name string, expiresIn time.Duration, refresh bool) {
		t.Helper()
		tok, _ := st.loadToken(name)
		tok.ExpiresAt = now.Add(expiresIn)
		if !refresh {
			tok.RefreshToken = ""
		}
		if err := st.saveToken(name, tok); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		profile   string
		expiresIn time.Duration
		refresh   bool
		want      string
	}{
		{"valid", "pw", time.Hour, true, "valid"},
		{"due, refresh token", "pw", 30 * time.Second, true, "refreshable"},
		{"due, no refresh token", "pw", 30 * time.Second, false, "expiring"},
		{"expired", "pw", -time.Minute, false, "expired"},
		{"due, client credentials", "cc", 30 * time.Second, false, "refreshable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set(tt.profile, tt.expiresIn, tt.refresh)
			for _, p := range decodeJSON[[]profileSummary](t, f.run(t, "profiles").stdout) {
				if p.Name == tt.profile && p.TokenState != tt.want {
					t.Errorf("state = %q, want %q", p.TokenState, tt.want)
				}
			}
		})
	}
	// A due token that cannot be renewed is still printed until it expires.
	set("pw", 30*time.Second, false)
	saved, _ := st.loadToken("pw")
	if r := f.run(t, "token", "-p", "pw"); r.code != exitOK || r.stdout != saved.AccessToken+"\n" {
		t.Errorf("token of an expiring profile: exit %d %q\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestRefresh_clientCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	r := f.run(t, "login", "-p", "cc", "--grant", "client_credentials", "--client-id", f.client.ID, "--token-url", f.srv.TokenURL())
	if r.code != exitOK {
		t.Fatal(r.stderr)
	}
	old, _ := f.store().loadToken("cc")
	r = f.run(t, "refresh", "-p", "cc", "--show-secrets")
	renewed, _ := f.store().loadToken("cc")
	if r.code != exitOK || renewed.AccessToken == old.AccessToken || !strings.Contains(r.stdout, renewed.AccessToken) {
		t.Errorf("refresh of a client-credentials profile: exit %d, %q\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestToken_helpDefaults(t *testing.T) {
	t.Parallel()
	help := runCLI(t, nil, "token", "--help").stdout
	if !regexp.MustCompile(`-o, --output string +result format: token \(the bare access token\).*\(default "token"\)`).MatchString(help) {
		t.Errorf("token --help does not say the bare token is the default:\n%s", help)
	}
	if r := runCLI(t, nil, "token", "-o", "yaml"); r.code != exitUsage {
		t.Errorf("token -o yaml: exit %d", r.code)
	}
}
