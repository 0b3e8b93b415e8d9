package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/store/file"
)

// appDemoSteps are the steps of what an application builds on sessions:
// a token shared through a store, and a web login.
func appDemoSteps() []demoStep {
	return []demoStep{
		{"file token store, two processes", stepFileStore},
		{"web login + replayed callback", stepWebLogin},
	}
}

func stepFileStore(ctx context.Context, d *demoEnv) (string, error) {
	srv, logged, stop := d.sideServer(func(s *oauthtest.Server) { s.RotateRefreshTokens, s.DetectRefreshTokenReuse = true, true }, false)
	defer stop()
	dir, err := os.MkdirTemp("", "oauthkit-demo-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "token.json")
	c := srv.RegisterClient(oauthtest.Client{})
	// Each session opens the file on its own, as a process of its own would.
	open := func() (*oauthkit.Session, error) {
		st, err := file.New(path, file.Options{})
		if err != nil {
			return nil, err
		}
		return oauthkit.NewSession(oauthkit.Config{ClientID: c.ID, ClientSecret: c.Secret, TokenURL: srv.TokenURL(),
			HTTPClient: logged(srv.Client().Transport), Now: d.clock.now, Store: st})
	}
	a, errA := open()
	b, errB := open()
	if err := errors.Join(errA, errB); err != nil {
		return "", err
	}
	user := oauthtest.DefaultUser()
	old, err := a.FetchToken(ctx, oauthkit.Password(user.Username, user.Password))
	if err != nil {
		return "", err
	}
	d.note("A logs in and saves the token to token.json; B, on its own handle of the file, loads it when it needs one")
	d.clock.advance(2 * time.Hour)
	d.note("two hours later both need a token at once; the server rotates refresh tokens and revokes the grant on reuse")
	before := srv.RequestCount(oauthtest.TokenEndpoint)
	toks, err := validTogether(ctx, a, b)
	if err != nil {
		return "", err
	}
	return checkSharedRefresh(ctx, d, path, old, toks, srv.RequestCount(oauthtest.TokenEndpoint)-before)
}

// validTogether asks every session for a valid token at the same time.
func validTogether(ctx context.Context, sessions ...*oauthkit.Session) ([]*oauthkit.Token, error) {
	toks := make([]*oauthkit.Token, len(sessions))
	errs := make([]error, len(sessions))
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Go(func() { toks[i], errs[i] = s.ValidToken(ctx) })
	}
	wg.Wait()
	return toks, errors.Join(errs...)
}

// checkSharedRefresh checks that one refresh gave every session the same
// new token, and that the file holds it, rotated refresh token included,
// with mode 0600.
func checkSharedRefresh(ctx context.Context, d *demoEnv, path string, old *oauthkit.Token, toks []*oauthkit.Token, refreshes int) (string, error) {
	if refreshes != 1 {
		return "", fmt.Errorf("%d token requests for two sessions, want one refresh", refreshes)
	}
	tok := toks[0]
	for _, t := range toks[1:] {
		if t.AccessToken != tok.AccessToken {
			return "", errors.New("the sessions hold different tokens")
		}
	}
	if tok.AccessToken == old.AccessToken || tok.RefreshToken == old.RefreshToken {
		return "", errors.New("the token or its refresh token was not renewed")
	}
	reader, err := file.New(path, file.Options{})
	if err != nil {
		return "", err
	}
	saved, err := reader.Load(ctx)
	if err != nil {
		return "", err
	}
	if saved == nil || saved.AccessToken != tok.AccessToken || saved.RefreshToken != tok.RefreshToken {
		return "", errors.New("the file does not hold the new token and its rotated refresh token")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if fi.Mode().Perm() != 0o600 {
		return "", fmt.Errorf("token file mode %v, want -rw-------", fi.Mode().Perm())
	}
	return fmt.Sprintf("one refresh for both: A and B hold %s; rotated refresh token %s saved in token.json (%v)",
		d.red.short(tok.AccessToken), d.red.short(saved.RefreshToken), fi.Mode().Perm()), nil
}
