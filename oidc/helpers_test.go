package oidc

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

const (
	testIssuer   = "https://issuer.example.com"
	testClientID = "client-1"
)

// testNow is the fixed clock of the tests.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// Test keys, generated once per test binary.
var (
	testES256 = sync.OnceValue(func() *jose.Key {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		return mustKey(k, err, "es1", jose.ES256)
	})
	testES256b = sync.OnceValue(func() *jose.Key {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		return mustKey(k, err, "es2", jose.ES256)
	})
	testRS256 = sync.OnceValue(func() *jose.Key {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		return mustKey(k, err, "rs1", jose.RS256)
	})
	testEdDSA = sync.OnceValue(func() *jose.Key {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return mustKey(k, err, "ed1", jose.EdDSA)
	})
)

func mustKey(k any, err error, kid, alg string) *jose.Key {
	if err != nil {
		panic(err)
	}
	key, err := jose.NewKey(k, kid, alg)
	if err != nil {
		panic(err)
	}
	return key
}

// publicSet returns a static key set with the public halves of keys.
func publicSet(keys ...*jose.Key) *jose.KeySet {
	return (&jose.KeySet{Keys: keys}).Public()
}

// baseClaims returns valid ID token claims at testNow.
func baseClaims() map[string]any {
	return map[string]any{
		"iss":   testIssuer,
		"sub":   "user-1",
		"aud":   testClientID,
		"exp":   testNow.Add(time.Hour).Unix(),
		"iat":   testNow.Add(-time.Minute).Unix(),
		"nonce": "n-0S6_WzA2Mj",
		"email": "alice@example.com",
	}
}

// sign signs claims with key and fails the test on error.
func sign(t testing.TB, key *jose.Key, claims any) string {
	t.Helper()
	tok, err := jose.Sign(key, "", nil, claims)
	if err != nil {
		t.Fatalf("jose.Sign = %v", err)
	}
	return tok
}

// with returns a copy of m with the changes applied; a nil value deletes.
func with(m map[string]any, changes map[string]any) map[string]any {
	c := maps.Clone(m)
	for k, v := range changes {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

// tokenHash is TokenHash failing the test on error.
func tokenHash(t testing.TB, alg, v string) string {
	t.Helper()
	h, err := TokenHash(alg, v)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newVerifier returns a verifier of testIssuer for testClientID at testNow.
func newVerifier(keys jose.KeySource, cfg VerifierConfig) *Verifier {
	if cfg.Now == nil {
		cfg.Now = fixedNow
	}
	return NewVerifier(testIssuer, testClientID, keys, cfg)
}

// jsonHandler answers every request with v as JSON.
func jsonHandler(t testing.TB, v any) http.HandlerFunc {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
}

// newServer starts an httptest server and closes it at cleanup.
func newServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
