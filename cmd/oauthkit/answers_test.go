package main

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestRevokeIntrospect_stdin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "p")
	tok := strings.TrimSpace(f.run(t, "token", "-p", "p").stdout)
	introspect := func() map[string]any {
		t.Helper()
		r := runCLIContext(t, t.Context(), f.env, tok+"\n", "introspect", "-p", "p", "-")
		if r.code != exitOK {
			t.Fatalf("introspect -: exit %d\n%s", r.code, r.stderr)
		}
		return decodeJSON[map[string]any](t, r.stdout)
	}
	if in := introspect(); in["active"] != true {
		t.Fatalf("introspect - before revoke = %v, want active", in)
	}
	if r := runCLIContext(t, t.Context(), f.env, tok+"\n", "revoke", "-p", "p", "-"); r.code != exitOK {
		t.Fatalf("revoke -: exit %d\n%s", r.code, r.stderr)
	}
	if in := introspect(); in["active"] != false {
		t.Errorf("introspect - after revoke - = %v, want inactive: the token on stdin was not revoked", in)
	}

	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"revoke empty stdin", "", []string{"revoke", "-p", "p", "-"}},
		{"revoke blank stdin", " \n\t\n", []string{"revoke", "-p", "p", "-"}},
		{"revoke empty argument", "", []string{"revoke", "-p", "p", ""}},
		{"introspect empty stdin", "", []string{"introspect", "-p", "p", "-"}},
		{"introspect blank argument", "", []string{"introspect", "-p", "p", "  "}},
		{"jwt decode empty stdin", "", []string{"jwt", "decode", "-"}},
	}
	before := f.srv.RequestCount(oauthtest.RevocationEndpoint) + f.srv.RequestCount(oauthtest.IntrospectionEndpoint)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLIContext(t, t.Context(), f.env, tt.stdin, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, "is empty") {
				t.Errorf("exit %d, stderr %q; want a usage error about the empty token", r.code, r.stderr)
			}
		})
	}
	if n := f.srv.RequestCount(oauthtest.RevocationEndpoint) + f.srv.RequestCount(oauthtest.IntrospectionEndpoint); n != before {
		t.Errorf("%d requests reached the server for empty tokens, want none", n-before)
	}
}

// issuerFixture logs in as profile p with discovery (--issuer) and the
// password grant, so the profile has a refresh token.
func issuerFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, oauthtest.Client{})
	r := f.run(t, "login", "-p", "p", "--issuer", f.srv.URL, "--client-id", f.client.ID,
		"--grant", "password", "--username", "alice")
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	return f
}

func TestToken_noNetworkWhileValid(t *testing.T) {
	t.Parallel()
	f := issuerFixture(t)
	saved, err := f.store().loadToken("p")
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Close()
	r := f.run(t, "token", "-p", "p")
	if r.code != exitOK || r.stdout != saved.AccessToken+"\n" {
		t.Errorf("token with the provider down = %d %q\n%s; want the cached token", r.code, r.stdout, r.stderr)
	}
}

func TestToken_rediscovery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// edit changes the saved discovery document.
		edit          func(f *fixture, d *discovery)
		wantDiscovery int
	}{
		{"fresh document", func(*fixture, *discovery) {}, 0},
		{"older than a day", func(_ *fixture, d *discovery) { d.FetchedAt = time.Now().Add(-25 * time.Hour) }, 1},
		{"endpoint moved", func(f *fixture, d *discovery) { d.Metadata.TokenEndpoint = f.srv.URL + "/old/token" }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := issuerFixture(t)
			st := f.store()
			p, err := st.loadProfile("p")
			if err != nil || p.Discovery == nil {
				t.Fatalf("profile %+v, %v; want a saved discovery document", p, err)
			}
			tt.edit(f, p.Discovery)
			if err := st.saveProfile("p", p); err != nil {
				t.Fatal(err)
			}
			f.expireToken(t, "p")
			before := f.srv.RequestCount(oauthtest.DiscoveryEndpoint)
			r := f.run(t, "token", "-p", "p")
			renewed, _ := st.loadToken("p")
			if r.code != exitOK || r.stdout != renewed.AccessToken+"\n" {
				t.Fatalf("token: exit %d %q, saved %q\n%s", r.code, r.stdout, renewed.AccessToken, r.stderr)
			}
			if n := f.srv.RequestCount(oauthtest.DiscoveryEndpoint) - before; n != tt.wantDiscovery {
				t.Errorf("discovery requests = %d, want %d", n, tt.wantDiscovery)
			}
			p, _ = st.loadProfile("p")
			if p.Discovery.Metadata.TokenEndpoint != f.srv.TokenURL() || time.Since(p.Discovery.FetchedAt) > time.Hour && tt.wantDiscovery > 0 {
				t.Errorf("saved discovery = %v at %v; want the server's, fetched now", p.Discovery.Metadata.TokenEndpoint, p.Discovery.FetchedAt)
			}
		})
	}
}

func (f *fixture) store() store { return store{dir: f.env["OAUTHKIT_CONFIG_DIR"]} }

// expireToken makes the saved token of profile name expired.
func (f *fixture) expireToken(t *testing.T, name string) {
	t.Helper()
	tok, err := f.store().loadToken(name)
	if err != nil {
		t.Fatal(err)
	}
	tok.ExpiresAt = time.Now().Add(-time.Minute)
	if err := f.store().saveToken(name, tok); err != nil {
		t.Fatal(err)
	}
}

// loopbackLogin starts "oauthkit login" on the browser flow and returns
// it with the authorization URL it printed and its redirect URI.
func loopbackLogin(t *testing.T) (*fixture, *background, string, string) {
	t.Helper()
	port := strconv.Itoa(freePort(t))
	redirect := "http://127.0.0.1:" + port + "/callback"
	f := newFixture(t, oauthtest.Client{RedirectURIs: []string{redirect}})
	bg := runBackground(t, f.env, append([]string{"login", "--no-browser", "--redirect-port", port, "-p", "web"}, f.endpoints()...)...)
	authURL := bg.waitFor(t, regexp.MustCompile(`(?m)^  (http://\S+/authorize\?\S+)$`))
	return f, bg, authURL, redirect
}

// browse sends a GET like a browser that does not follow redirects and
// returns the status and the page.
func browse(t *testing.T, u string) (int, string) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(page)
}

func TestLogin_loopbackWaitsForItsAnswer(t *testing.T) {
	t.Parallel()
	_, bg, authURL, redirect := loopbackLogin(t)
	for _, query := range []string{"", "?code=stale&state=old", "?error=access_denied&state=old", "?state=", "?code=x"} {
		if status, page := browse(t, redirect+query); status != http.StatusBadRequest || !strings.Contains(page, "still waiting") {
			t.Errorf("GET /callback%s = %d %q; want 400 and the login still waiting", query, status, page)
		}
	}
	au, _ := url.Parse(authURL)
	// The right state without a code or an error is not an answer either.
	if status, _ := browse(t, redirect+"?state="+au.Query().Get("state")); status != http.StatusBadRequest {
		t.Errorf("GET /callback with only the state = %d, want 400", status)
	}
	if status, page := browse(t, authURL); status != http.StatusOK || !strings.Contains(page, "Logged in") {
		t.Errorf("the real login: %d %q", status, page)
	}
	if r := bg.result(t); r.code != exitOK {
		t.Errorf("login: exit %d\n%s", r.code, r.stderr)
	}
}

func TestLogin_loopbackAuthorizationError(t *testing.T) {
	t.Parallel()
	f, bg, authURL, redirect := loopbackLogin(t)
	au, _ := url.Parse(authURL)
	status, _ := browse(t, redirect+"?error=access_denied&state="+au.Query().Get("state"))
	r := bg.result(t)
	if status != http.StatusBadRequest || r.code != exitAuth {
		t.Fatalf("page %d, exit %d; want 400 and %d\n%s", status, r.code, exitAuth, r.stderr)
	}
	if want := "authorization at " + f.srv.AuthorizationURL(); !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, f.srv.TokenURL()) {
		t.Errorf("stderr %q; want it to name %q and not the token endpoint", r.stderr, want)
	}
}

func TestLogin_savesDefaultProfile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	r := f.run(t, "login", "--grant", "client_credentials", "--client-id", f.client.ID, "--token-url", f.srv.TokenURL())
	if r.code != exitOK || !strings.Contains(r.stderr, `profile "default"`) {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	saved, err := f.store().loadToken("default")
	if err != nil {
		t.Fatalf("login without -p saved no token: %v", err)
	}
	if r := f.run(t, "token"); r.code != exitOK || r.stdout != saved.AccessToken+"\n" {
		t.Errorf("token = %d %q, want the saved token", r.code, r.stdout)
	}
	for _, format := range []string{"json", "text"} {
		r := f.run(t, "token", "-o", format)
		if r.code != exitOK || !strings.Contains(r.stdout, saved.AccessToken) {
			t.Errorf("token -o %s = %q, want the full access token", format, r.stdout)
		}
	}
}
