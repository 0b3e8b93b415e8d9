package oauthtest_test

import (
	"crypto/tls"
	"crypto/x509/pkix"
	"net/http"
	"net/url"
	"testing"

	"github.com/oauthkit/oauthkit/internal/testcert"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// newTLSServer starts a TLS server that trusts ca for tls_client_auth.
func newTLSServer(t *testing.T, ca *testcert.CA) *oauthtest.Server {
	t.Helper()
	srv := oauthtest.NewUnstartedServer()
	srv.ClientCAs = ca.Pool()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// certClient returns an HTTP client for srv that presents cert (none when
// cert is nil).
func certClient(srv *oauthtest.Server, cert *tls.Certificate) *http.Client {
	tr := srv.Client().Transport.(*http.Transport).Clone()
	if cert != nil {
		tr.TLSClientConfig.Certificates = []tls.Certificate{*cert}
	}
	return &http.Client{Transport: tr}
}

func mustCA(t *testing.T) *testcert.CA {
	t.Helper()
	ca, err := testcert.NewCA("oauthtest ca")
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func mustIssue(t *testing.T, ca *testcert.CA, cn string) *tls.Certificate {
	t.Helper()
	var (
		c   tls.Certificate
		err error
	)
	if ca == nil {
		c, err = testcert.SelfSigned(pkix.Name{CommonName: cn})
	} else {
		c, err = ca.Issue(pkix.Name{CommonName: cn})
	}
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

// postWith sends a form to u with hc and decodes the answer.
func postWith(t *testing.T, hc *http.Client, u string, form url.Values) response {
	t.Helper()
	req := newPost(t, u, form)
	return doWith(t, hc, req)
}

func doWith(t *testing.T, hc *http.Client, req *http.Request) response {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	return decode(t, resp)
}

func TestMTLS_clientAuth(t *testing.T) {
	t.Parallel()
	ca := mustCA(t)
	srv := newTLSServer(t, ca)
	good := mustIssue(t, ca, "client-1")
	self := mustIssue(t, nil, "self-1")
	selfKey, err := jose.NewKey(self.PrivateKey, "", "")
	if err != nil {
		t.Fatal(err)
	}
	pki := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.TLSClientAuth, TLSClientAuthSubjectDN: "CN=client-1"})
	selfSigned := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.SelfSignedTLSClientAuth, PublicKey: selfKey})
	tests := []struct {
		name       string
		client     oauthtest.Client
		cert       *tls.Certificate
		plainURL   bool
		wantStatus int
	}{
		{"tls_client_auth", pki, good, false, http.StatusOK},
		{"tls_client_auth at the plain endpoint", pki, good, true, http.StatusUnauthorized},
		{"no certificate", pki, nil, false, http.StatusUnauthorized},
		{"another subject", pki, mustIssue(t, ca, "client-2"), false, http.StatusUnauthorized},
		{"another CA", pki, mustIssue(t, mustCA(t), "client-1"), false, http.StatusUnauthorized},
		{"self-signed for tls_client_auth", pki, self, false, http.StatusUnauthorized},
		{"self_signed_tls_client_auth", selfSigned, self, false, http.StatusOK},
		{"self-signed with another key", selfSigned, mustIssue(t, nil, "self-1"), false, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := srv.MTLSURL(srv.TokenURL())
			if tc.plainURL {
				u = srv.TokenURL()
			}
			r := postWith(t, certClient(srv, tc.cert), u, url.Values{"grant_type": {"client_credentials"}, "client_id": {tc.client.ID}})
			if r.status != tc.wantStatus {
				t.Errorf("HTTP %d %s; want %d", r.status, short(r.raw), tc.wantStatus)
			}
		})
	}
}

func TestMTLS_certificateBoundTokens(t *testing.T) {
	t.Parallel()
	ca := mustCA(t)
	srv := newTLSServer(t, ca)
	cert := mustIssue(t, ca, "client-1")
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.TLSClientAuth, TLSClientAuthSubjectDN: "CN=client-1",
		CertificateBoundAccessTokens: true})
	hc := certClient(srv, cert)
	r := postWith(t, hc, srv.MTLSURL(srv.TokenURL()), url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}})
	wantToken(t, r)
	at := r.str("access_token")
	info := postWith(t, hc, srv.MTLSURL(srv.IntrospectionURL()), url.Values{"token": {at}, "client_id": {c.ID}})
	cnf, _ := info.body["cnf"].(map[string]any)
	if cnf["x5t#S256"] == nil {
		t.Errorf("introspection = %s; want cnf x5t#S256", short(info.raw))
	}
	resource := func(hc *http.Client) response {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.ResourceURL(), nil)
		req.Header.Set("Authorization", "Bearer "+at)
		return doWith(t, hc, req)
	}
	if res := resource(hc); res.status != http.StatusOK {
		t.Errorf("resource with the certificate: HTTP %d %s", res.status, short(res.raw))
	}
	wantChallenge(t, resource(certClient(srv, nil)), 401, "Bearer", "invalid_token")
	wantChallenge(t, resource(certClient(srv, mustIssue(t, ca, "client-1"))), 401, "Bearer", "invalid_token")
}

func TestMTLS_metadata(t *testing.T) {
	t.Parallel()
	srv := newTLSServer(t, mustCA(t))
	m := get(t, srv, srv.MetadataURL(), "")
	aliases, _ := m.body["mtls_endpoint_aliases"].(map[string]any)
	for name, want := range map[string]string{
		"token_endpoint":         srv.MTLSURL(srv.TokenURL()),
		"revocation_endpoint":    srv.MTLSURL(srv.RevocationURL()),
		"introspection_endpoint": srv.MTLSURL(srv.IntrospectionURL()),
		"userinfo_endpoint":      srv.MTLSURL(srv.UserInfoURL()),
	} {
		if aliases[name] != want {
			t.Errorf("mtls_endpoint_aliases[%q] = %v; want %q", name, aliases[name], want)
		}
	}
	if m.body["tls_client_certificate_bound_access_tokens"] != true {
		t.Error("tls_client_certificate_bound_access_tokens not advertised")
	}
	plain := newServer(t, nil)
	if pm := get(t, plain, plain.MetadataURL(), ""); pm.body["mtls_endpoint_aliases"] != nil {
		t.Error("a plain HTTP server advertises mTLS aliases")
	}
}
