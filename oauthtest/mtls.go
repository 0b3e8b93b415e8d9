package oauthtest

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/oauthkit/oauthkit/jose"
)

// pathMTLS prefixes the mTLS endpoint aliases (RFC 8705 §5): the same
// endpoints, where client certificates count.
const pathMTLS = "/mtls"

// mtlsAliases maps the metadata names of the endpoints that have an mTLS
// alias to their paths.
var mtlsAliases = map[string]string{
	"token_endpoint":                pathToken,
	"revocation_endpoint":           pathRevoke,
	"introspection_endpoint":        pathIntrospect,
	"device_authorization_endpoint": pathDeviceAuthorization,
	"userinfo_endpoint":             pathUserInfo,
	// RFC 9126 §5 registers this alias too.
	"pushed_authorization_request_endpoint": pathPushedAuthorization,
}

// MTLSURL returns the mTLS alias of an endpoint URL of the server, such as
// [Server.TokenURL]: the URL under which client certificates authenticate
// clients and bind tokens (RFC 8705 §5). Only a server started with
// StartTLS asks for client certificates; it publishes the aliases as
// mtls_endpoint_aliases.
func (s *Server) MTLSURL(endpointURL string) string {
	return s.URL + pathMTLS + strings.TrimPrefix(endpointURL, s.URL)
}

func isTLSMethod(m string) bool { return m == TLSClientAuth || m == SelfSignedTLSClientAuth }

// mtlsCertificate returns the client certificate of a request to an mTLS
// alias, or nil: elsewhere certificates do not authenticate.
func mtlsCertificate(r *http.Request) *x509.Certificate {
	if !strings.HasPrefix(r.URL.Path, pathMTLS+"/") {
		return nil
	}
	return peerCertificate(r)
}

func peerCertificate(r *http.Request) *x509.Certificate {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil
	}
	return r.TLS.PeerCertificates[0]
}

// certThumbprint is the x5t#S256 of the connection's client certificate
// (RFC 8705 §3.1), or "".
func certThumbprint(r *http.Request) string {
	c := peerCertificate(r)
	if c == nil {
		return ""
	}
	return x5tS256(c)
}

func x5tS256(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// tlsClient authenticates a client by its TLS certificate (RFC 8705 §2).
func (s *Server) tlsClient(r *http.Request, c *Client, cr credentials) (*Client, *oauthError) {
	cert := mtlsCertificate(r)
	if cert == nil {
		return nil, cr.fail("no client certificate at an mTLS endpoint")
	}
	if c.AuthMethod == TLSClientAuth {
		if s.ClientCAs == nil {
			return nil, cr.fail("the server trusts no client certificate authority")
		}
		inter := x509.NewCertPool()
		for _, ic := range r.TLS.PeerCertificates[1:] {
			inter.AddCert(ic)
		}
		// Certificates are checked against the real clock, not Server.Now:
		// they are real certificates.
		opts := x509.VerifyOptions{Roots: s.ClientCAs, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
		if _, err := cert.Verify(opts); err != nil {
			return nil, cr.fail("client certificate does not verify: " + err.Error())
		}
		if cert.Subject.String() != c.TLSClientAuthSubjectDN {
			return nil, cr.fail("client certificate subject " + cert.Subject.String() + " is not the registered one")
		}
		return c, nil
	}
	// RFC 8705 §2.2: the certificate's key is one the client registered.
	tp, err := (&jose.Key{Key: cert.PublicKey}).Thumbprint()
	if err != nil {
		return nil, cr.fail("client certificate has an unsupported key")
	}
	for _, k := range registeredKeys(c) {
		if ktp, err := k.Thumbprint(); err == nil && ktp == tp {
			return c, nil
		}
	}
	return nil, cr.fail("client certificate key is not a registered key")
}

// registeredKeys are the public keys a client registered.
func registeredKeys(c *Client) []*jose.Key {
	var keys []*jose.Key
	if c.JWKS != nil {
		keys = append(keys, c.JWKS.Keys...)
	}
	if c.PublicKey != nil {
		keys = append(keys, c.PublicKey)
	}
	return keys
}

// certificateBinding is the x5t#S256 to bind a client's new access token
// to: the certificate it presented at an mTLS alias, when it registered
// for certificate-bound tokens.
func certificateBinding(r *http.Request, c *Client) string {
	if !c.CertificateBoundAccessTokens {
		return ""
	}
	if cert := mtlsCertificate(r); cert != nil {
		return x5tS256(cert)
	}
	return ""
}

// mtlsMetadata adds the mTLS members of RFC 8705 §§3.3, 5 to the metadata
// of a TLS server.
func (s *Server) mtlsMetadata(m map[string]any) {
	if !strings.HasPrefix(s.URL, "https://") {
		return
	}
	aliases := map[string]any{}
	for name, p := range mtlsAliases {
		aliases[name] = s.URL + pathMTLS + p
	}
	m["mtls_endpoint_aliases"] = aliases
	m["tls_client_certificate_bound_access_tokens"] = true
}

// Certificate returns the TLS certificate of a server started with
// StartTLS, or nil for a plain HTTP one, as [net/http/httptest.Server.Certificate]
// does: to trust it from a client that is not [Server.Client]. It panics
// if the server was not started.
func (s *Server) Certificate() *x509.Certificate {
	if s.ts == nil {
		panic("oauthtest: Certificate called before Start")
	}
	return s.ts.Certificate()
}
