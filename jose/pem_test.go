package jose

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"
)

func pemBlock(t *testing.T, typ string, der []byte, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestParsePrivateKeyPEM(t *testing.T) {
	t.Parallel()
	pkcs8 := func(k any) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(k) }
	ecParams := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}})
	sec1, sec1Err := x509.MarshalECPrivateKey(testP256())
	p8ec, p8ecErr := pkcs8(testP256())
	p8ed, p8edErr := pkcs8(testEd())
	p8rsa, p8rsaErr := pkcs8(testRSA())
	spkiP256, spkiP256Err := x509.MarshalPKIXPublicKey(testP256().Public())
	tests := []struct {
		name    string
		data    []byte
		wantAlg string
		wantErr error
	}{
		{"pkcs8 ec", pemBlock(t, "PRIVATE KEY", p8ec, p8ecErr), ES256, nil},
		{"pkcs8 ed25519", pemBlock(t, "PRIVATE KEY", p8ed, p8edErr), EdDSA, nil},
		{"pkcs8 rsa", pemBlock(t, "PRIVATE KEY", p8rsa, p8rsaErr), RS256, nil},
		{"pkcs1 rsa", pemBlock(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(testRSA()), nil), RS256, nil},
		{"sec1 ec after parameters", append(ecParams, pemBlock(t, "EC PRIVATE KEY", sec1, sec1Err)...), ES256, nil},
		{"no pem", []byte("not a key"), "", ErrMalformedKey},
		{"only public key", pemBlock(t, "PUBLIC KEY", spkiP256, spkiP256Err), "", ErrMalformedKey},
		{"garbage der", pemBlock(t, "PRIVATE KEY", []byte{1, 2, 3}, nil), "", ErrMalformedKey},
		{"encrypted", pemBlock(t, "ENCRYPTED PRIVATE KEY", []byte{1, 2, 3}, nil), "", ErrMalformedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParsePrivateKeyPEM(tt.data)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParsePrivateKeyPEM() = %v, %v; want error %v", k, err, tt.wantErr)
			}
			if err == nil && (!k.IsPrivate() || k.Algorithm != tt.wantAlg) {
				t.Errorf("ParsePrivateKeyPEM() = %v; want private %s key", k, tt.wantAlg)
			}
		})
	}
}

func TestParsePublicKeyPEM(t *testing.T) {
	t.Parallel()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
	}
	cert, certErr := x509.CreateCertificate(rand.Reader, tmpl, tmpl, testP256().Public(), testP256())
	spkiEd, spkiEdErr := x509.MarshalPKIXPublicKey(testEd().Public())
	spkiRSA, spkiRSAErr := x509.MarshalPKIXPublicKey(testRSA().Public())
	spkiP384, spkiP384Err := x509.MarshalPKIXPublicKey(testP384().Public())
	tests := []struct {
		name    string
		data    []byte
		wantAlg string
		wantErr error
	}{
		{"spki ec", pemBlock(t, "PUBLIC KEY", spkiP384, spkiP384Err), ES384, nil},
		{"spki ed25519", pemBlock(t, "PUBLIC KEY", spkiEd, spkiEdErr), EdDSA, nil},
		{"spki rsa", pemBlock(t, "PUBLIC KEY", spkiRSA, spkiRSAErr), RS256, nil},
		{"pkcs1 rsa", pemBlock(t, "RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&testRSA().PublicKey), nil), RS256, nil},
		{"certificate", pemBlock(t, "CERTIFICATE", cert, certErr), ES256, nil},
		{"no pem", []byte("-----BEGIN NOTHING"), "", ErrMalformedKey},
		{"garbage der", pemBlock(t, "PUBLIC KEY", []byte{1}, nil), "", ErrMalformedKey},
		{"garbage certificate", pemBlock(t, "CERTIFICATE", []byte{1}, nil), "", ErrMalformedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParsePublicKeyPEM(tt.data)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParsePublicKeyPEM() = %v, %v; want error %v", k, err, tt.wantErr)
			}
			if err == nil && (k.IsPrivate() || k.Algorithm != tt.wantAlg) {
				t.Errorf("ParsePublicKeyPEM() = %v; want public %s key", k, tt.wantAlg)
			}
		})
	}
}
