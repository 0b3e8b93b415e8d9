//go:build interop

package interop

import (
	"crypto/tls"
	"net/http"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oidc"
)

// mtlsProvider discovers the provider with an HTTP client that presents
// cert and trusts the TLS listener, so that Config picks the
// mtls_endpoint_aliases.
func mtlsProvider(t *testing.T, cert tls.Certificate) (*oidc.Provider, *http.Client) {
	t.Helper()
	hc := certClient(t, cert)
	p, err := oidc.NewProvider(t.Context(), op.Issuer, oidc.ProviderConfig{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	return p, hc
}

func mtlsSession(t *testing.T, p *oidc.Provider, c client) *oauthkit.Session {
	t.Helper()
	cfg, err := p.Config(oauthkit.Config{ClientID: c.ID, AuthMethod: c.Method, RedirectURL: redirectURI, Scopes: scopesOpenID,
		Issuer: op.Issuer, RequireIssuerParameter: true})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TokenURL != p.Metadata().MTLSEndpointAliases["token_endpoint"] || cfg.TokenURL == p.Metadata().TokenEndpoint {
		t.Fatalf("token url %q; want the mTLS alias", cfg.TokenURL)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMTLS_clientAuth: both RFC 8705 methods authenticate at the mTLS
// alias of the token endpoint, and the tokens are bound to the
// certificate (cnf x5t#S256).
func TestMTLS_clientAuth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    client
		cert tls.Certificate
	}{{mtlsClient, mtls.cert}, {selfSignedMTLS, mtls.selfSigned}} {
		t.Run(tc.c.ID, func(t *testing.T) {
			t.Parallel()
			p, _ := mtlsProvider(t, tc.cert)
			s := mtlsSession(t, p, tc.c)
			tok, err := s.FetchToken(t.Context(), oauthkit.ClientCredentials())
			if err != nil {
				t.Fatalf("FetchToken over mTLS: %v", err)
			}
			in, err := s.Introspect(t.Context(), tok.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			if cnf, _ := in.Extra["cnf"].(map[string]any); !in.Active || cnf["x5t#S256"] == nil {
				t.Errorf("introspection = %+v; want an active token with cnf x5t#S256", in)
			}
		})
	}
}

// TestMTLS_boundTokenAtUserinfo: a certificate-bound token from a login
// reaches userinfo over the same TLS client, and not without the
// certificate.
func TestMTLS_boundTokenAtUserinfo(t *testing.T) {
	t.Parallel()
	p, _ := mtlsProvider(t, mtls.cert)
	s := mtlsSession(t, p, mtlsClient)
	_, tok := logIn(t, s)
	if _, err := p.UserInfo(t.Context(), tok, ""); err != nil {
		t.Errorf("UserInfo with the certificate: %v", err)
	}
	if _, err := p.SessionUserInfo(t.Context(), s, ""); err != nil {
		t.Errorf("SessionUserInfo: %v", err)
	}
	other, _ := mtlsProvider(t, mtls.selfSigned)
	if _, err := other.UserInfo(t.Context(), tok, ""); err == nil {
		t.Error("a certificate-bound token was accepted with another certificate")
	}
	if _, err := s.Refresh(t.Context()); err != nil {
		t.Errorf("refresh over mTLS: %v", err)
	}
}

// TestMTLS_noCertificate: without a certificate the client cannot
// authenticate.
func TestMTLS_noCertificate(t *testing.T) {
	t.Parallel()
	p, _ := mtlsProvider(t, mtls.cert)
	cfg, err := p.Config(oauthkit.Config{ClientID: mtlsClient.ID, AuthMethod: oauthkit.AuthNone})
	if err != nil {
		t.Fatal(err)
	}
	cfg.TokenURL = p.Metadata().MTLSEndpointAliases["token_endpoint"]
	cfg.HTTPClient = certClient(t, mtls.selfSigned)
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.FetchToken(t.Context(), oauthkit.ClientCredentials())
	wantOAuthError(t, err, "token", oauthkit.ErrorCodeInvalidClient)
}
