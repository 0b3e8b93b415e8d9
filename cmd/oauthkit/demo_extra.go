package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

// extraDemoSteps are the steps of the token lifecycle endpoints and the
// device flow.
func extraDemoSteps() []demoStep {
	return []demoStep{
		{"introspect", stepIntrospect},
		{"revoke", stepRevoke},
		{"device flow", stepDevice},
	}
}

func stepIntrospect(ctx context.Context, d *demoEnv) (string, error) {
	s, tok, err := d.passwordSession(ctx, nil)
	if err != nil {
		return "", err
	}
	d.note("the resource server asks the authorization server about the access token")
	in, err := s.Introspect(ctx, tok.AccessToken)
	if err != nil {
		return "", err
	}
	if !in.Active {
		return "", errors.New("a fresh token was introspected as inactive")
	}
	return fmt.Sprintf("active, subject %q, client %q, expires %s", in.Subject, in.ClientID, in.ExpiresAt.Format(time.TimeOnly)), nil
}

func stepRevoke(ctx context.Context, d *demoEnv) (string, error) {
	s, tok, err := d.passwordSession(ctx, nil)
	if err != nil {
		return "", err
	}
	d.note("revoking the refresh token also ends the access tokens issued with it (RFC 7009 section 2.1)")
	if err := s.Revoke(ctx, ""); err != nil {
		return "", err
	}
	in, err := s.Introspect(ctx, tok.AccessToken)
	if err != nil {
		return "", err
	}
	if in.Active {
		return "", errors.New("the access token is still active after revocation")
	}
	if s.Token() != nil {
		return "", errors.New("the session kept the revoked token")
	}
	return "refresh token revoked; the access token now introspects as inactive; the session forgot both", nil
}

func stepDevice(ctx context.Context, d *demoEnv) (string, error) {
	s, _, err := d.session(oauthtest.Client{}, nil)
	if err != nil {
		return "", err
	}
	da, err := s.DeviceAuthorization(ctx)
	if err != nil {
		return "", err
	}
	d.note("the device shows: go to %s and enter %s", da.VerificationURI, da.UserCode)
	polled := d.srv.RequestCount(oauthtest.TokenEndpoint)
	done := make(chan struct{})
	defer close(done)
	approved := make(chan error, 1)
	go func() { approved <- d.approveAfterPoll(da.UserCode, polled, done) }()
	tok, err := s.PollDeviceToken(ctx, da)
	if err != nil {
		return "", err
	}
	if err := <-approved; err != nil {
		return "", err
	}
	return fmt.Sprintf("approved after %d polls: %s token %s", d.srv.RequestCount(oauthtest.TokenEndpoint)-polled, tok.TokenType, d.red.short(tok.AccessToken)), nil
}

// approveAfterPoll approves the user code once the device has polled at
// least once, as a user on another screen would.
func (d *demoEnv) approveAfterPoll(userCode string, polled int, done <-chan struct{}) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for d.srv.RequestCount(oauthtest.TokenEndpoint) == polled {
		select {
		case <-done:
			return errors.New("polling ended before the user approved")
		case <-tick.C:
		}
	}
	d.note("the user approves %s on the verification page", userCode)
	return d.srv.ApproveDevice(userCode)
}
