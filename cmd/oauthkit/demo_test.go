package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
