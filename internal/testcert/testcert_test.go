package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestCA_Issue(t *testing.T) {
	t.Parallel()
	ca, err := NewCA("test ca")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(pkix.Name{CommonName: "client-1", Organization: []string{"Example"}})
	if err != nil {
		t.Fatal(err)
	}
	opts := x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if _, err := cert.Leaf.Verify(opts); err != nil {
		t.Errorf("issued certificate does not verify: %v", err)
	}
	if got := cert.Leaf.Subject.String(); got != "CN=client-1,O=Example" {
		t.Errorf("subject = %q", got)
	}
	self, err := SelfSigned(pkix.Name{CommonName: "self"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := self.Leaf.Verify(opts); err == nil {
		t.Error("a self-signed certificate verifies against the CA")
	}
	srv, err := ca.IssueServer("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "127.0.0.1"}); err != nil {
		t.Errorf("server certificate for 127.0.0.1: %v", err)
	}
	certPEM, keyPEM, err := PEM(srv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Errorf("PEM does not round-trip: %v", err)
	}
}
