package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
)

// store keeps profiles and their tokens under one directory:
// profiles/NAME.json and tokens/NAME.json, both mode 0600, in directories
// of mode 0700. The token files are all that several processes write at
// once; tokens.go has every access to them.
type store struct {
	dir string
	// warn reports files it found readable by others, and tightened; nil
	// says nothing.
	warn func(format string, args ...any)
}

// configDir is OAUTHKIT_CONFIG_DIR, or oauthkit under the user's
// configuration directory.
func (a *app) store() (store, error) {
	if d := a.getenv("OAUTHKIT_CONFIG_DIR"); d != "" {
		return store{dir: d, warn: a.warn}, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return store{}, localError{fmt.Errorf("finding the configuration directory (set OAUTHKIT_CONFIG_DIR): %w", err)}
	}
	return store{dir: filepath.Join(d, "oauthkit"), warn: a.warn}, nil
}

var profileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func checkProfileName(name string) error {
	if !profileName.MatchString(name) {
		return usageError{fmt.Errorf("profile name %q: use letters, digits, '.', '_' and '-'", name)}
	}
	return nil
}

func (s store) path(kind, name string) string {
	return filepath.Join(s.dir, kind, name+".json")
}

// errNoProfile means the named profile was never saved.
var errNoProfile = errors.New("no such profile")

func (s store) loadProfile(name string) (*profile, error) {
	var p profile
	if err := s.read("profiles", name, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

func (s store) read(kind, name string, v any) error {
	if err := checkProfileName(name); err != nil {
		return err
	}
	file := s.path(kind, name)
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		login := "oauthkit login -p " + name
		if name == "default" {
			login = "oauthkit login, or give -p NAME"
		}
		return usageError{fmt.Errorf("profile %q: %w (log in first with %s)", name, errNoProfile, login)}
	}
	if err != nil {
		return localError{err}
	}
	s.tighten(filepath.Dir(file), 0o700)
	s.tighten(file, 0o600)
	if err := json.Unmarshal(b, v); err != nil {
		return localError{fmt.Errorf("%w: %s: %w (oauthkit logout -p %s --force deletes it)", errBrokenProfile, file, err, name)}
	}
	return nil
}

// errBrokenProfile means a profile or token file could not be decoded:
// truncated, or edited by hand.
var errBrokenProfile = errors.New("broken profile file")

// tighten gives name the mode perm when others may read or write it, and
// says so: profiles and tokens hold secrets. The configuration directory
// itself is left as it is: OAUTHKIT_CONFIG_DIR may name a directory of
// the user's.
func (s store) tighten(name string, perm fs.FileMode) {
	if runtime.GOOS == "windows" {
		return // modes do not say who may read a file there
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Mode().Perm()&^perm == 0 {
		return
	}
	err = os.Chmod(name, perm)
	if s.warn == nil {
		return
	}
	if err != nil {
		s.warn("%s has mode %04o, readable by others, and could not be made %04o: %v", name, fi.Mode().Perm(), perm, err)
		return
	}
	s.warn("%s had mode %04o, readable by others; it is now %04o", name, fi.Mode().Perm(), perm)
}

func (s store) saveProfile(name string, p *profile) error { return s.write("profiles", name, p) }

// write saves v as JSON atomically: a temporary file in the same
// directory, written, synced and renamed over the old one, so a reader
// never sees half a token.
func (s store) write(kind, name string, v any) error {
	if err := checkProfileName(name); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := s.writeFile(kind, name, b); err != nil {
		return localError{err}
	}
	return nil
}

func (s store) writeFile(kind, name string, b []byte) error {
	dir := filepath.Join(s.dir, kind)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+name+"-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly after the rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, s.path(kind, name))
}

// remove deletes a profile and its token. The token goes first, under
// the token file's lock (see removeToken), so that a failure leaves the
// profile usable.
func (s store) remove(ctx context.Context, name string) error {
	if err := s.removeToken(ctx, name); err != nil {
		return err
	}
	if err := os.Remove(s.path("profiles", name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return localError{err}
	}
	return nil
}

// names lists the saved profiles, sorted.
func (s store) names() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "profiles"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, localError{err}
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok && profileName.MatchString(n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}
