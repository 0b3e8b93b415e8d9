package file_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/store/file"
	"github.com/oauthkit/oauthkit/store/internal/storetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func newStore(t *testing.T, path string, opts file.Options) *file.Store {
	t.Helper()
	s, err := file.New(path, opts)
	if err != nil {
		t.Fatalf("New(%q) error = %v", path, err)
	}
	return s
}

func TestStore(t *testing.T) {
	t.Parallel()
	for _, key := range [][]byte{nil, bytes.Repeat([]byte{7}, 32)} {
		t.Run(map[bool]string{false: "plain", true: "encrypted"}[key != nil], func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T, ttl time.Duration) (a, b oauthkit.TokenStore) {
				path := filepath.Join(t.TempDir(), "dir", "token.json")
				opts := file.Options{Key: key, LeaseTTL: ttl}
				return newStore(t, path, opts), newStore(t, path, opts)
			})
		})
	}
}

func TestStore_files(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	s := newStore(t, path, file.Options{})
	storetest.Put(t, s, storetest.Token(1))
	storetest.Put(t, s, storetest.Token(2))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), "token.json token.json.lock"; got != want {
		t.Errorf("files after two saves = %q, want %q (no temporary file left)", got, want)
	}
	if runtime.GOOS == "windows" {
		return
	}
	for _, name := range names {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("mode of %s = %v, want 0600", name, mode)
		}
	}
}

func TestStore_encryption(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{1}, 32)
	tests := []struct {
		name    string
		saveKey []byte
		loadKey []byte
		wantErr string
	}{
		{"right key", key, key, ""},
		{"wrong key", key, bytes.Repeat([]byte{2}, 32), "does not decrypt"},
		{"no key for an encrypted file", key, nil, "encrypted and no key"},
		{"key for a plain file", nil, key, "not encrypted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "token.json")
			storetest.Put(t, newStore(t, path, file.Options{Key: tt.saveKey}), storetest.Token(1))
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if secret := storetest.Token(1).RefreshToken; tt.saveKey != nil && bytes.Contains(raw, []byte(secret)) {
				t.Errorf("encrypted file holds the refresh token in clear: %s", raw)
			}
			got, err := newStore(t, path, file.Options{Key: tt.loadKey}).Load(t.Context())
			if tt.wantErr == "" {
				if err != nil || got == nil || got.RefreshToken != storetest.Token(1).RefreshToken {
					t.Fatalf("Load() = %v, %v; want the saved token", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load() error = %v, want one saying %q", err, tt.wantErr)
			}
		})
	}
}

// An encrypted token is bound to its file's name: one copied over
// another token file under the same key (another user's, another
// profile's) does not decrypt.
func TestStore_encryptionBindsName(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{1}, 32)
	dir := t.TempDir()
	alice, bob := filepath.Join(dir, "alice.json"), filepath.Join(dir, "bob.json")
	storetest.Put(t, newStore(t, alice, file.Options{Key: key}), storetest.Token(1))
	raw, err := os.ReadFile(alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bob, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := newStore(t, bob, file.Options{Key: key}).Load(t.Context()); err == nil || !strings.Contains(err.Error(), "does not decrypt") {
		t.Fatalf("Load() of a ciphertext copied from another file = %v, %v; want a decryption error", got, err)
	}
	moved := filepath.Join(t.TempDir(), "alice.json")
	if err := os.WriteFile(moved, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := newStore(t, moved, file.Options{Key: key}).Load(t.Context()); err != nil {
		t.Fatalf("Load() of the file in another directory, same name: %v", err)
	}
}

func TestNew_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		key  []byte
		want string
	}{
		{"empty path", "", nil, "empty path"},
		{"short key", "token.json", []byte("short"), "16, 24 or 32 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := file.New(tt.path, file.Options{Key: tt.key})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "file store: ") {
				t.Fatalf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestStore_corruptFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "token.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newStore(t, path, file.Options{})
	if _, err := s.Load(t.Context()); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Load() of a corrupt file: error = %v, want one naming the file", err)
	}
	l, err := s.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release(t.Context(), l)
	if err := s.Save(t.Context(), l, nil, storetest.Token(1)); err == nil || errors.Is(err, oauthkit.ErrTokenConflict) {
		t.Fatalf("Save() over a corrupt file: error = %v, want the decoding error", err)
	}
}
