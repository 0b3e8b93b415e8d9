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
			if err == nil && (!k.IsPrivate() || k.Algorithm != "" || DefaultAlgorithm(k.Key) != tt.wantAlg) {
				t.Errorf("ParsePrivateKeyPEM() = %v; want a private %s key pinned to no algorithm", k, tt.wantAlg)
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
			if err == nil && (k.IsPrivate() || k.Algorithm != "" || DefaultAlgorithm(k.Key) != tt.wantAlg) {
				t.Errorf("ParsePublicKeyPEM() = %v; want a public %s key pinned to no algorithm", k, tt.wantAlg)
			}
		})
	}
}

// A key from PEM signs with every algorithm its type allows, when the
// caller names one, and with none other.
func TestParsePrivateKeyPEM_anyAlgorithmOfItsType(t *testing.T) {
	t.Parallel()
	rsaPEM := pemBlock(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(testRSA()), nil)
	der, err := x509.MarshalPKCS8PrivateKey(testP256())
	ecPEM := pemBlock(t, "PRIVATE KEY", der, err)
	tests := []struct {
		pem     []byte
		alg     string
		want    string
		wantErr error
	}{
		{rsaPEM, "", RS256, nil},
		{rsaPEM, RS384, RS384, nil},
		{rsaPEM, RS512, RS512, nil},
		{rsaPEM, PS256, PS256, nil},
		{rsaPEM, PS512, PS512, nil},
		{rsaPEM, ES256, "", ErrKeyTypeMismatch},
		{rsaPEM, HS256, "", ErrKeyTypeMismatch},
		{ecPEM, "", ES256, nil},
		{ecPEM, ES384, "", ErrKeyTypeMismatch},
		{ecPEM, RS256, "", ErrKeyTypeMismatch},
		{ecPEM, "XS999", "", ErrUnsupportedAlgorithm},
	}
	for _, tt := range tests {
		key, err := ParsePrivateKeyPEM(tt.pem)
		if err != nil {
			t.Fatal(err)
		}
		got, err := key.SigningAlgorithm(tt.alg)
		if got != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("%v.SigningAlgorithm(%q) = %q, %v; want %q, %v", key, tt.alg, got, err, tt.want, tt.wantErr)
		}
		tok, err := Sign(key, tt.alg, nil, map[string]any{"sub": "x"})
		if (err == nil) != (tt.wantErr == nil) {
			t.Fatalf("Sign(%v, %q) = %v; want error %v", key, tt.alg, err, tt.wantErr)
		}
		if err != nil {
			continue
		}
		h, _, _ := UnsafeDecode(tok)
		if _, err := Verify(t.Context(), tok, &KeySet{Keys: []*Key{key.Public()}}, VerifyOptions{Algorithms: []string{tt.want}}); err != nil || h.Algorithm != tt.want {
			t.Errorf("Sign(%v, %q): alg %q, Verify() = %v", key, tt.alg, h.Algorithm, err)
		}
	}
	pinned, _ := ParsePrivateKeyPEM(rsaPEM)
	pinned.Algorithm = PS256
	if _, err := pinned.SigningAlgorithm(RS256); !errors.Is(err, ErrAlgorithmNotAllowed) {
		t.Errorf("pinned key: SigningAlgorithm(RS256) = %v; want %v", err, ErrAlgorithmNotAllowed)
	}
	if _, err := pinned.Public().SigningAlgorithm(""); !errors.Is(err, ErrKeyTypeMismatch) {
		t.Errorf("public key: SigningAlgorithm() = %v; want %v", err, ErrKeyTypeMismatch)
	}
}
