package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// passwordSession returns a session holding a token with a refresh token.
func (d *demoEnv) passwordSession(ctx context.Context, edit func(*oauthkit.Config)) (*oauthkit.Session, *oauthkit.Token, error) {
	s, _, err := d.session(oauthtest.Client{}, edit)
	if err != nil {
		return nil, nil, err
	}
	user := oauthtest.DefaultUser()
	tok, err := s.FetchToken(ctx, oauthkit.Password(user.Username, user.Password))
	return s, tok, err
}

// getResource calls the protected resource and returns the subject it saw.
func (d *demoEnv) getResource(ctx context.Context, s *oauthkit.Session) (string, error) {
	resp, err := s.Get(ctx, d.srv.ResourceURL())
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("resource answered HTTP %d", resp.StatusCode)
	}
	var echo struct {
		Sub string `json:"sub"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&echo); err != nil {
		return "", fmt.Errorf("resource answer: %w", err)
	}
	return echo.Sub, nil
}

func stepProtectedRequest(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.passwordSession(ctx, nil)
	if err != nil {
		return "", err
	}
	d.note("the session's HTTP client adds the bearer token to a copy of each request")
	sub, err := d.getResource(ctx, s)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("HTTP 200 from the resource server for subject %q", sub), nil
}

func stepAutoRefresh(ctx context.Context, d *demoEnv) (string, error) {
	s, old, err := d.passwordSession(ctx, nil)
	if err != nil {
		return "", err
	}
	d.clock.advance(2 * time.Hour)
	d.note("two hours pass on the client's clock: the token expired; the next request refreshes it first")
	if _, err := d.getResource(ctx, s); err != nil {
		return "", err
	}
	tok := s.Token()
	if tok.AccessToken == old.AccessToken {
		return "", errors.New("the access token was not refreshed")
	}
	return fmt.Sprintf("access token %s replaced by %s before the request", d.red.short(old.AccessToken), d.red.short(tok.AccessToken)), nil
}

func stepOnTokenUpdate(ctx context.Context, d *demoEnv) (string, error) {
	var calls atomic.Int32
	var oldRefresh atomic.Value
	s, old, err := d.passwordSession(ctx, func(c *oauthkit.Config) {
		c.OnTokenUpdate = func(_ context.Context, u oauthkit.TokenUpdate) error {
			calls.Add(1)
			oldRefresh.Store(u.OldRefreshToken)
			d.note("OnTokenUpdate: save the new token %s in place of refresh token %s", d.red.short(u.Token.AccessToken), d.red.short(u.OldRefreshToken))
			return nil
		}
	})
	if err != nil {
		return "", err
	}
	d.clock.advance(2 * time.Hour)
	for range 3 {
		if _, err := d.getResource(ctx, s); err != nil {
			return "", err
		}
	}
	if n := calls.Load(); n != 1 {
		return "", fmt.Errorf("OnTokenUpdate was called %d times, want 1", n)
	}
	if got, _ := oldRefresh.Load().(string); got != old.RefreshToken {
		return "", errors.New("OnTokenUpdate did not name the replaced refresh token")
	}
	return "three requests, one refresh, one OnTokenUpdate call naming the replaced refresh token", nil
}

func stepFailedRefresh(ctx context.Context, d *demoEnv) (string, error) {
	s, old, err := d.passwordSession(ctx, nil)
	if err != nil {
		return "", err
	}
	d.srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Status: http.StatusBadRequest, Times: 1,
		Body: []byte(`{"error":"invalid_grant","error_description":"refresh token revoked"}`)})
	d.note("the server is told to refuse the next token request")
	_, err = s.Refresh(ctx)
	oe, ok := errors.AsType[*oauthkit.Error](err)
	if !ok {
		return "", fmt.Errorf("refresh: got %v, want an *oauthkit.Error", err)
	}
	if s.Token().AccessToken != old.AccessToken {
		return "", errors.New("the session dropped its token after a failed refresh")
	}
	return fmt.Sprintf("refresh failed with %q; the session still holds token %s", oe.Code, d.red.short(old.AccessToken)), nil
}
