package oauthkit_test

import (
	"crypto/tls"
	"crypto/x509/pkix"
	"errors"
	"net/http"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/testcert"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// mtlsEnv is a TLS oauthtest server that trusts a CA generated for the
// test, asking every connection for a client certificate.
type mtlsEnv struct {
	srv  *oauthtest.Server
	ca   *testcert.CA
	cert tls.Certificate // issued by ca for CN=client-1
}

func newMTLSEnv(t *testing.T) *mtlsEnv {
	t.Helper()
	ca, err := testcert.NewCA("oauthkit test ca")
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
	return &mtlsEnv{srv: srv, ca: ca, cert: cert}
}

func (e *mtlsEnv) client(t *testing.T, cert tls.Certificate) *http.Client {
	t.Helper()
	hc, err := oauthkit.MTLSClient(e.srv.Client(), cert)
	if err != nil {
		t.Fatal(err)
	}
	return hc
}

// TestMTLS_clientAuthAndBoundTokens: both RFC 8705 methods authenticate
// at the mTLS token endpoint, the token is bound to the certificate, and
// the session sends it to the resource over the same client.
func TestMTLS_clientAuthAndBoundTokens(t *testing.T) {
	t.Parallel()
	e := newMTLSEnv(t)
	self, err := testcert.SelfSigned(pkix.Name{CommonName: "self"})
	if err != nil {
		t.Fatal(err)
	}
	selfKey, err := jose.NewKey(self.PrivateKey, "", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		client oauthtest.Client
		method string
		cert   tls.Certificate
	}{
		{"tls_client_auth", oauthtest.Client{AuthMethod: oauthtest.TLSClientAuth, TLSClientAuthSubjectDN: "CN=client-1"},
			oauthkit.TLSClientAuth, e.cert},
		{"self_signed_tls_client_auth", oauthtest.Client{AuthMethod: oauthtest.SelfSignedTLSClientAuth, PublicKey: selfKey},
			oauthkit.SelfSignedTLSClientAuth, self},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.client.CertificateBoundAccessTokens = true
			c := e.srv.RegisterClient(tt.client)
			s, err := oauthkit.NewSession(oauthkit.Config{
				ClientID: c.ID, AuthMethod: tt.method, HTTPClient: e.client(t, tt.cert),
				TokenURL:         e.srv.MTLSURL(e.srv.TokenURL()),
				IntrospectionURL: e.srv.MTLSURL(e.srv.IntrospectionURL()),
			})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := s.FetchToken(t.Context(), nil)
			if err != nil {
				t.Fatalf("FetchToken: %v", err)
			}
			if resp := getResource(t, s, e.srv.ResourceURL()); resp.StatusCode != http.StatusOK {
				t.Errorf("resource over the same client: HTTP %d", resp.StatusCode)
			}
			info, err := s.Introspect(t.Context(), tok.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			if cnf, _ := info.Extra["cnf"].(map[string]any); cnf["x5t#S256"] == nil {
				t.Errorf("cnf = %v; want x5t#S256", info.Extra["cnf"])
			}
			// The token without the certificate is refused.
			other, err := oauthkit.NewSession(oauthkit.Config{ClientID: c.ID, HTTPClient: e.srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			other.SetToken(tok)
			if resp := getResource(t, other, e.srv.ResourceURL()); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("bound token without its certificate: HTTP %d; want 401", resp.StatusCode)
			}
		})
	}
}

// TestMTLS_wrongCertificate: a certificate of another CA does not
// authenticate; the error is the server's invalid_client.
func TestMTLS_wrongCertificate(t *testing.T) {
	t.Parallel()
	e := newMTLSEnv(t)
	otherCA, err := testcert.NewCA("other")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := otherCA.Issue(pkix.Name{CommonName: "client-1"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.TLSClientAuth, TLSClientAuthSubjectDN: "CN=client-1"})
	s, err := oauthkit.NewSession(oauthkit.Config{ClientID: c.ID, AuthMethod: oauthkit.TLSClientAuth,
		HTTPClient: e.client(t, cert), TokenURL: e.srv.MTLSURL(e.srv.TokenURL())})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.FetchToken(t.Context(), nil)
	if oe, ok := errorsAs(err); !ok || oe.Code != oauthkit.ErrorCodeInvalidClient {
		t.Errorf("FetchToken = %v; want invalid_client", err)
	}
}

func TestMTLSClient(t *testing.T) {
	t.Parallel()
	e := newMTLSEnv(t)
	base := e.srv.Client()
	hc, err := oauthkit.MTLSClient(base, e.cert)
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Transport.(*http.Transport).TLSClientConfig.Certificates) != 0 {
		t.Error("MTLSClient changed the base transport")
	}
	if n := len(hc.Transport.(*http.Transport).TLSClientConfig.Certificates); n != 1 {
		t.Errorf("%d certificates; want 1", n)
	}
	if _, err := oauthkit.MTLSClient(nil, e.cert); err != nil {
		t.Errorf("MTLSClient(nil) = %v", err)
	}
	if _, err := oauthkit.MTLSClient(&http.Client{Transport: roundTripFunc(nil)}, e.cert); err == nil {
		t.Error("MTLSClient with a foreign transport: no error")
	}
	if _, err := oauthkit.MTLSClient(base); !errors.Is(err, oauthkit.ErrNoClientCertificate) {
		t.Errorf("MTLSClient without a certificate = %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestConfig_mtls(t *testing.T) {
	t.Parallel()
	e := newMTLSEnv(t)
	withCert := e.client(t, e.cert)
	foreign := &http.Client{Transport: roundTripFunc(nil)}
	tests := []struct {
		name     string
		cfg      oauthkit.Config
		wantErr  error
		wantMTLS bool
	}{
		{"tls_client_auth with a certificate", oauthkit.Config{AuthMethod: oauthkit.TLSClientAuth, HTTPClient: withCert}, nil, true},
		{"tls_client_auth without one", oauthkit.Config{AuthMethod: oauthkit.TLSClientAuth}, oauthkit.ErrNoClientCertificate, true},
		{"self-signed without one", oauthkit.Config{AuthMethod: oauthkit.SelfSignedTLSClientAuth, HTTPClient: e.srv.Client()},
			oauthkit.ErrNoClientCertificate, true},
		{"a transport that cannot be seen into", oauthkit.Config{AuthMethod: oauthkit.TLSClientAuth, HTTPClient: foreign}, nil, true},
		{"bound tokens with another method", oauthkit.Config{ClientSecret: "s", HTTPClient: withCert}, nil, true},
		{"no mTLS", oauthkit.Config{ClientSecret: "s"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.ClientID = "c"
			_, err := oauthkit.NewSession(tt.cfg)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Errorf("NewSession = %v; want %v", err, tt.wantErr)
			}
			if got := tt.cfg.UsesMTLS(); got != tt.wantMTLS {
				t.Errorf("UsesMTLS() = %t; want %t", got, tt.wantMTLS)
			}
		})
	}
}
