package main

import (
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/testcert"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// TestLogin_dpop: login --dpop generates a key, keeps it in the profile
// (mode 0600), and every later command proves possession of it: the
// server requires DPoP and a nonce.
func TestLogin_dpop(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{}, func(s *oauthtest.Server) { s.RequireDPoP = true; s.DPoPNonce = true })
	v := loginWith(t, f, "bound", "--dpop")
	if v.TokenType != "DPoP" {
		t.Fatalf("token_type = %q; want DPoP", v.TokenType)
	}
	file := filepath.Join(f.env["OAUTHKIT_CONFIG_DIR"], "profiles", "bound.json")
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("profile mode %v; want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(file)
	var saved struct {
		DPoP    bool            `json:"dpop"`
		DPoPKey json.RawMessage `json:"dpop_key"`
	}
	if err := json.Unmarshal(b, &saved); err != nil || !saved.DPoP || !strings.Contains(string(saved.DPoPKey), `"d"`) {
		t.Fatalf("profile = %s; want dpop and a private dpop_key", b)
	}
	for _, args := range [][]string{{"request", f.srv.ResourceURL()}, {"userinfo"}, {"refresh"}, {"request", f.srv.ResourceURL()}} {
		r := f.run(t, append(args, "-p", "bound")...)
		if r.code != exitOK {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if r := f.run(t, "token", "-p", "bound", "-o", "header"); !strings.HasPrefix(r.stdout, "Authorization: DPoP ") {
		t.Errorf("token -o header = %q", r.stdout)
	}
}

// TestLogin_dpopKeyFile: --dpop-key-file uses the given key.
func TestLogin_dpopKeyFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{}, func(s *oauthtest.Server) { s.RequireDPoP = true })
	key, err := demoKey("")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(key)
	file := filepath.Join(t.TempDir(), "dpop.jwk")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if v := loginWith(t, f, "k", "--dpop-key-file", file); v.TokenType != "DPoP" {
		t.Fatalf("token_type = %q", v.TokenType)
	}
	tp, _ := key.Thumbprint()
	r := f.run(t, "introspect", "-p", "k")
	if !strings.Contains(r.stdout, tp) {
		t.Errorf("introspection does not name the key's thumbprint %s:\n%s", tp, r.stdout)
	}
	if r := f.run(t, "request", "-p", "k", "--dpop", f.srv.ResourceURL()); r.code != exitOK {
		t.Errorf("request: exit %d\n%s", r.code, r.stderr)
	}
}

// TestLogin_mtls: --cert-file and --cert-key-file authenticate a
// tls_client_auth client at the server's mTLS endpoint aliases
// (discovered), and the certificate-bound token reaches the resource.
func TestLogin_mtls(t *testing.T) {
	t.Parallel()
	ca, err := testcert.NewCA("cli test ca")
	if err != nil {
		t.Fatal(err)
	}
	srv := oauthtest.NewUnstartedServer()
	srv.ClientCAs = ca.Pool()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.TLSClientAuth, TLSClientAuthSubjectDN: "CN=cli",
		CertificateBoundAccessTokens: true})
	cert, err := ca.Issue(pkix.Name{CommonName: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPEM, keyPEM, err := testcert.PEM(cert)
	if err != nil {
		t.Fatal(err)
	}
	srvPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	for name, b := range map[string][]byte{"c.pem": certPEM, "k.pem": keyPEM, "ca.pem": srvPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"OAUTHKIT_CONFIG_DIR": t.TempDir()}
	r := runCLI(t, env, "login", "-p", "m", "--issuer", srv.URL, "--client-id", c.ID, "--auth-method", oauthkit.TLSClientAuth,
		"--grant", "client_credentials", "--cert-file", filepath.Join(dir, "c.pem"), "--cert-key-file", filepath.Join(dir, "k.pem"),
		"--ca-file", filepath.Join(dir, "ca.pem"), "-v")
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "/mtls/token") {
		t.Errorf("the token request did not go to the mTLS alias:\n%s", r.stderr)
	}
	if r := runCLI(t, env, "request", "-p", "m", srv.ResourceURL()); r.code != exitOK {
		t.Errorf("request with the bound token: exit %d\n%s", r.code, r.stderr)
	}
}

// TestExchange: oauthkit exchange trades a user's token for one of the
// client's own, for two audiences; the profile's token stays.
func TestExchange(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "default")
	r := f.run(t, "token", "-p", "default", "--show-secrets")
	subject := strings.TrimSpace(r.stdout)
	r = runCLIContext(t, t.Context(), f.env, subject, append([]string{"exchange", "--show-secrets", "--subject-token", "-",
		"--audience", "a", "--audience", "b", "--requested-token-type", "access_token"}, f.endpoints()...)...)
	if r.code != exitOK {
		t.Fatalf("exchange: exit %d\n%s", r.code, r.stderr)
	}
	v := decodeJSON[tokenView](t, r.stdout)
	if v.AccessToken == "" || v.AccessToken == subject {
		t.Errorf("exchange printed %+v; want a new token", v)
	}
	if after := strings.TrimSpace(f.run(t, "token", "-p", "default", "--show-secrets").stdout); after != subject {
		t.Errorf("the profile's token changed to %q", after)
	}
	for _, bad := range [][]string{
		{"exchange"},
		{"exchange", "--subject-token", "x", "--subject-token-type", "nonsense"},
		{"exchange", "--subject-token", "x", "--actor-token", "y"},
	} {
		if r := f.run(t, append(bad, f.endpoints()...)...); r.code != exitUsage {
			t.Errorf("%v: exit %d; want %d\n%s", bad, r.code, exitUsage, r.stderr)
		}
	}
}

// loginWith logs in with the password grant as profile p, with extra
// flags.
func loginWith(t *testing.T, f *fixture, p string, extra ...string) tokenView {
	t.Helper()
	r := f.run(t, append([]string{"login"}, f.endpoints(append([]string{"--grant", "password", "--username", "alice", "--profile", p}, extra...)...)...)...)
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	return decodeJSON[tokenView](t, r.stdout)
}

// TestLogin_againKeepsSender: a login again that changes one setting
// says that it keeps the DPoP key, as it says for the other settings.
func TestLogin_againKeepsSender(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	loginWith(t, f, "s", "--dpop", "--scope", "profile")
	r := f.run(t, "login", "-p", "s", "--grant", "password", "--username", "alice", "--scope", "profile email")
	if r.code != exitOK {
		t.Fatalf("login again: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "changing --scope;") || !strings.Contains(r.stderr, "--dpop with the saved key") {
		t.Errorf("stderr %q; want it to say that --scope changes and the DPoP key stays", r.stderr)
	}
}
