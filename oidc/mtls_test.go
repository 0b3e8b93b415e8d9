package oidc_test

import (
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/internal/testcert"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// TestProvider_Config_mtlsAliases: a client that uses mutual TLS gets the
// mtls_endpoint_aliases (RFC 8705 section 5); others the plain endpoints.
func TestProvider_Config_mtlsAliases(t *testing.T) {
	t.Parallel()
	ca, err := testcert.NewCA("oidc test ca")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(pkix.Name{CommonName: "client-1"})
	if err != nil {
		t.Fatal(err)
	}
	srv := oauthtest.NewUnstartedServer()
	srv.ClientCAs = ca.Pool()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	hc, err := oauthkit.MTLSClient(srv.Client(), cert)
	if err != nil {
		t.Fatal(err)
	}
	p, err := oidc.NewProvider(t.Context(), srv.URL, oidc.ProviderConfig{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Metadata().MTLSEndpointAliases["token_endpoint"]; got != srv.MTLSURL(srv.TokenURL()) {
		t.Fatalf("aliases: token_endpoint = %q", got)
	}
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.TLSClientAuth, TLSClientAuthSubjectDN: "CN=client-1",
		CertificateBoundAccessTokens: true, RedirectURIs: []string{"https://app.example/cb"}})
	cfg, err := p.Config(oauthkit.Config{ClientID: c.ID, AuthMethod: oauthkit.TLSClientAuth, Scopes: []string{"openid"},
		RedirectURL: "https://app.example/cb"})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][2]string{
		"token":         {cfg.TokenURL, srv.MTLSURL(srv.TokenURL())},
		"revocation":    {cfg.RevocationURL, srv.MTLSURL(srv.RevocationURL())},
		"introspection": {cfg.IntrospectionURL, srv.MTLSURL(srv.IntrospectionURL())},
		"pushed":        {cfg.PushedAuthURL, srv.MTLSURL(srv.PushedAuthorizationURL())},
		"authorization": {cfg.AuthURL, srv.AuthorizationURL()},
	} {
		if got[0] != got[1] {
			t.Errorf("%s url = %q; want %q", name, got[0], got[1])
		}
	}
	plain, err := p.Config(oauthkit.Config{ClientID: c.ID, ClientSecret: "s", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if plain.TokenURL != srv.TokenURL() {
		t.Errorf("client without mTLS: token url %q; want the plain one", plain.TokenURL)
	}

	// A login over mTLS: the certificate-bound token reaches userinfo at
	// its alias, through the provider's client and through the session.
	s, tok, err := sessionLogin(t, srv, cfg)
	if err != nil {
		t.Fatalf("exchange over mTLS: %v", err)
	}
	if _, err := p.UserInfo(t.Context(), tok, ""); err != nil {
		t.Errorf("UserInfo: %v", err)
	}
	if _, err := p.SessionUserInfo(t.Context(), s, ""); err != nil {
		t.Errorf("SessionUserInfo: %v", err)
	}
	if n := countPath(srv, "/mtls/userinfo"); n != 2 {
		t.Errorf("%d requests to the userinfo alias; want 2", n)
	}
}

func countPath(srv *oauthtest.Server, path string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// TestProvider_SessionUserInfo_dpop: a DPoP-bound token reaches userinfo
// with its proof; UserInfo, which sends bearer tokens, is refused.
func TestProvider_SessionUserInfo_dpop(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	p, err := oidc.NewProvider(t.Context(), srv.URL, oidc.ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if algs := p.Metadata().DPoPSigningAlgs; len(algs) == 0 {
		t.Error("dpop_signing_alg_values_supported not decoded")
	}
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	cfg, err := p.Config(oauthkit.Config{ClientID: c.ID, ClientSecret: c.Secret, Scopes: []string{"openid"},
		RedirectURL: "https://app.example/cb", DPoP: &dpop.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	s, tok, err := sessionLogin(t, srv, cfg)
	if err != nil || tok.TokenType != "DPoP" {
		t.Fatalf("exchange = %v, %v; want a DPoP token", tok, err)
	}
	ui, err := p.SessionUserInfo(t.Context(), s, "")
	if err != nil || ui.Subject != oauthtest.DefaultUser().Subject {
		t.Fatalf("SessionUserInfo = %+v, %v", ui, err)
	}
	if _, err := p.UserInfo(t.Context(), tok, ""); !errors.Is(err, oauthkit.ErrUnsupportedTokenType) {
		t.Errorf("UserInfo with a DPoP-bound token = %v; want %v", err, oauthkit.ErrUnsupportedTokenType)
	}
}

func TestMetadata_mtlsAliasesLiberal(t *testing.T) {
	t.Parallel()
	var m oidc.Metadata
	err := json.Unmarshal([]byte(`{"issuer":"https://op.example","mtls_endpoint_aliases":{"token_endpoint":"https://mtls.op.example/token","x":1}}`), &m)
	if err != nil || m.MTLSEndpointAliases["token_endpoint"] != "https://mtls.op.example/token" || len(m.MTLSEndpointAliases) != 1 {
		t.Errorf("aliases = %v, %v", m.MTLSEndpointAliases, err)
	}
	if err := json.Unmarshal([]byte(`{"issuer":"https://op.example","mtls_endpoint_aliases":"nope"}`), &m); err != nil {
		t.Errorf("aliases of the wrong type refused the document: %v", err)
	}
}

// sessionLogin makes a session of cfg and logs in with it at srv.
func sessionLogin(t *testing.T, srv *oauthtest.Server, cfg oauthkit.Config) (*oauthkit.Session, *oauthkit.Token, error) {
	t.Helper()
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := s.AuthorizationURL()
	if err != nil {
		t.Fatal(err)
	}
	cb, err := srv.Authorize(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	return s, tok, err
}
