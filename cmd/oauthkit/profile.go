package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit"
)

// profile is a saved client configuration. It is stored with mode 0600
// because it may hold the client secret.
type profile struct {
	Issuer           string   `json:"issuer,omitempty"`
	AuthURL          string   `json:"auth_url,omitempty"`
	TokenURL         string   `json:"token_url,omitempty"`
	RevocationURL    string   `json:"revocation_url,omitempty"`
	IntrospectionURL string   `json:"introspection_url,omitempty"`
	DeviceAuthURL    string   `json:"device_auth_url,omitempty"`
	UserInfoURL      string   `json:"userinfo_url,omitempty"`
	ClientID         string   `json:"client_id"`
	ClientSecret     string   `json:"client_secret,omitempty"`
	Scopes           []string `json:"scopes,omitempty"`
	AuthMethod       string   `json:"auth_method,omitempty"`
	KeyFile          string   `json:"key_file,omitempty"`
	Grant            string   `json:"grant,omitempty"`
	// Subject is the sub of jwt-bearer assertions.
	Subject string `json:"subject,omitempty"`
	// Discovery is the issuer's metadata document as last fetched.
	Discovery *discovery `json:"discovery,omitempty"`

	// discovered says Discovery was fetched in this run.
	discovered bool
}

// store keeps profiles and their tokens under one directory:
// profiles/NAME.json and tokens/NAME.json, both mode 0600.
type store struct{ dir string }

// configDir is OAUTHKIT_CONFIG_DIR, or oauthkit under the user's
// configuration directory.
func (a *app) store() (store, error) {
	if d := a.getenv("OAUTHKIT_CONFIG_DIR"); d != "" {
		return store{dir: d}, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return store{}, localError{fmt.Errorf("finding the configuration directory (set OAUTHKIT_CONFIG_DIR): %w", err)}
	}
	return store{dir: filepath.Join(d, "oauthkit")}, nil
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

func (s store) loadToken(name string) (*oauthkit.Token, error) {
	var t oauthkit.Token
	if err := s.read("tokens", name, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

func (s store) read(kind, name string, v any) error {
	if err := checkProfileName(name); err != nil {
		return err
	}
	b, err := os.ReadFile(s.path(kind, name))
	if errors.Is(err, fs.ErrNotExist) {
		return usageError{fmt.Errorf("profile %q: %w (log in with --profile %s first)", name, errNoProfile, name)}
	}
	if err != nil {
		return localError{err}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return localError{fmt.Errorf("reading %s: %w", s.path(kind, name), err)}
	}
	return nil
}

func (s store) saveProfile(name string, p *profile) error { return s.write("profiles", name, p) }

func (s store) saveToken(name string, t *oauthkit.Token) error { return s.write("tokens", name, t) }

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

// remove deletes a profile and its token.
func (s store) remove(name string) error {
	if err := checkProfileName(name); err != nil {
		return err
	}
	var errs []error
	for _, kind := range []string{"profiles", "tokens"} {
		if err := os.Remove(s.path(kind, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, localError{err})
		}
	}
	return errors.Join(errs...)
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

// removeToken deletes the saved token of a profile, keeping the profile.
func (s store) removeToken(name string) error {
	if err := checkProfileName(name); err != nil {
		return err
	}
	err := os.Remove(s.path("tokens", name))
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return localError{err}
}

// tokenOptions are the options of every token request of the profile.
func (p *profile) tokenOptions() []oauthkit.TokenOption { return nil }
