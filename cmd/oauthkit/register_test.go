package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.InitialAccessToken = "iat-123" })
	env := map[string]string{"OAUTHKIT_CONFIG_DIR": t.TempDir()}
	args := []string{"register", "-p", "reg", "--issuer", srv.URL, "--grant-type", "client_credentials", "--scope", "reports"}

	// Without the initial access token the server refuses.
	if r := runCLI(t, env, args...); r.code != exitAuth || !strings.Contains(r.stderr, "invalid_token") {
		t.Fatalf("register without an initial access token: exit %d\n%s", r.code, r.stderr)
	}
	env["OAUTHKIT_INITIAL_ACCESS_TOKEN"] = "iat-123"
	r := runCLI(t, env, args...)
	if r.code != exitOK {
		t.Fatalf("register: exit %d\n%s", r.code, r.stderr)
	}
	v := decodeJSON[registeredView](t, r.stdout)
	saved, err := (store{dir: env["OAUTHKIT_CONFIG_DIR"]}).loadProfile("reg")
	if err != nil {
		t.Fatal(err)
	}
	if v.ClientID == "" || v.RegistrationClientURI == "" || saved.ClientID != v.ClientID || saved.ClientSecret == "" {
		t.Errorf("registered = %+v, saved %v; want a client id, a configuration URI, and the secret in the profile", v, saved.ClientID)
	}
	if strings.Contains(r.stdout, saved.ClientSecret) {
		t.Error("the client secret is printed in full without --show-secrets")
	}
	// The profile logs in.
	if r := runCLI(t, env, "login", "-p", "reg", "--grant", "client_credentials"); r.code != exitOK {
		t.Fatalf("login with the registered profile: exit %d\n%s", r.code, r.stderr)
	}
}

func TestRegister_usage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	env := map[string]string{"OAUTHKIT_CONFIG_DIR": t.TempDir()}
	for _, args := range [][]string{
		{"register", "--issuer", srv.URL},
		{"register", "-p", "x"},
		{"register", "-p", "x", "--issuer", srv.URL, "--auth-method", "private_key_jwt"},
	} {
		if r := runCLI(t, env, args...); r.code != exitUsage {
			t.Errorf("%v: exit %d; want %d\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
}

func TestLogout_endSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	r := f.run(t, "login", "-p", "p", "--issuer", f.srv.URL, "--client-id", f.client.ID, "--grant", "password", "--username", "alice")
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	r = f.run(t, "logout", "-p", "p", "--end-session", "--no-browser")
	if r.code != exitOK {
		t.Fatalf("logout --end-session: exit %d\n%s", r.code, r.stderr)
	}
	m := regexp.MustCompile(`(?m)^  (http://\S+/logout\?\S+)$`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no end-session URL in\n%s", r.stderr)
	}
	u, _ := url.Parse(m[1])
	if q := u.Query(); q.Get("id_token_hint") == "" || q.Get("client_id") != f.client.ID {
		t.Errorf("end-session URL %s; want the ID token hint and the client id", m[1])
	}
	if code, page := browse(t, m[1]); code != 200 || !strings.Contains(page, "logged out") {
		t.Errorf("end-session page: %d %.200s", code, page)
	}
	if _, err := f.store().loadProfile("p"); err == nil {
		t.Error("profile kept after logout")
	}
	// A profile without an issuer has no end-session endpoint.
	f.login(t, "plain")
	if r := f.run(t, "logout", "-p", "plain", "--end-session", "--no-browser"); r.code != exitUsage {
		t.Errorf("logout --end-session without an issuer: exit %d\n%s", r.code, r.stderr)
	}
}
