package main

import (
	"context"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/store/file"
)

// The token files of profiles, tokens/NAME.json. Several processes may
// read and renew one at once ("oauthkit token -p NAME" from scripts):
// sessions share it through a file token store, which takes a lock on
// tokens/NAME.json.lock so that one of them renews a due token and the
// others use the token it saves. All access to them is here.

// tokenStore returns the token store of profile name.
func (a *app) tokenStore(name string) (oauthkit.TokenStore, error) {
	st, err := a.store()
	if err != nil {
		return nil, err
	}
	if err := checkProfileName(name); err != nil {
		return nil, err
	}
	fs, err := file.New(st.path("tokens", name), file.Options{})
	if err != nil {
		return nil, localError{err}
	}
	return fs, nil
}

// loadToken reads the saved token of a profile.
func (s store) loadToken(name string) (*oauthkit.Token, error) {
	var t oauthkit.Token
	if err := s.read("tokens", name, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// removeToken deletes the saved token of a profile, keeping the profile.
// It waits, until ctx ends, for a renewal another process has under way,
// which would otherwise write the token back; the lock file stays (a
// process still holding a lock on it, and a new one locking a new file
// of that name, would both renew).
func (s store) removeToken(ctx context.Context, name string) error {
	if err := checkProfileName(name); err != nil {
		return err
	}
	fs, err := file.New(s.path("tokens", name), file.Options{})
	if err == nil {
		err = fs.Remove(ctx)
	}
	if err != nil {
		return localError{err}
	}
	return nil
}
