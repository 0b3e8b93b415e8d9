package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// lastForm is the form of the last request srv received at ep.
func lastForm(t *testing.T, srv *oauthtest.Server, ep oauthtest.Endpoint) url.Values {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Endpoint == ep {
			return reqs[i].Form
		}
	}
	t.Fatalf("no request at %s", ep)
	return nil
}

func TestLogin_issuerRequestsOpenID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	r := f.run(t, "login", "-p", "p", "--issuer", f.srv.URL, "--client-id", f.client.ID, "--grant", "password", "--username", "alice")
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	if got := lastForm(t, f.srv, oauthtest.TokenEndpoint).Get("scope"); got != "openid" {
		t.Errorf("scope sent = %q, want openid", got)
	}
	if tok, _ := f.store().loadToken("p"); tok.IDToken == "" {
		t.Error("no ID token")
	}
	if help := runCLI(t, nil, "login", "--help").stdout; !strings.Contains(help, "with --issuer and no --scope: openid") {
		t.Error("login --help does not say that --issuer requests openid")
	}
}

func TestLogin_again(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	login := func(env map[string]string, args ...string) result {
		t.Helper()
		r := runCLI(t, env, append([]string{"login", "-p", "w", "--grant", "client_credentials"}, args...)...)
		if r.code != exitOK {
			t.Fatalf("login %v: exit %d\n%s", args, r.code, r.stderr)
		}
		return r
	}
	login(f.env, "--client-id", f.client.ID, "--token-url", f.srv.TokenURL(), "--scope", "profile")
	if r := login(f.env); strings.Contains(r.stderr, "warning") {
		t.Errorf("logging in again with no flags warns:\n%s", r.stderr)
	}
	r := login(f.env, "--scope", "profile email")
	if want := `profile "w": changing --scope; keeping --token-url ` + f.srv.TokenURL() + `, --client-id ` + f.client.ID; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q; want %q", r.stderr, want)
	}

	// Another client at another server replaces the profile.
	other := newFixture(t, oauthtest.Client{})
	env := map[string]string{"OAUTHKIT_CONFIG_DIR": f.env["OAUTHKIT_CONFIG_DIR"], "OAUTHKIT_CLIENT_SECRET": other.client.Secret}
	r = login(env, "--client-id", other.client.ID, "--token-url", other.srv.TokenURL())
	if want := `replacing profile "w", which was for client ` + f.client.ID + " at " + f.srv.TokenURL(); !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q; want %q", r.stderr, want)
	}
	if p, _ := f.store().loadProfile("w"); p.ClientSecret != other.client.Secret || len(p.Scopes) != 0 {
		t.Errorf("replaced profile %+v keeps the old client's settings", p)
	}
}

func TestLogin_publicClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{AuthMethod: oauthtest.AuthNone})
	env := map[string]string{"OAUTHKIT_CONFIG_DIR": f.env["OAUTHKIT_CONFIG_DIR"]}
	bg := runBackground(t, env, append([]string{"login", "--grant", "device_code"}, f.endpoints()...)...)
	code := bg.waitFor(t, regexp.MustCompile(`enter the code (\S+)`))
	if err := f.srv.ApproveDevice(code); err != nil {
		t.Fatal(err)
	}
	r := bg.result(t)
	note := strings.Index(r.stderr, "treated as a public client (--auth-method none)")
	if r.code != exitOK || note < 0 || note > strings.Index(r.stderr, "enter the code") {
		t.Errorf("exit %d; want the public client named before the code:\n%s", r.code, r.stderr)
	}

	// A provider whose discovery does not allow none: the secret is needed
	// before the user is sent to the browser.
	doc := discoveryDocument(t, f.srv)
	doc["token_endpoint_auth_methods_supported"] = []string{"client_secret_basic"}
	body, _ := json.Marshal(doc)
	f.srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.DiscoveryEndpoint, Status: http.StatusOK, Body: body})
	r = runCLI(t, env, "login", "--no-browser", "--issuer", f.srv.URL, "--client-id", f.client.ID)
	if want := "does not accept public clients (it offers client_secret_basic)"; r.code != exitUsage || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
	if strings.Contains(r.stderr, "/authorize?") {
		t.Error("the authorization URL was shown although the login must fail")
	}
}

func TestLogin_requestParams(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	r := f.run(t, "login", "-p", "api", "--grant", "client_credentials", "--client-id", f.client.ID, "--token-url", f.srv.TokenURL(),
		"--audience", "https://api.example", "--resource", "https://r1.example", "--resource", "https://r2.example", "--param", "foo=bar")
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	want := url.Values{"audience": {"https://api.example"}, "resource": {"https://r1.example", "https://r2.example"}, "foo": {"bar"}}
	check := func(what string) {
		t.Helper()
		got := lastForm(t, f.srv, oauthtest.TokenEndpoint)
		for k := range got {
			if want[k] == nil {
				delete(got, k)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: token request parameters (-want +got):\n%s", what, diff)
		}
	}
	check("login")
	f.expireToken(t, "api")
	if r := f.run(t, "token", "-p", "api"); r.code != exitOK {
		t.Fatalf("token: exit %d\n%s", r.code, r.stderr)
	}
	check("renewal from the saved profile")

	// A profile with a refresh token sends them on every refresh: the
	// automatic one of "token" and "request", and "refresh", once each.
	if r := f.run(t, append([]string{"login"}, f.endpoints("-p", "rt", "--grant", "password", "--username", "alice",
		"--audience", "https://api.example", "--resource", "https://r1.example", "--resource", "https://r2.example", "--param", "foo=bar")...)...); r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	for _, args := range [][]string{{"token", "-p", "rt"}, {"request", "-p", "rt", f.srv.UserInfoURL()}, {"refresh", "-p", "rt"}} {
		f.expireToken(t, "rt")
		if r := f.run(t, args...); r.code != exitOK {
			t.Fatalf("%s: exit %d\n%s", args[0], r.code, r.stderr)
		}
		if got := lastForm(t, f.srv, oauthtest.TokenEndpoint).Get("grant_type"); got != "refresh_token" {
			t.Fatalf("%s: last token request grant_type = %q, want refresh_token", args[0], got)
		}
		check(args[0] + " refreshing")
	}

	// The browser login sends them in the authorization request.
	bg := runBackground(t, f.env, append([]string{"login", "--no-browser", "-p", "web", "--param", "prompt=consent", "--audience", "aud"}, f.endpoints()...)...)
	authURL := bg.waitFor(t, regexp.MustCompile(`(?m)^  (http://\S+/authorize\?\S+)$`))
	if u, _ := url.Parse(authURL); u.Query().Get("prompt") != "consent" || u.Query().Get("audience") != "aud" {
		t.Errorf("authorization URL %s lacks prompt=consent and audience=aud", authURL)
	}
	if r := f.run(t, "login", "--param", "novalue"); r.code != exitUsage || !strings.Contains(r.stderr, "want NAME=VALUE") {
		t.Errorf("--param novalue: exit %d, %q", r.code, r.stderr)
	}
}

func TestLogin_clientSecretFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	write := func(content string) string {
		name := filepath.Join(t.TempDir(), "client")
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return name
	}
	google := func(kind string) string {
		b, _ := json.Marshal(map[string]any{kind: map[string]any{
			"client_id": f.client.ID, "client_secret": f.client.Secret, "project_id": "p",
			"auth_uri": f.srv.AuthorizationURL(), "token_uri": f.srv.TokenURL(),
			"redirect_uris": []string{"http://localhost"},
		}})
		return write(string(b))
	}
	env := map[string]string{"OAUTHKIT_CONFIG_DIR": t.TempDir()}
	cc := []string{"login", "--grant", "client_credentials"}
	tests := []struct {
		name     string
		args     []string
		wantCode int
	}{
		{"installed", []string{"--client-secret-file", google("installed")}, exitOK},
		{"web", []string{"--client-secret-file", google("web")}, exitOK},
		{"plain secret with whitespace", []string{"--client-id", f.client.ID, "--token-url", f.srv.TokenURL(), "--client-secret-file", write("  " + f.client.Secret + " \r\n\n")}, exitOK},
		{"other client id", []string{"--client-id", "someone-else", "--client-secret-file", google("installed")}, exitUsage},
		{"neither installed nor web", []string{"--client-secret-file", write(`{"other":{}}`)}, exitUsage},
		{"empty", []string{"--client-id", "c", "--client-secret-file", write("\n")}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := runCLI(t, env, append(cc, tt.args...)...); r.code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.wantCode, r.stderr)
			}
		})
	}
}

func TestProfiles_broken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	for _, n := range []string{"a", "b", "c"} {
		f.login(t, n)
	}
	st := f.store()
	if err := os.WriteFile(st.path("profiles", "b"), []byte(`{"client_id":"x","tok`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(st.path("tokens", "c"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "profiles")
	var states []string
	for _, p := range decodeJSON[[]profileSummary](t, r.stdout) {
		states = append(states, p.Name+"="+p.TokenState)
	}
	if want := []string{"a=valid", "b=broken", "c=broken"}; r.code != exitOK || !slices.Equal(states, want) {
		t.Errorf("profiles: exit %d, %v; want %v", r.code, states, want)
	}
	r = f.run(t, "token", "-p", "b")
	if r.code != exitLocal || !strings.Contains(r.stderr, "oauthkit logout -p b --force") {
		t.Errorf("token -p b: exit %d, %q", r.code, r.stderr)
	}
	if r := f.run(t, "logout", "-p", "b"); r.code == exitOK {
		t.Error("logout of a broken profile without --force succeeded")
	}
	if r := f.run(t, "logout", "-p", "b", "--force"); r.code != exitOK {
		t.Errorf("logout --force: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(st.path("profiles", "b")); !os.IsNotExist(err) {
		t.Errorf("profile b still there: %v", err)
	}
}

func TestStore_tightensModes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "a")
	st := f.store()
	for name, mode := range map[string]os.FileMode{filepath.Dir(st.path("tokens", "a")): 0o755, st.path("tokens", "a"): 0o644, st.path("profiles", "a"): 0o640} {
		if err := os.Chmod(name, mode); err != nil {
			t.Fatal(err)
		}
	}
	r := f.run(t, "token", "-p", "a")
	if r.code != exitOK || strings.Count(r.stderr, "readable by others") != 3 {
		t.Errorf("exit %d; want a warning for each of the 3 loose modes:\n%s", r.code, r.stderr)
	}
	for name, want := range map[string]os.FileMode{filepath.Dir(st.path("tokens", "a")): 0o700, st.path("tokens", "a"): 0o600, st.path("profiles", "a"): 0o600} {
		if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", name, fi.Mode().Perm(), err, want)
		}
	}
	if r := f.run(t, "token", "-p", "a"); strings.Contains(r.stderr, "warning") {
		t.Errorf("warned again after tightening:\n%s", r.stderr)
	}
}
