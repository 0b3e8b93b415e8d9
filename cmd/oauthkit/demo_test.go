package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "demo")
	if r.code != exitOK {
		t.Fatalf("demo exit code = %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, st := range demoSteps() {
		if !strings.Contains(r.stdout, st.name) {
			t.Errorf("demo output lacks step %q", st.name)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("demo output to a buffer has colour escapes")
	}
	if !strings.Contains(r.stdout, "steps passed") {
		t.Error("demo output lacks the summary")
	}
}

func TestDemo_json(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "demo", "-o", "json", "--step", "client credentials", "--step", "refresh")
	if r.code != exitOK {
		t.Fatalf("exit code = %d, want 0; stderr:\n%s", r.code, r.stderr)
	}
	var report struct {
		OK    bool
		Steps []demoResult
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if !report.OK || len(report.Steps) != 3 {
		t.Errorf("report = %+v, want ok with 3 steps", report)
	}
	if !strings.Contains(r.stderr, "→ POST") {
		t.Error("the transcript did not go to stderr")
	}
}

func TestDemo_secrets(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "demo", "--step", "password")
	if strings.Contains(r.stdout, "wonderland") {
		t.Error("the password appears in full without --show-secrets")
	}
	r = runCLI(t, nil, "demo", "--step", "password", "--show-secrets")
	if !strings.Contains(r.stdout, "wonderland") {
		t.Error("the password is shortened despite --show-secrets")
	}
}

func TestDemo_unknownStep(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "demo", "--step", "no such step")
	if r.code != exitUsage {
		t.Errorf("exit code = %d, want %d", r.code, exitUsage)
	}
}

func TestDemo_failingStep(t *testing.T) {
	t.Parallel()
	d := newDemoEnv(&strings.Builder{}, style{}, redactor{})
	defer d.srv.Close()
	d.srv.InjectFault(oauthtestTokenFault())
	res := d.runStep(t.Context(), 1, demoStep{"password grant", stepPassword})
	if res.OK || res.Error == "" {
		t.Errorf("step result = %+v, want a failure", res)
	}
	if err := demoErr([]demoResult{res}); exitCode(t.Context(), err) != exitAuth {
		t.Errorf("exit code of a failed demo = %d, want %d", exitCode(t.Context(), err), exitAuth)
	}
}

// TestDemo_binary builds the command and runs the demo as a subprocess.
func TestDemo_binary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "oauthkit")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.CommandContext(t.Context(), bin, "demo")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("oauthkit demo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "steps passed") {
		t.Errorf("output lacks the summary:\n%s", out)
	}
}

func oauthtestTokenFault() oauthtest.Fault {
	return oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Status: 401,
		Body: []byte(`{"error":"invalid_client","error_description":"wrong client secret"}`)}
}

// TestDemo_appSteps checks what the token-store and web-login steps show:
// one refresh for two sessions sharing a file, and a replayed callback
// refused.
func TestDemo_appSteps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		step  string
		want  []string       // in the transcript, in this order
		count map[string]int // lines containing the key
	}{
		{
			step: "file token store",
			want: []string{"grant_type=password", "both need a token at once", "grant_type=refresh_token",
				"✓ one refresh for both", "saved in token.json (-rw-------)"},
			count: map[string]int{"→ POST /token": 2, "grant_type=refresh_token": 1},
		},
		{
			step: "web login",
			want: []string{"→ GET /.well-known/openid-configuration", "→ GET http://localhost:", "/login/op",
				"← 302  Location: /authorize?", "→ GET /authorize?", "/callback/op?code=",
				"      → POST /token", "← 303  Location: /profile", "← 200  signed in",
				`sub "user-1", name "Alice", email "alice@example.com"`,
				"the same callback URL once more", "/callback/op?code=", "← 400",
				"✓ Alice (user-1) logged in", "the replayed callback got HTTP 400 (web: callback already used)"},
			count: map[string]int{"→ POST /token": 1, "/callback/op?code=": 3, "← 400": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, "demo", "--step", tt.step)
			if r.code != exitOK || !strings.Contains(r.stdout, "1 of 1 steps passed") {
				t.Fatalf("exit code = %d, want one step passed\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			rest := r.stdout
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("transcript lacks %q after the earlier lines:\n%s", w, r.stdout)
				}
				rest = rest[i+len(w):]
			}
			lines := strings.Split(r.stdout, "\n")
			for s, want := range tt.count {
				n := 0
				for _, l := range lines {
					if strings.Contains(l, s) {
						n++
					}
				}
				if n != want {
					t.Errorf("%d lines with %q, want %d:\n%s", n, s, want, r.stdout)
				}
			}
		})
	}
}

// TestCheckSharedRefresh checks that the store step fails when the
// sessions did not share one refresh.
func TestCheckSharedRefresh(t *testing.T) {
	t.Parallel()
	d := &demoEnv{red: redactor{}}
	old := &oauthkit.Token{AccessToken: "a1", RefreshToken: "r1"}
	renewed := &oauthkit.Token{AccessToken: "a2", RefreshToken: "r2"}
	tests := []struct {
		name      string
		toks      []*oauthkit.Token
		refreshes int
	}{
		{"two refreshes", []*oauthkit.Token{renewed, renewed}, 2},
		{"different tokens", []*oauthkit.Token{renewed, {AccessToken: "a3", RefreshToken: "r3"}}, 1},
		{"refresh token not rotated", []*oauthkit.Token{{AccessToken: "a2", RefreshToken: "r1"}, {AccessToken: "a2", RefreshToken: "r1"}}, 1},
		{"not saved", []*oauthkit.Token{renewed, renewed}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "token.json")
			if _, err := checkSharedRefresh(t.Context(), d, path, old, tt.toks, tt.refreshes); err == nil {
				t.Error("checkSharedRefresh() = nil error, want a failure")
			}
		})
	}
}
