package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/spf13/pflag"
)

// senderProfile holds a profile's sender-constraint settings: DPoP (RFC
// 9449) and the client certificate of mutual TLS (RFC 8705).
type senderProfile struct {
	// DPoP makes every token request carry a DPoP proof, so that the
	// tokens are bound to the key.
	DPoP bool `json:"dpop,omitempty"`
	// DPoPKeyFile is the proof key (PEM or JWK); without one, DPoPKey.
	DPoPKeyFile string `json:"dpop_key_file,omitempty"`
	// DPoPKey is the private JWK of a key login generated; the profile is
	// written with mode 0600.
	DPoPKey json.RawMessage `json:"dpop_key,omitempty"`
	// CertFile and CertKeyFile are the PEM client certificate and its key.
	CertFile    string `json:"cert_file,omitempty"`
	CertKeyFile string `json:"cert_key_file,omitempty"`
	// CAFile holds PEM certificates of CAs trusted for the servers' TLS
	// certificates, besides the system's: a private PKI's.
	CAFile string `json:"ca_file,omitempty"`

	// mtls is the HTTP client that presents the certificate, logged with
	// --verbose; set by senderConfig.
	mtls *http.Client
}

// registerSenderFlags adds the DPoP and mTLS flags to f.
func registerSenderFlags(f *pflag.FlagSet, p *senderProfile) {
	f.BoolVar(&p.DPoP, "dpop", false, "bind the tokens to a key with DPoP (RFC 9449); login keeps a generated key in the profile")
	f.StringVar(&p.DPoPKeyFile, "dpop-key-file", "", "DPoP proof key (PEM or JWK) instead of a generated one; implies --dpop")
	f.StringVar(&p.CertFile, "cert-file", "", "client certificate (PEM) for mutual TLS (RFC 8705): tls_client_auth, or certificate-bound tokens")
	f.StringVar(&p.CertKeyFile, "cert-key-file", "", "private key (PEM) of --cert-file")
	f.StringVar(&p.CAFile, "ca-file", "", "PEM certificates of CAs to trust for the servers' TLS certificates, besides the system's")
}

// mergeSender fills the sender settings of p that no flag gave from
// saved.
func mergeSender(p, saved *profile) {
	p.DPoP = p.DPoP || saved.DPoP
	if p.DPoPKeyFile == "" {
		p.DPoPKeyFile = saved.DPoPKeyFile
	}
	if p.DPoPKeyFile == "" && len(p.DPoPKey) == 0 {
		p.DPoPKey = saved.DPoPKey
	}
	if p.CertFile == "" && p.CertKeyFile == "" {
		p.CertFile, p.CertKeyFile = saved.CertFile, saved.CertKeyFile
	}
	if p.CAFile == "" {
		p.CAFile = saved.CAFile
	}
}

// senderChanges is changes for the DPoP and mTLS settings, which
// mergeSender keeps: the certificate and its key go together.
func senderChanges(given, saved *profile) (changed, kept []string) {
	pairs := [][3]string{{"--dpop-key-file", given.DPoPKeyFile, saved.DPoPKeyFile}, {"--ca-file", given.CAFile, saved.CAFile}}
	if given.CertFile == "" && given.CertKeyFile == "" {
		pairs = append(pairs, [3]string{"--cert-file", "", saved.CertFile}, [3]string{"--cert-key-file", "", saved.CertKeyFile})
	} else if given.CertFile != saved.CertFile || given.CertKeyFile != saved.CertKeyFile {
		changed = append(changed, "--cert-file")
	}
	for _, f := range pairs {
		switch {
		case f[1] != "" && f[1] != f[2]:
			changed = append(changed, f[0])
		case f[1] == "" && f[2] != "":
			kept = append(kept, f[0]+" "+f[2])
		}
	}
	switch {
	case given.DPoP && !saved.DPoP:
		changed = append(changed, "--dpop")
	case saved.DPoP && !given.DPoP && given.DPoPKeyFile == "" && saved.DPoPKeyFile == "":
		kept = append(kept, "--dpop with the saved key")
	}
	return changed, kept
}

// senderConfig sets cfg.DPoP and, with a client certificate, an
// HTTPClient that presents it. It leaves that client unlogged, so that
// the oidc provider sees the certificate and picks the mTLS endpoint
// aliases; loggedSender puts the logged one in its place.
func (a *app) senderConfig(cfg *oauthkit.Config, p *profile) error {
	if err := a.trust(p); err != nil {
		return err
	}
	if p.CertFile != "" || p.CertKeyFile != "" {
		hc, err := mtlsClient(&http.Client{Transport: a.transport}, p.CertFile, p.CertKeyFile)
		if err != nil {
			return err
		}
		cfg.HTTPClient, p.mtls = hc, a.clientOver(hc.Transport)
	}
	if !p.DPoP && p.DPoPKeyFile == "" {
		return nil
	}
	key, err := dpopKey(p)
	if err != nil {
		return err
	}
	cfg.DPoP = &dpop.Config{Key: key}
	return nil
}

// loggedSender gives cfg the logged client of p's certificate, if any.
func loggedSender(cfg *oauthkit.Config, p *profile) {
	if p.mtls != nil {
		cfg.HTTPClient = p.mtls
	}
}

// dpopKey returns the profile's proof key: the key file's, or the one
// login generated.
func dpopKey(p *profile) (*jose.Key, error) {
	switch {
	case p.DPoPKeyFile != "":
		return loadKeyFlag("--dpop-key-file", p.DPoPKeyFile)
	case len(p.DPoPKey) > 0:
		k, err := jose.ParseJWK(p.DPoPKey)
		if err != nil {
			return nil, fmt.Errorf("the profile's DPoP key: %w", err)
		}
		return k, nil
	}
	return nil, usageError{errors.New("--dpop: the profile has no DPoP key; log in with --dpop, or give --dpop-key-file")}
}

// ensureDPoPKey makes the key of a login with --dpop and no key file: a
// new P-256 key, kept in the profile (written with mode 0600), so that
// the bound tokens stay usable.
func ensureDPoPKey(p *profile) error {
	if !p.DPoP || p.DPoPKeyFile != "" || len(p.DPoPKey) > 0 {
		return nil
	}
	k, err := dpop.GenerateKey()
	if err != nil {
		return localError{err}
	}
	if p.DPoPKey, err = json.Marshal(k); err != nil {
		return localError{fmt.Errorf("encoding the DPoP key: %w", err)}
	}
	return nil
}

// clientOver is the client of a command over rt, logged with --verbose.
func (a *app) clientOver(rt http.RoundTripper) *http.Client {
	if a.verbose {
		rt = &logTransport{base: rt, w: a.stderr, red: redactor{show: a.showSecrets}, style: style{on: a.useColour(a.stderr)}}
	}
	return &http.Client{Transport: rt}
}

// mtlsClient returns base, cloned, presenting the certificate of the PEM
// files certFile and keyFile.
func mtlsClient(base *http.Client, certFile, keyFile string) (*http.Client, error) {
	if certFile == "" || keyFile == "" {
		return nil, usageError{errors.New("--cert-file and --cert-key-file go together")}
	}
	certPEM, err := readFlagFile("--cert-file", certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := readFlagFile("--cert-key-file", keyFile)
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, usageError{fmt.Errorf("--cert-file %s with --cert-key-file %s: %w", certFile, keyFile, err)}
	}
	hc, err := oauthkit.MTLSClient(base, cert)
	if err != nil {
		return nil, usageError{err}
	}
	return hc, nil
}

// senderClient is the client of p's discovery, keys and userinfo: the one
// with the client certificate, when p has one, trusting p's CAs.
func (a *app) senderClient(p *profile) (*http.Client, error) {
	if err := a.trust(p); err != nil {
		return nil, err
	}
	if p.mtls != nil {
		return p.mtls, nil
	}
	return a.httpClient(), nil
}

// trust adds the CAs of p.CAFile to those the run's transport trusts.
func (a *app) trust(p *profile) error {
	if p.CAFile == "" || a.trusted == p.CAFile {
		return nil
	}
	b, err := readFlagFile("--ca-file", p.CAFile)
	if err != nil {
		return err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(b) {
		return usageError{fmt.Errorf("--ca-file %s holds no PEM certificate", p.CAFile)}
	}
	if a.transport.TLSClientConfig == nil {
		a.transport.TLSClientConfig = &tls.Config{}
	}
	a.transport.TLSClientConfig.RootCAs = pool
	a.trusted = p.CAFile
	return nil
}
