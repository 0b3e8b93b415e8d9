package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oauthkit/oauthkit"
)

// loginCode runs the authorization code grant on a loopback redirect.
func (a *app) loginCode(ctx context.Context, s *oauthkit.Session, lf *loginFlags, p *profile) (*oauthkit.Token, error) {
	lb, err := listenLoopback(lf.redirectPort)
	if err != nil {
		return nil, err
	}
	defer lb.close()
	actx, cancel := a.bounded(ctx)
	ar, err := lf.front.authorize(actx, s, append([]oauthkit.AuthURLOption{oauthkit.WithRedirectURL(lb.redirect)}, p.authOptions()...))
	cancel()
	if err != nil {
		return nil, tried(err, "building the authorization URL")
	}
	lb.expect(ar.State)
	lb.jwt.Store(strings.HasSuffix(ar.ResponseMode, "jwt"))
	if lf.noBrowser || openBrowser(ar.URL) != nil {
		fmt.Fprintf(a.stderr, "Open this URL in your browser:\n\n  %s\n\n", ar.URL)
	} else {
		fmt.Fprintf(a.stderr, "Opened the browser; if it did not open, visit:\n\n  %s\n\n", ar.URL)
	}
	sp := a.startSpinner(a.stderr, "Waiting for the browser to come back to "+lb.redirect+" ...")
	wctx, cancel := context.WithTimeoutCause(ctx, lf.wait, errUserTimeout)
	cb, err := lb.wait(wctx)
	cancel()
	sp.Stop()
	if err != nil {
		return nil, tried(err, "waiting for the authorization response")
	}
	ectx, cancel := a.bounded(ctx)
	defer cancel()
	tok, err := s.ExchangeAuthorizationResponse(ectx, cb.url, *ar, p.tokenOptions()...)
	cb.reply <- err
	if e, ok := errors.AsType[*oauthkit.Error](err); (ok && e.Endpoint == "authorization") || errors.Is(err, oauthkit.ErrAuthorizationIssuerMismatch) {
		return nil, tried(err, "authorization at %s", s.Config().AuthURL)
	}
	return tok, tried(err, "authorization code grant at %s", s.Config().TokenURL)
}

// loginDevice runs the device authorization grant (RFC 8628) until the
// code expires, or --wait when the server gives no expiry. The
// verification URI is drawn as a QR code for a phone with --qr, or when
// stderr is a terminal.
func (a *app) loginDevice(ctx context.Context, s *oauthkit.Session, lf *loginFlags, p *profile) (*oauthkit.Token, error) {
	qr := lf.qr || (!lf.qrSet && a.terminal(a.stderr))
	dctx, cancel := a.bounded(ctx)
	da, err := s.DeviceAuthorization(dctx, p.tokenOptions()...)
	cancel()
	if err != nil {
		return nil, tried(err, "device authorization at %s", s.Config().DeviceAuthURL)
	}
	fmt.Fprintf(a.stderr, "To sign in, open %s and enter the code %s\n", da.VerificationURI, da.UserCode)
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(a.stderr, "or open %s\n", da.VerificationURIComplete)
	}
	if qr {
		fmt.Fprintln(a.stderr)
		if err := writeQR(a.stderr, cmp.Or(da.VerificationURIComplete, da.VerificationURI), a.useColour(a.stderr)); err != nil {
			return nil, err
		}
		fmt.Fprintln(a.stderr)
	}
	if da.ExpiresAt.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, lf.wait, errUserTimeout)
		defer cancel()
	}
	sp := a.startCountdown(a.stderr, "Waiting for approval ...", da.ExpiresAt)
	tok, err := s.PollDeviceToken(ctx, da, p.tokenOptions()...)
	sp.Stop()
	return tok, tried(err, "device code grant at %s", s.Config().TokenURL)
}

// fetchForProfile gets a token by the grant of a profile that needs no
// user (see profileGrant).
func fetchForProfile(ctx context.Context, s *oauthkit.Session, grant string) (*oauthkit.Token, error) {
	cfg := s.Config()
	tok, err := s.FetchToken(ctx, cfg.Grant)
	return tok, tried(err, "%s grant at %s", strings.ReplaceAll(grant, "_", " "), cfg.TokenURL)
}
