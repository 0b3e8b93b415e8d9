package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/store/file"
)

// A logout while another process renews the token waits for it (the
// renewal would write the token back), and keeps the lock file: a
// process still holding a lock on it and a newer one locking a new file
// of that name would both renew.
func TestLogoutDuringARenewal(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	f.login(t, "a")
	tokens := filepath.Join(f.env["OAUTHKIT_CONFIG_DIR"], "tokens", "a.json")
	renewer, err := file.New(tokens, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := renewer.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "logout", "-p", "a", "--force", "--timeout", "200ms")
	if r.code != exitLocal || !strings.Contains(r.stderr, "lock") {
		t.Errorf("logout during a renewal: exit %d, want a failure waiting for the lock\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(tokens); err != nil {
		t.Errorf("token file after a logout that timed out: %v", err)
	}
	if _, err := f.store().loadProfile("a"); err != nil {
		t.Errorf("profile after a logout that timed out: %v", err)
	}

	later, err := file.New(tokens, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := renewer.Release(t.Context(), l); err != nil {
		t.Fatal(err)
	}
	if r := f.run(t, "logout", "-p", "a", "--force"); r.code != exitOK {
		t.Fatalf("logout: exit %d\n%s", r.code, r.stderr)
	}
	for _, p := range []string{tokens, filepath.Join(f.env["OAUTHKIT_CONFIG_DIR"], "profiles", "a.json")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s after logout: %v, want it deleted", p, err)
		}
	}
	if _, err := os.Stat(tokens + ".lock"); err != nil {
		t.Errorf("lock file after logout: %v, want it kept", err)
	}
	// Handles opened before and after the logout still exclude each other.
	if l, err = renewer.Acquire(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer renewer.Release(t.Context(), l)
	if _, err := later.Acquire(t.Context()); err == nil {
		t.Error("two handles hold the lease after logout")
	}
}
