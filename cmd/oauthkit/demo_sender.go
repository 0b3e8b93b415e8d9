package main

import (
	"context"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/internal/testcert"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// senderDemoSteps are the steps of sender-constrained tokens and token
// exchange.
func senderDemoSteps() []demoStep {
	return []demoStep{
		{"dpop with a nonce retry", stepDPoP},
		{"mtls client auth + bound token", stepMTLS},
		{"token exchange", stepTokenExchange},
	}
}

// sideServer starts a server of the step's own, configured by edit, with
// a logging client that trusts it; stop closes both.
func (d *demoEnv) sideServer(edit func(*oauthtest.Server), useTLS bool) (srv *oauthtest.Server, logged func(http.RoundTripper) *http.Client, stop func()) {
	srv = oauthtest.NewUnstartedServer()
	if edit != nil {
		edit(srv)
	}
	if useTLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	logged = func(base http.RoundTripper) *http.Client {
		return &http.Client{Transport: &logTransport{base: base, w: d.w, red: d.red, style: d.style, indent: "    ", trim: srv.URL, maxBody: 240}}
	}
	return srv, logged, srv.Close
}

func stepDPoP(ctx context.Context, d *demoEnv) (string, error) {
	srv, logged, stop := d.sideServer(func(s *oauthtest.Server) { s.RequireDPoP = true; s.DPoPNonce = true }, false)
	defer stop()
	c := srv.RegisterClient(oauthtest.Client{})
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: c.ID, ClientSecret: c.Secret, TokenURL: srv.TokenURL(),
		HTTPClient: logged(srv.Client().Transport), Now: d.clock.now,
		DPoP: &dpop.Config{}, // ES256, a key made for this session
	})
	if err != nil {
		return "", err
	}
	d.note("every token request carries a DPoP proof; this server wants its nonce in them, and says so once")
	tok, err := s.FetchToken(ctx, oauthkit.ClientCredentials())
	if err != nil {
		return "", err
	}
	if n := srv.RequestCount(oauthtest.TokenEndpoint); tok.TokenType != "DPoP" || n != 2 {
		return "", fmt.Errorf("token_type %q after %d token requests; want DPoP after 2", tok.TokenType, n)
	}
	d.note("the bound token goes out as \"Authorization: DPoP\", with a proof that covers it (ath)")
	resp, err := s.Get(ctx, srv.ResourceURL())
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("resource answered HTTP %d", resp.StatusCode)
	}
	return fmt.Sprintf("token bound to key %s…: use_dpop_nonce once, then the retry with the nonce; the resource accepted the proof", s.DPoP().Thumbprint()[:8]), nil
}

func stepMTLS(ctx context.Context, d *demoEnv) (string, error) {
	ca, err := testcert.NewCA("oauthkit demo ca")
	if err != nil {
		return "", err
	}
	cert, err := ca.Issue(pkix.Name{CommonName: "demo-client"})
	if err != nil {
		return "", err
	}
	srv, logged, stop := d.sideServer(func(s *oauthtest.Server) { s.ClientCAs = ca.Pool() }, true)
	defer stop()
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.TLSClientAuth, TLSClientAuthSubjectDN: "CN=demo-client",
		CertificateBoundAccessTokens: true})
	withCert, err := oauthkit.MTLSClient(srv.Client(), cert)
	if err != nil {
		return "", err
	}
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: c.ID, AuthMethod: oauthkit.TLSClientAuth, TokenURL: srv.MTLSURL(srv.TokenURL()),
		HTTPClient: logged(withCert.Transport), Now: d.clock.now,
	})
	if err != nil {
		return "", err
	}
	d.note("no secret: the client certificate in the TLS handshake authenticates, at the mTLS alias of the token endpoint")
	tok, err := s.FetchToken(ctx, oauthkit.ClientCredentials())
	if err != nil {
		return "", err
	}
	if code, err := demoGet(ctx, s, srv.ResourceURL()); err != nil || code != http.StatusOK {
		return "", fmt.Errorf("resource over the same TLS client: HTTP %d, %v", code, err)
	}
	d.note("the same token over a connection without the certificate")
	thief, err := oauthkit.NewSession(oauthkit.Config{ClientID: c.ID, HTTPClient: logged(srv.Client().Transport)})
	if err != nil {
		return "", err
	}
	thief.SetToken(tok)
	if code, err := demoGet(ctx, thief, srv.ResourceURL()); err != nil || code != http.StatusUnauthorized {
		return "", fmt.Errorf("bound token without its certificate: HTTP %d, %v; want 401", code, err)
	}
	return "tls_client_auth; the certificate-bound token works over the client's TLS connection, and is refused without the certificate", nil
}

// demoGet sends a GET through s and returns the status.
func demoGet(ctx context.Context, s *oauthkit.Session, u string) (int, error) {
	resp, err := s.Get(ctx, u)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func stepTokenExchange(ctx context.Context, d *demoEnv) (string, error) {
	_, user, err := d.passwordSession(ctx, nil)
	if err != nil {
		return "", err
	}
	backend, _, err := d.session(oauthtest.Client{}, nil)
	if err != nil {
		return "", err
	}
	d.note("a backend trades the token a user's request came with for its own, for the billing service (RFC 8693)")
	tok, err := backend.FetchToken(ctx, oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{
		SubjectToken: user.AccessToken, SubjectTokenType: oauthkit.TokenTypeAccessToken,
		Audiences: []string{"billing"},
	}))
	if err != nil {
		return "", err
	}
	in, err := backend.Introspect(ctx, tok.AccessToken)
	if err != nil {
		return "", err
	}
	if !in.Active || in.Subject != oauthtest.DefaultUser().Subject {
		return "", errors.New("the exchanged token is not the user's")
	}
	short := tok.IssuedTokenType()[strings.LastIndex(tok.IssuedTokenType(), ":")+1:]
	return fmt.Sprintf("issued a new %s for subject %q, audience %v", short, in.Subject, in.Audience), nil
}
