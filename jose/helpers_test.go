package jose

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// Test keys, generated once per test binary. RSA is generated only when a
// test needs it.
var (
	testRSA  = sync.OnceValue(func() *rsa.PrivateKey { return mustKey(rsa.GenerateKey(rand.Reader, 2048)) })
	testP256 = sync.OnceValue(func() *ecdsa.PrivateKey { return mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	testP384 = sync.OnceValue(func() *ecdsa.PrivateKey { return mustKey(ecdsa.GenerateKey(elliptic.P384(), rand.Reader)) })
	testP521 = sync.OnceValue(func() *ecdsa.PrivateKey { return mustKey(ecdsa.GenerateKey(elliptic.P521(), rand.Reader)) })
	testEd   = sync.OnceValue(func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return mustKey(k, err)
	})
	testSecret = []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
)

func mustKey[T any](k T, err error) T {
	if err != nil {
		panic(err)
	}
	return k
}

// newTestKey wraps NewKey and fails the test on error.
func newTestKey(t testing.TB, key any, kid, alg string) *Key {
	t.Helper()
	k, err := NewKey(key, kid, alg)
	if err != nil {
		t.Fatalf("NewKey(%s, %q, %q) = %v", keyTypeName(key), kid, alg, err)
	}
	return k
}

// signTest wraps Sign and fails the test on error.
func signTest(t testing.TB, key *Key, alg string, header map[string]any, claims any) string {
	t.Helper()
	tok, err := Sign(key, alg, header, claims)
	if err != nil {
		t.Fatalf("Sign(%v, %q) = %v", key, alg, err)
	}
	return tok
}

// rawToken builds a compact JWS from a header, a payload and raw
// signature bytes, without signing anything.
func rawToken(t testing.TB, header map[string]any, payload string, sig []byte) string {
	t.Helper()
	hb, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(hb) + "." + enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(sig)
}

// withHeader re-encodes the header of a token (keeping payload and
// signature), to test tampering.
func withHeader(t testing.TB, token string, header map[string]any) string {
	t.Helper()
	hb, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(token, ".")
	return base64.RawURLEncoding.EncodeToString(hb) + "." + rest
}
