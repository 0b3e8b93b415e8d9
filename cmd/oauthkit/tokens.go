package main

import (
	"errors"
	"io/fs"
	"os"

	"github.com/oauthkit/oauthkit"
)

// The token files of profiles, tokens/NAME.json. Several processes may
// read and renew one at once ("oauthkit token -p NAME" from scripts); all
// access to them is here.

// loadToken reads the saved token of a profile.
func (s store) loadToken(name string) (*oauthkit.Token, error) {
	var t oauthkit.Token
	if err := s.read("tokens", name, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// saveToken replaces the saved token of a profile, atomically.
func (s store) saveToken(name string, t *oauthkit.Token) error { return s.write("tokens", name, t) }

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
