package jose

import (
	"crypto/x509"
	"encoding/pem"
)

// PEM block types understood by ParsePrivateKeyPEM and ParsePublicKeyPEM.
const (
	pemPKCS8      = "PRIVATE KEY"
	pemPKCS1      = "RSA PRIVATE KEY"
	pemSEC1       = "EC PRIVATE KEY"
	pemSPKI       = "PUBLIC KEY"
	pemPKCS1Pub   = "RSA PUBLIC KEY"
	pemCert       = "CERTIFICATE"
	pemEncryptedP = "ENCRYPTED PRIVATE KEY"
)

// ParsePrivateKeyPEM parses the first PEM block in data that holds a
// private key: PKCS #8 "PRIVATE KEY" (RSA, EC or Ed25519), PKCS #1 "RSA
// PRIVATE KEY" or SEC 1 "EC PRIVATE KEY". Other blocks (certificates,
// parameters) are skipped. Encrypted keys are not supported. The returned
// Key has no key ID and no algorithm, so it signs with any algorithm its
// type allows (an RSA key with RS256 to PS512, for instance) when the
// caller names one, and with its [DefaultAlgorithm] otherwise; set
// Key.Algorithm to pin it to one.
func ParsePrivateKeyPEM(data []byte) (*Key, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errorf(ErrMalformedKey, "no PEM private key found")
		}
		var key any
		var err error
		switch block.Type {
		case pemPKCS8:
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case pemPKCS1:
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case pemSEC1:
			key, err = x509.ParseECPrivateKey(block.Bytes)
		case pemEncryptedP:
			return nil, errorf(ErrMalformedKey, "encrypted PEM private keys are not supported")
		default:
			continue
		}
		if err != nil {
			return nil, errorf(ErrMalformedKey, "PEM %q: %v", block.Type, err)
		}
		return unpinnedKey(key)
	}
}

// ParsePublicKeyPEM parses the first PEM block in data that holds a public
// key: PKIX "PUBLIC KEY", PKCS #1 "RSA PUBLIC KEY", or the public key of a
// "CERTIFICATE" (the certificate itself is not validated). The returned
// Key has no key ID and no algorithm: it verifies with any algorithm of
// the verifier's allow-list that its type allows.
func ParsePublicKeyPEM(data []byte) (*Key, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errorf(ErrMalformedKey, "no PEM public key found")
		}
		var key any
		var err error
		switch block.Type {
		case pemSPKI:
			key, err = x509.ParsePKIXPublicKey(block.Bytes)
		case pemPKCS1Pub:
			key, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case pemCert:
			var cert *x509.Certificate
			cert, err = x509.ParseCertificate(block.Bytes)
			if err == nil {
				key = cert.PublicKey
			}
		default:
			continue
		}
		if err != nil {
			return nil, errorf(ErrMalformedKey, "PEM %q: %v", block.Type, err)
		}
		return unpinnedKey(key)
	}
}

// unpinnedKey wraps a parsed key of a supported type without choosing an
// algorithm for it.
func unpinnedKey(key any) (*Key, error) {
	if DefaultAlgorithm(key) == "" {
		return nil, errorf(ErrUnsupportedKeyType, "%s", keyTypeName(key))
	}
	return &Key{Key: key}, nil
}
