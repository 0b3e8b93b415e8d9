package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

// newServer starts an oauthtest server with a short device interval,
// after edit (if any) configured it further.
func newServer(t *testing.T, edit ...func(*oauthtest.Server)) *oauthtest.Server {
	t.Helper()
	srv := oauthtest.NewUnstartedServer()
	srv.DeviceInterval = time.Second
	for _, e := range edit {
		e(srv)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// fixture is a server, a registered client and the environment of runs
// against them: the client secret and a fresh configuration directory.
type fixture struct {
	srv    *oauthtest.Server
	client oauthtest.Client
	env    map[string]string
}

func newFixture(t *testing.T, c oauthtest.Client, edit ...func(*oauthtest.Server)) *fixture {
	t.Helper()
	srv := newServer(t, edit...)
	c = srv.RegisterClient(c)
	return &fixture{srv: srv, client: c, env: map[string]string{
		"OAUTHKIT_CLIENT_SECRET": c.Secret,
		"OAUTHKIT_CONFIG_DIR":    t.TempDir(),
		"OAUTHKIT_PASSWORD":      oauthtest.DefaultUser().Password,
	}}
}

// endpoints are the flags naming every endpoint of the fixture's server.
func (f *fixture) endpoints(args ...string) []string {
	return append([]string{
		"--client-id", f.client.ID,
		"--auth-url", f.srv.AuthorizationURL(), "--token-url", f.srv.TokenURL(),
		"--revocation-url", f.srv.RevocationURL(), "--introspection-url", f.srv.IntrospectionURL(),
		"--device-auth-url", f.srv.DeviceAuthorizationURL(), "--userinfo-url", f.srv.UserInfoURL(),
	}, args...)
}

func (f *fixture) run(t *testing.T, args ...string) result {
	t.Helper()
	return runCLI(t, f.env, args...)
}

// login logs in with the password grant as profile p.
func (f *fixture) login(t *testing.T, p string) tokenView {
	t.Helper()
	r := f.run(t, append([]string{"login"}, f.endpoints("--grant", "password", "--username", "alice", "--profile", p)...)...)
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	return decodeJSON[tokenView](t, r.stdout)
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return v
}

func TestLogin_clientCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	r := f.run(t, "login", "--grant", "client_credentials", "--client-id", f.client.ID, "--token-url", f.srv.TokenURL())
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	v := decodeJSON[tokenView](t, r.stdout)
	if v.TokenType != "Bearer" || !strings.HasSuffix(v.AccessToken, "…") || v.ExpiresIn <= 0 {
		t.Errorf("token = %+v, want a shortened Bearer token that expires", v)
	}
}

func TestLogin_outputs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	base := []string{"login", "--grant", "client_credentials", "--client-id", f.client.ID, "--token-url", f.srv.TokenURL()}
	tests := []struct {
		output string
		want   *regexp.Regexp
	}{
		{"env", regexp.MustCompile(`(?m)^OAUTHKIT_ACCESS_TOKEN='[A-Z0-9]{20,}'$`)},
		{"header", regexp.MustCompile(`^Authorization: Bearer [A-Z0-9]{20,}\n$`)},
		{"text", regexp.MustCompile(`(?m)^access_token: +[A-Z0-9]{1,4}…$`)},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			r := f.run(t, append(base, "-o", tt.output)...)
			if r.code != exitOK || !tt.want.MatchString(r.stdout) {
				t.Errorf("exit %d, stdout %q; want match %v", r.code, r.stdout, tt.want)
			}
		})
	}
}

func TestLogin_profileAndToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "work")
	dir := f.env["OAUTHKIT_CONFIG_DIR"]
	for _, kind := range []string{"profiles", "tokens"} {
		fi, err := os.Stat(filepath.Join(dir, kind, "work.json"))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s file mode = %v, want 0600", kind, fi.Mode().Perm())
		}
	}
	st := store{dir: dir}
	saved, err := st.loadToken("work")
	if err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "token", "-p", "work")
	if r.code != exitOK || r.stdout != saved.AccessToken+"\n" {
		t.Errorf("token -p work = %d %q, want the saved token", r.code, r.stdout)
	}

	// The saved token has expired: token refreshes it and saves the new one.
	saved.ExpiresAt = time.Now().Add(-time.Hour)
	if err := st.saveToken("work", saved); err != nil {
		t.Fatal(err)
	}
	r = f.run(t, "token", "-p", "work")
	renewed, err := st.loadToken("work")
	if err != nil {
		t.Fatal(err)
	}
	if r.code != exitOK || renewed.AccessToken == saved.AccessToken || r.stdout != renewed.AccessToken+"\n" {
		t.Errorf("after expiry: exit %d, printed %q, saved %q; want a refreshed, saved token", r.code, r.stdout, renewed.AccessToken)
	}
	if renewed.RefreshToken != saved.RefreshToken {
		t.Error("the refresh token was lost on refresh")
	}
}

func TestRefreshRevokeIntrospect(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "p")
	r := f.run(t, "refresh", "-p", "p")
	if r.code != exitOK {
		t.Fatalf("refresh: exit %d\n%s", r.code, r.stderr)
	}
	r = f.run(t, "introspect", "-p", "p")
	if in := decodeJSON[map[string]any](t, r.stdout); r.code != exitOK || in["active"] != true || in["sub"] != "user-1" {
		t.Errorf("introspect: exit %d, %v; want active for user-1", r.code, in)
	}
	r = f.run(t, "revoke", "-p", "p")
	if r.code != exitOK {
		t.Fatalf("revoke: exit %d\n%s", r.code, r.stderr)
	}
	r = f.run(t, "token", "-p", "p")
	if r.code != exitAuth {
		t.Errorf("token after revoke: exit %d, want %d\n%s", r.code, exitAuth, r.stderr)
	}
}

func TestRequestAndUserInfo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "default")
	r := f.run(t, "request", "-X", "POST", "-d", "a=1", "-H", "Content-Type: application/x-www-form-urlencoded", f.srv.ResourceURL())
	echo := decodeJSON[map[string]any](t, r.stdout)
	if r.code != exitOK || echo["method"] != "POST" || echo["sub"] != "user-1" {
		t.Errorf("request: exit %d, %v\n%s", r.code, echo, r.stderr)
	}
	r = f.run(t, "userinfo")
	if ui := decodeJSON[map[string]any](t, r.stdout); r.code != exitOK || ui["sub"] != "user-1" {
		t.Errorf("userinfo: exit %d, %v\n%s", r.code, ui, r.stderr)
	}
	r = f.run(t, "request", f.srv.URL+"/nowhere")
	if r.code == exitOK {
		t.Errorf("request to a missing page: exit 0")
	}
}

func TestProfilesAndLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "a")
	f.login(t, "b")
	r := f.run(t, "profiles")
	list := decodeJSON[[]profileSummary](t, r.stdout)
	if len(list) != 2 || list[0].Name != "a" || list[0].TokenState != "valid" {
		t.Fatalf("profiles = %+v", list)
	}
	before := f.srv.RequestCount(oauthtest.RevocationEndpoint)
	if r := f.run(t, "logout", "-p", "a"); r.code != exitOK {
		t.Fatalf("logout: exit %d\n%s", r.code, r.stderr)
	}
	if f.srv.RequestCount(oauthtest.RevocationEndpoint) != before+1 {
		t.Error("logout did not revoke the token")
	}
	r = f.run(t, "profiles", "-o", "text")
	if rows := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(rows) != 2 || !strings.HasPrefix(rows[1], "b ") {
		t.Errorf("profiles after logout:\n%s", r.stdout)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	down := newServer(t)
	downURL := down.TokenURL()
	down.Close()
	cc := func(tokenURL string) []string {
		return []string{"login", "--grant", "client_credentials", "--client-id", f.client.ID, "--token-url", tokenURL}
	}
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"wrong secret", map[string]string{"OAUTHKIT_CLIENT_SECRET": "wrong"}, cc(f.srv.TokenURL()), exitAuth, "hint: check the client id, the secret and --auth-method"},
		{"server down", f.env, cc(downURL), exitNetwork, "hint: check the URL"},
		{"unknown flag", nil, []string{"login", "--no-such-flag"}, exitUsage, "unknown flag"},
		{"unknown command", nil, []string{"frobnicate"}, exitUsage, "unknown command"},
		{"bad output", nil, []string{"demo", "-o", "yaml"}, exitUsage, "--output"},
		{"bad grant", f.env, append(cc(f.srv.TokenURL()), "--grant", "magic"), exitUsage, "--grant"},
		{"no profile", f.env, []string{"token", "-p", "nope"}, exitUsage, "log in first with oauthkit login -p nope"},
		{"insecure", f.env, cc("http://auth.example/token"), exitUsage, "insecure transport"},
		{"bad jwt", nil, []string{"jwt", "decode", "not-a-jwt"}, exitUsage, "decoding the JWT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.args...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.wantCode, tt.wantErr)
			}
			// The error is one line, after any progress the command printed.
			i := strings.Index(r.stderr, tt.wantErr)
			line := r.stderr[strings.LastIndex(r.stderr[:max(i, 0)], "\n")+1:]
			if !strings.HasPrefix(line, "oauthkit: ") {
				t.Errorf("error line %q lacks the prefix", line)
			}
		})
	}
}

func TestLogin_deviceCodeExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{}, func(srv *oauthtest.Server) { srv.DeviceCodeTTL = 500 * time.Millisecond })
	// --timeout bounds each exchange, not the wait for the user.
	r := f.run(t, append([]string{"login", "--grant", "device_code", "--timeout", "100ms"}, f.endpoints()...)...)
	if r.code != exitAuth || !strings.Contains(r.stderr, "expired") {
		t.Errorf("exit %d, stderr %q; want %d and the code expired", r.code, r.stderr, exitAuth)
	}
}

func TestVerbose_redacts(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{AuthMethod: oauthtest.ClientSecretPost})
	args := []string{"login", "-v", "--grant", "client_credentials", "--client-id", f.client.ID,
		"--token-url", f.srv.TokenURL(), "--auth-method", "client_secret_post"}
	r := f.run(t, args...)
	if r.code != exitOK || !strings.Contains(r.stderr, "→ POST") || strings.Contains(r.stderr, f.client.Secret) {
		t.Errorf("exit %d; stderr must log the exchange without the secret:\n%s", r.code, r.stderr)
	}
	r = f.run(t, append(args, "--show-secrets")...)
	if !strings.Contains(r.stderr, f.client.Secret) {
		t.Errorf("--show-secrets did not show the secret:\n%s", r.stderr)
	}
}

// background runs the command line in a goroutine; stderr can be read
// while it runs.
type background struct {
	stderr *syncWriter
	buf    *bytes.Buffer
	done   chan result
}

func runBackground(t *testing.T, env map[string]string, args ...string) *background {
	t.Helper()
	return runBackgroundContext(t, t.Context(), env, args...)
}

// waitFor polls stderr until re matches and returns the first group.
func (b *background) waitFor(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b.stderr.mu.Lock()
		m := re.FindStringSubmatch(b.buf.String())
		b.stderr.mu.Unlock()
		if m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("stderr never matched %v", re)
	return ""
}

func (b *background) result(t *testing.T) result {
	t.Helper()
	select {
	case r := <-b.done:
		b.done <- r // for the cleanup
		b.stderr.mu.Lock()
		r.stderr = b.buf.String()
		b.stderr.mu.Unlock()
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("the command did not finish")
	}
	return result{}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestLogin_loopbackCodeFlow(t *testing.T) {
	t.Parallel()
	port := strconv.Itoa(freePort(t))
	f := newFixture(t, oauthtest.Client{RedirectURIs: []string{"http://127.0.0.1:" + port + "/callback"}})
	bg := runBackground(t, f.env, append([]string{"login", "--no-browser", "--redirect-port", port, "--profile", "web"}, f.endpoints()...)...)
	authURL := bg.waitFor(t, regexp.MustCompile(`(?m)^  (http://\S+/authorize\?\S+)$`))

	// The test plays the browser: the server redirects to the loopback
	// listener, which answers with a page.
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, authURL, nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Logged in") {
		t.Errorf("browser page: %d %s", resp.StatusCode, page)
	}
	r := bg.result(t)
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	if v := decodeJSON[tokenView](t, r.stdout); v.Profile != "web" || v.RefreshToken == "" {
		t.Errorf("token = %+v", v)
	}
}

func TestLogin_deviceFlow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		flags  []string
		wantQR bool
	}{
		{"not a terminal", nil, false},
		{"forced qr", []string{"--qr"}, true},
		{"no qr", []string{"--qr=false"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, oauthtest.Client{})
			args := append([]string{"login", "--grant", "device_code"}, tt.flags...)
			bg := runBackground(t, f.env, append(args, f.endpoints()...)...)
			code := bg.waitFor(t, regexp.MustCompile(`enter the code (\S+)`))
			if err := f.srv.ApproveDevice(code); err != nil {
				t.Fatal(err)
			}
			r := bg.result(t)
			if r.code != exitOK {
				t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
			}
			// The quiet zone of a QR code without colour is a row of full blocks.
			if gotQR := strings.Contains(r.stderr, "\n"+strings.Repeat("█", 21)); gotQR != tt.wantQR {
				t.Errorf("QR code on stderr = %v, want %v:\n%s", gotQR, tt.wantQR, r.stderr)
			}
		})
	}
}

func TestLogin_canceled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{RedirectURIs: []string{"http://127.0.0.1/callback"}})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	r := runCLIContext(t, ctx, f.env, "", append([]string{"login", "--no-browser"}, f.endpoints()...)...)
	if r.code != exitInterrupted || !strings.HasSuffix(r.stderr, "\noauthkit: interrupted\n") {
		t.Errorf("exit %d, stderr %q; want %d and interrupted", r.code, r.stderr, exitInterrupted)
	}
}

func TestConfig_insecureTransportEnv(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		val  string
		want bool
	}{{"", false}, {"0", false}, {"1", true}, {"true", true}} {
		a := &app{getenv: func(string) string { return tt.val }, transport: &http.Transport{}}
		cfg, _, err := a.config(t.Context(), &profile{ClientID: "c", TokenURL: "http://auth.example/token"}, false)
		if err != nil || cfg.InsecureAllowHTTP != tt.want {
			t.Errorf("OAUTHKIT_INSECURE_TRANSPORT=%q: InsecureAllowHTTP = %v, %v; want %v", tt.val, cfg.InsecureAllowHTTP, err, tt.want)
		}
	}
}
