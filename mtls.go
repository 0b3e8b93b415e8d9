package oauthkit

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
)

// Client authentication methods of RFC 8705 section 2, for
// [Config.AuthMethod]. The certificate itself travels in the TLS
// handshake: give the session an HTTP client that presents it, such as
// one from [MTLSClient].
const (
	// TLSClientAuth authenticates with a certificate a CA issued, which
	// the server matches against the client's registered subject (RFC 8705
	// section 2.1).
	TLSClientAuth = "tls_client_auth"
	// SelfSignedTLSClientAuth authenticates with a self-signed
	// certificate whose key the client registered (RFC 8705 section 2.2).
	SelfSignedTLSClientAuth = "self_signed_tls_client_auth"
)

// ErrNoClientCertificate is wrapped by the [NewSession] error of a config
// whose AuthMethod is an mTLS method but whose HTTPClient presents no
// client certificate.
var ErrNoClientCertificate = errors.New("oauthkit: no client certificate")

// tlsAuth is mutual-TLS client authentication: the TLS layer presents
// the certificate, and the request names the client (RFC 8705 section 2:
// client_id is required).
type tlsAuth struct{}

func (tlsAuth) AuthenticateClient(_ context.Context, r *ClientAuthRequest) error {
	r.Form.Set("client_id", r.ClientID)
	return nil
}

func isTLSAuthMethod(name string) bool {
	return name == TLSClientAuth || name == SelfSignedTLSClientAuth
}

// MTLSClient returns a copy of base (nil: [http.DefaultClient]) whose
// transport presents certs to servers that ask for a client certificate
// (RFC 8705), for [Config.HTTPClient] and the oidc provider's
// configuration: the first the server accepts, else the first, so that a
// self-signed certificate is sent even to a server that names the CAs it
// trusts. The session then sends certificate-bound tokens to
// resources over the same client. base's transport must be an
// [*http.Transport] (nil: [http.DefaultTransport]); it is cloned, not
// changed.
func MTLSClient(base *http.Client, certs ...tls.Certificate) (*http.Client, error) {
	if len(certs) == 0 {
		return nil, fmt.Errorf("%w: none given", ErrNoClientCertificate)
	}
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	tr, ok := rt.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("oauthkit: mtls client: transport %T is not an *http.Transport", rt)
	}
	tr = tr.Clone()
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	certs = append(certs[:0:0], certs...)
	tr.TLSClientConfig.Certificates = certs
	tr.TLSClientConfig.GetClientCertificate = clientCertificate(certs)
	c.Transport = tr
	return c, nil
}

// clientCertificate picks the certificate to present: the first the
// server says it accepts, else the first. crypto/tls alone sends none when
// the server lists acceptable CAs that did not issue it, which is always
// the case for a self-signed certificate (RFC 8705 section 2.2) at a
// server that also does tls_client_auth.
func clientCertificate(certs []tls.Certificate) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		for i := range certs {
			if cri.SupportsCertificate(&certs[i]) == nil {
				return &certs[i], nil
			}
		}
		return &certs[0], nil
	}
}

// UsesMTLS reports whether a session with c uses mutual TLS at the
// authorization server: its AuthMethod is [TLSClientAuth] or
// [SelfSignedTLSClientAuth], or its HTTPClient presents a client
// certificate, for certificate-bound tokens (RFC 8705 section 3). Such a
// client sends its requests to the server's mTLS endpoint aliases (RFC
// 8705 section 5), which the oidc package's Provider.Config picks. A
// client certificate behind a transport that is not an [*http.Transport]
// cannot be seen: set the alias URLs yourself then.
func (c Config) UsesMTLS() bool {
	return isTLSAuthMethod(c.AuthMethod) || presentsClientCertificate(c.HTTPClient)
}

// presentsClientCertificate reports whether hc's transport, an
// [*http.Transport], has a client certificate to present. A nil client
// or one with another transport reports false.
func presentsClientCertificate(hc *http.Client) bool {
	if hc == nil {
		return false
	}
	tr, ok := hc.Transport.(*http.Transport)
	if !ok || tr.TLSClientConfig == nil {
		return false
	}
	return len(tr.TLSClientConfig.Certificates) > 0 || tr.TLSClientConfig.GetClientCertificate != nil
}

// checkMTLS reports a TLS AuthMethod whose HTTPClient, as far as can be
// seen, presents no certificate.
func (c *Config) checkMTLS() error {
	if !isTLSAuthMethod(c.AuthMethod) || c.ClientAuth != nil {
		return nil
	}
	if c.HTTPClient != nil && c.HTTPClient.Transport != nil {
		if _, ok := c.HTTPClient.Transport.(*http.Transport); !ok {
			return nil // a transport of the caller's: trust it
		}
	}
	if presentsClientCertificate(c.HTTPClient) {
		return nil
	}
	return fmt.Errorf("%w: %w: %s needs Config.HTTPClient with one (see MTLSClient)", ErrInvalidConfig, ErrNoClientCertificate, c.AuthMethod)
}
