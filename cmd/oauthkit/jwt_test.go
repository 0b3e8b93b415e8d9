package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// writeKey writes key's JSON (public half when public) to a file.
func writeKey(t *testing.T, key *jose.Key, public bool) string {
	t.Helper()
	if public {
		key = key.Public()
	}
	b, err := json.Marshal(key)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestJWTDecode(t *testing.T) {
	t.Parallel()
	key, err := demoKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := demoKey("k1")
	exp := time.Now().Add(time.Hour).Unix()
	tok, err := jose.Sign(key, jose.ES256, nil, map[string]any{"sub": "alice", "exp": exp})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"unverified", []string{"jwt", "decode", tok}, exitOK, `"verified": false`},
		{"verified", []string{"jwt", "decode", "--verify", writeKey(t, key, true), tok}, exitOK, `"verified": true`},
		{"wrong key", []string{"jwt", "decode", "--verify", writeKey(t, other, true), tok}, exitAuth, ""},
		{"alg not allowed", []string{"jwt", "decode", "--verify", writeKey(t, key, true), "--alg", "RS256", tok}, exitAuth, ""},
		{"text", []string{"jwt", "decode", "-o", "text", tok}, exitOK, "exp:      "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != tt.wantCode || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", r.code, r.stdout, r.stderr, tt.wantCode, tt.want)
			}
		})
	}
	r := runCLIContext(t, t.Context(), nil, tok+"\n", "jwt", "decode", "-")
	if v := decodeJSON[map[string]any](t, r.stdout); v["claims"].(map[string]any)["sub"] != "alice" {
		t.Errorf("decode from stdin: %v", v)
	}
	if !strings.Contains(r.stdout, "(in 59m") && !strings.Contains(r.stdout, "(in 1h") {
		t.Errorf("exp is not shown relative to now:\n%s", r.stdout)
	}
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, args := range [][]string{{"discover", srv.URL}, {"discover", "--rfc8414", srv.URL}} {
		r := runCLI(t, nil, args...)
		m := decodeJSON[map[string]any](t, r.stdout)
		if r.code != exitOK || m["token_endpoint"] != srv.TokenURL() {
			t.Errorf("%v: exit %d, %v\n%s", args, r.code, m, r.stderr)
		}
	}
}

func TestLogin_issuerAndPrivateKeyJWT(t *testing.T) {
	t.Parallel()
	key, err := demoKey("client-key")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t)
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.PrivateKeyJWT, PublicKey: key.Public()})
	env := map[string]string{"OAUTHKIT_CONFIG_DIR": t.TempDir()}
	r := runCLI(t, env, "login", "--issuer", srv.URL, "--client-id", c.ID, "--grant", "client_credentials",
		"--auth-method", "private_key_jwt", "--key-file", writeKey(t, key, false), "--profile", "pk")
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	// The saved profile fetches a new token by itself once the old one expired.
	st := store{dir: env["OAUTHKIT_CONFIG_DIR"]}
	old, _ := st.loadToken("pk")
	old.ExpiresAt = time.Now().Add(-time.Minute)
	if err := st.saveToken("pk", old); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, env, "token", "-p", "pk")
	if r.code != exitOK || strings.TrimSpace(r.stdout) == old.AccessToken {
		t.Errorf("token: exit %d, %q\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestLogin_jwtBearer(t *testing.T) {
	t.Parallel()
	key, err := demoKey("svc")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t)
	srv.TrustIssuer("svc@example", key)
	r := runCLI(t, nil, "login", "--grant", "jwt-bearer", "--client-id", "svc@example",
		"--token-url", srv.TokenURL(), "--key-file", writeKey(t, key, false))
	if r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
}
