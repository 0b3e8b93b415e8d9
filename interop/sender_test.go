//go:build interop

package interop

import (
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/testcert"
	"github.com/oauthkit/oauthkit/jose"
)

// The clients of provider/sender.mjs.
var (
	dpopClient      = client{ID: "dpop-client", Secret: "dpop-secret", Method: oauthkit.ClientSecretBasic}
	dpopNonceClient = client{ID: "dpop-nonce-client", Secret: "dpop-nonce-secret", Method: oauthkit.ClientSecretBasic}
	exchangeClient  = client{ID: "exchange-client", Secret: "exchange-secret", Method: oauthkit.ClientSecretBasic}
	mtlsClient      = client{ID: "mtls-client", Method: oauthkit.TLSClientAuth}
	selfSignedMTLS  = client{ID: "self-signed-mtls-client", Method: oauthkit.SelfSignedTLSClientAuth}
)

// mtls holds what TestMain made for the provider's TLS listener and the
// mTLS clients (sender.mjs, MTLS_DIR).
var mtls struct {
	dir        string
	ca         *testcert.CA    // issues the listener's and mtls-client's certificates
	cert       tls.Certificate // mtls-client's, CN=interop-mtls-client
	selfSigned tls.Certificate // self-signed-mtls-client's
}

// writeMTLSFiles makes a CA, the TLS listener's certificate and the
// clients' certificates, and writes what sender.mjs reads to a directory
// under dir.
func writeMTLSFiles(dir string) error {
	var err error
	mtls.dir = filepath.Join(dir, "mtls")
	if err = os.Mkdir(mtls.dir, 0o700); err != nil {
		return fmt.Errorf("interop: %w", err)
	}
	if mtls.ca, err = testcert.NewCA("oauthkit interop ca"); err != nil {
		return err
	}
	server, err := mtls.ca.IssueServer("127.0.0.1")
	if err != nil {
		return err
	}
	if mtls.cert, err = mtls.ca.Issue(pkix.Name{CommonName: "interop-mtls-client"}); err != nil {
		return err
	}
	if mtls.selfSigned, err = testcert.SelfSigned(pkix.Name{CommonName: "interop-self-signed"}); err != nil {
		return err
	}
	certPEM, keyPEM, err := testcert.PEM(server)
	if err != nil {
		return err
	}
	jwks, err := selfSignedJWKS(mtls.selfSigned)
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{"server.pem": certPEM, "server-key.pem": keyPEM, "ca.pem": mtls.ca.PEM(), "self-signed-jwks.json": jwks} {
		if err := os.WriteFile(filepath.Join(mtls.dir, name), b, 0o600); err != nil {
			return fmt.Errorf("interop: %w", err)
		}
	}
	return nil
}

// selfSignedJWKS is the registered JWK Set of a self_signed_tls_client_auth
// client: its public key with the certificate in x5c (RFC 8705 section
// 2.2.2).
func selfSignedJWKS(cert tls.Certificate) ([]byte, error) {
	k, err := jose.NewKey(cert.PrivateKey, "", "")
	if err != nil {
		return nil, err
	}
	raw, err := k.PublicJWK()
	if err != nil {
		return nil, err
	}
	var jwk map[string]any
	if err := json.Unmarshal(raw, &jwk); err != nil {
		return nil, err
	}
	jwk["x5c"] = []string{base64.StdEncoding.EncodeToString(cert.Certificate[0])}
	return json.Marshal(map[string]any{"keys": []any{jwk}})
}

// certClient returns an HTTP client that trusts the provider's TLS
// listener and presents cert.
func certClient(t *testing.T, cert tls.Certificate) *http.Client {
	t.Helper()
	tr := transport.Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: mtls.ca.Pool()}
	hc, err := oauthkit.MTLSClient(&http.Client{Transport: tr, Timeout: httpClient.Timeout}, cert)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hc.CloseIdleConnections)
	return hc
}

// countingClient counts the requests sent through it, by path.
type countingClient struct {
	base  http.RoundTripper
	paths map[string]*atomic.Int64
}

func newCountingClient(paths ...string) (*http.Client, *countingClient) {
	c := &countingClient{base: transport, paths: map[string]*atomic.Int64{}}
	for _, p := range paths {
		c.paths[p] = new(atomic.Int64)
	}
	return &http.Client{Transport: c, Timeout: httpClient.Timeout}, c
}

func (c *countingClient) RoundTrip(r *http.Request) (*http.Response, error) {
	if n, ok := c.paths[r.URL.Path]; ok {
		n.Add(1)
	}
	return c.base.RoundTrip(r)
}

func (c *countingClient) count(path string) int64 { return c.paths[path].Load() }
