package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oauthkit/oauthkit/internal/wire"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// secret is a credential the tests put in bodies; it must not appear in
// any output unless --show-secrets.
const secret = "S3CR3T-VALUE-0123456789"

func TestRedactor_body(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body string
	}{
		{"form as text/plain", "text/plain", "access_token=" + secret + "&token_type=bearer"},
		{"form without content type", "", "refresh_token=" + secret},
		{"malformed content type", "application/json; charset", `{"access_token":"` + secret + `"}`},
		{"form content type, json body", "application/x-www-form-urlencoded", `{"access_token":"` + secret + `"}`},
		{"trailing bytes", "application/json", `{"access_token":"` + secret + `"} trailing`},
		{"array member", "application/json", `{"access_token":["` + secret + `"],"scope":["read"]}`},
		{"nested", "application/json", `{"ok":true,"authed_user":{"access_token":"` + secret + `"}}`},
		{"session token", "application/json", `{"session_token":"` + secret + `"}`},
		{"escaped", "application/json", `{"access_token":"` + secret + `\"x"}`},
		{"html page", "text/html", `<p>client_secret=` + secret + `</p>`},
		{"error echo", "application/json", `{"error":"invalid_client","error_description":"client_secret=` + secret + ` is wrong"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (redactor{}).body(tt.contentType, []byte(tt.body)); strings.Contains(got, secret[4:]) {
				t.Errorf("body(%q, %q) = %q, shows the secret", tt.contentType, tt.body, got)
			}
			if got := (redactor{show: true}).body(tt.contentType, []byte(tt.body)); !strings.Contains(got, secret) {
				t.Errorf("with --show-secrets, body(%q, %q) = %q, hides the secret", tt.contentType, tt.body, got)
			}
		})
	}
}

func TestRedactor_bodyShortens(t *testing.T) {
	t.Parallel()
	tests := []struct{ contentType, body, want string }{
		{"application/json", `{"access_token":"abcdefgh","expires_in":60}`, `{"access_token":"abcd…","expires_in":60}`},
		{"application/x-www-form-urlencoded", "code=abcdefgh&grant_type=authorization_code", "code=abcd… grant_type=authorization_code"},
		{"application/json", `{"error":"x","error_description":"bad client_secret=abcdefgh"}`, `{"error":"x","error_description":"bad client_secret=[redacted]"}`},
	}
	for _, tt := range tests {
		if got := (redactor{}).body(tt.contentType, []byte(tt.body)); got != tt.want {
			t.Errorf("body(%q, %q) = %q, want %q", tt.contentType, tt.body, got, tt.want)
		}
	}
}

// FuzzRedactor_body checks that every credential-named member the
// library decodes from a body is shortened in the log.
func FuzzRedactor_body(f *testing.F) {
	for _, s := range []struct{ ct, body string }{
		{"text/plain", "access_token=" + secret},
		{"", `{"refresh_token":"` + secret + `"}`},
		{"application/json;;", `{"id_token":"` + secret + `","x":{"client_secret":"` + secret + `"}}`},
		{"application/x-www-form-urlencoded", "code=" + secret + "&state=" + secret},
	} {
		f.Add(s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		out := (redactor{}).body(ct, body)
		m, err := wire.Decode(ct, body)
		if err != nil {
			return
		}
		for k, v := range m {
			if s, ok := v.(string); ok && isSecretName(k) && len(s) >= 12 && !strings.ContainsAny(s, "…\\\"") && strings.Contains(out, s) {
				t.Errorf("body(%q, %q) = %q shows member %q", ct, body, out, k)
			}
		}
	})
}

func TestScrub_errorLine(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "p")
	down := newServer(t)
	down.Close()
	// A URL carrying a credential (as a custom client authentication
	// method that moves the secret into the query would) ends up in the
	// url.Error text of a failed request.
	for _, args := range [][]string{
		{"request", "-p", "p", down.URL + "/x?access_token=" + secret},
		{"request", "-p", "p", "-v", down.URL + "/x?client_secret=" + secret + "&a=b"},
	} {
		r := f.run(t, args...)
		if r.code != exitNetwork || strings.Contains(r.stderr, secret[4:]) {
			t.Errorf("%v: exit %d, stderr shows the secret:\n%s", args, r.code, r.stderr)
		}
		if r := f.run(t, append(args, "--show-secrets")...); !strings.Contains(r.stderr, secret) {
			t.Errorf("%v --show-secrets: stderr hides the secret:\n%s", args, r.stderr)
		}
	}
}

func TestVerbose_redactsWhatTheLibraryParses(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"text/plain", "", "application/x-www-form-urlencoded; charset"} {
		t.Run(fmt.Sprintf("%q", ct), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header()["Content-Type"] = []string{ct}
				io.WriteString(w, "access_token="+secret+"&token_type=bearer&expires_in=3600&refresh_token="+secret)
			}))
			t.Cleanup(srv.Close)
			r := runCLI(t, map[string]string{"OAUTHKIT_CLIENT_SECRET": "s"}, "login", "-v", "--grant", "client_credentials",
				"--client-id", "c", "--token-url", srv.URL+"/token")
			if r.code != exitOK || strings.Contains(r.stderr+r.stdout, secret[4:]) {
				t.Errorf("exit %d; the secret shows:\n%s\n%s", r.code, r.stderr, r.stdout)
			}
		})
	}
}

func TestVerbose_largeBodies(t *testing.T) {
	t.Parallel()
	const size = 2<<20 + 17
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got.Store(n)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(make([]byte, size))
	}))
	t.Cleanup(srv.Close)
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "p")
	file := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(file, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "request", "-p", "p", "-v", "-X", "POST", "-d", "@"+file, srv.URL)
	if r.code != exitOK || got.Load() != size || len(r.stdout) != size {
		t.Errorf("exit %d; the server got %d bytes and stdout %d, want %d each\n%.500s", r.code, got.Load(), len(r.stdout), size, r.stderr)
	}
	if strings.Count(r.stderr, "the first MiB of a longer body") != 2 {
		t.Errorf("stderr does not say that only the start of the bodies was logged:\n%.1000s", r.stderr)
	}
}

func TestUserInfo_sizeLimit(t *testing.T) {
	t.Parallel()
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"sub":"`+strings.Repeat("x", wire.MaxBody)+`"}`)
	}))
	t.Cleanup(big.Close)
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "p")
	r := f.run(t, "userinfo", "-p", "p", "--userinfo-url", big.URL)
	if r.code != exitServer || !strings.Contains(r.stderr, "1 MiB") {
		t.Errorf("userinfo of a 1 MiB answer: exit %d, %q", r.code, r.stderr)
	}
}

func TestToken_extraCredentialsShortened(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"at-0123456789","token_type":"Bearer","team":"t1",`+
			`"session_token":"`+secret+`","authed_user":{"id":"u1","access_token":"`+secret+`"}}`)
	}))
	t.Cleanup(srv.Close)
	args := []string{"login", "--grant", "client_credentials", "--client-id", "c", "--token-url", srv.URL}
	env := map[string]string{"OAUTHKIT_CLIENT_SECRET": "s"}
	r := runCLI(t, env, args...)
	if r.code != exitOK || strings.Contains(r.stdout, secret[4:]) || !strings.Contains(r.stdout, `"team": "t1"`) {
		t.Errorf("exit %d; want the extra members with the credentials shortened:\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, env, append(args, "--show-secrets")...); strings.Count(r.stdout, secret) != 2 {
		t.Errorf("--show-secrets does not show the extra credentials:\n%s", r.stdout)
	}
}

func TestAuthMethod_noSecretInURL(t *testing.T) {
	t.Parallel()
	r := runCLI(t, map[string]string{"OAUTHKIT_CLIENT_SECRET": "s"}, "login", "--grant", "client_credentials",
		"--client-id", "c", "--token-url", "https://auth.example/token", "--auth-method", "client_secret_uri")
	if r.code != exitUsage {
		t.Errorf("--auth-method client_secret_uri: exit %d, want %d\n%s", r.code, exitUsage, r.stderr)
	}
	if help := runCLI(t, nil, "login", "--help").stdout; strings.Contains(help, "client_secret_uri") {
		t.Error("login --help offers client_secret_uri")
	}
}
