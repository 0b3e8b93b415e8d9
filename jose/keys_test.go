package jose

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"
)

func TestNewKey(t *testing.T) {
	t.Parallel()
	p224 := mustKey(ecdsa.GenerateKey(elliptic.P224(), rand.Reader))
	tests := []struct {
		name    string
		key     any
		alg     string
		wantAlg string
		wantErr error
	}{
		{"rsa default", testRSA(), "", RS256, nil},
		{"rsa public PS512", testRSA().Public(), PS512, PS512, nil},
		{"p256 default", testP256(), "", ES256, nil},
		{"p384 default", testP384().Public(), "", ES384, nil},
		{"p521 default", testP521(), "", ES512, nil},
		{"ed25519 default", testEd(), "", EdDSA, nil},
		{"secret default", testSecret[:32], "", HS256, nil},
		{"secret HS512", testSecret, HS512, HS512, nil},
		{"secret too short for HS384", testSecret[:32], HS384, "", ErrKeyTypeMismatch},
		{"secret too short for HS256", []byte("short"), "", "", ErrKeyTypeMismatch},
		{"rsa for ES256", testRSA(), ES256, "", ErrKeyTypeMismatch},
		{"p256 for ES384", testP256(), ES384, "", ErrKeyTypeMismatch},
		{"secret for RS256", testSecret, RS256, "", ErrKeyTypeMismatch},
		{"public key for HS256", testP256().Public(), HS256, "", ErrKeyTypeMismatch},
		{"ed25519 for ES256", testEd(), ES256, "", ErrKeyTypeMismatch},
		{"unknown alg", testP256(), "ES256K", "", ErrUnsupportedAlgorithm},
		{"none", testP256(), "none", "", ErrUnsupportedAlgorithm},
		{"p224", p224, "", "", ErrUnsupportedKeyType},
		{"string", "secret", "", "", ErrUnsupportedKeyType},
		{"nil", nil, "", "", ErrUnsupportedKeyType},
		{"ecdsa value", *testP256(), "", "", ErrUnsupportedKeyType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := NewKey(tt.key, "kid", tt.alg)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("NewKey() = %v, %v; want error %v", k, err, tt.wantErr)
			}
			if err == nil && (k.Algorithm != tt.wantAlg || k.KeyID != "kid") {
				t.Errorf("NewKey() = %v; want alg %s", k, tt.wantAlg)
			}
		})
	}
}

func TestNewKey_copiesSecret(t *testing.T) {
	t.Parallel()
	secret := bytes.Clone(testSecret)
	k := newTestKey(t, secret, "", "")
	secret[0] = 'X'
	if k.Key.([]byte)[0] != testSecret[0] {
		t.Error("NewKey kept the caller's slice")
	}
}

func TestKey_Public(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		key         any
		wantPublic  bool
		wantPrivate bool
	}{
		{"rsa private", testRSA(), true, true},
		{"rsa public", testRSA().Public(), true, false},
		{"ec private", testP256(), true, true},
		{"ec public", testP256().Public(), true, false},
		{"ed25519 private", testEd(), true, true},
		{"ed25519 public", testEd().Public(), true, false},
		{"secret", testSecret, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := newTestKey(t, tt.key, "kid", "")
			k.Use = "sig"
			if got := k.IsPrivate(); got != tt.wantPrivate {
				t.Errorf("IsPrivate() = %v; want %v", got, tt.wantPrivate)
			}
			pub := k.Public()
			if (pub != nil) != tt.wantPublic {
				t.Fatalf("Public() = %v; want public %v", pub, tt.wantPublic)
			}
			if pub == nil {
				return
			}
			if pub.IsPrivate() || pub.KeyID != "kid" || pub.Algorithm != k.Algorithm || pub.Use != "sig" {
				t.Errorf("Public() = %v", pub)
			}
			b, err := json.Marshal(pub)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(`"d"`)) {
				t.Errorf("public JWK has private parts: %s", b)
			}
		})
	}
	if (*Key)(nil).Public() != nil || (*Key)(nil).IsPrivate() {
		t.Error("nil Key: Public or IsPrivate misbehave")
	}
}

func TestKey_MarshalJSON_roundTrip(t *testing.T) {
	t.Parallel()
	for _, key := range []any{testP256(), testP256().Public(), testEd(), testSecret, testRSA()} {
		k := newTestKey(t, key, "k1", "")
		b, err := json.Marshal(k)
		if err != nil {
			t.Fatalf("Marshal(%v) = %v", k, err)
		}
		var got Key
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("Unmarshal(%s) = %v", b, err)
		}
		if got.String() != k.String() || got.IsPrivate() != k.IsPrivate() {
			t.Errorf("round trip = %v; want %v", got, k)
		}
		if _, err := json.Marshal(*k); err != nil { // value form too
			t.Errorf("Marshal(value) = %v", err)
		}
	}
	if _, err := json.Marshal(Key{}); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("Marshal(empty key) = %v; want %v", err, ErrUnsupportedKeyType)
	}
}

func TestKey_String_redactsSecrets(t *testing.T) {
	t.Parallel()
	rsaKey := newTestKey(t, testRSA(), "r1", "")
	ecKey := newTestKey(t, testP256(), "e1", "")
	edKey := newTestKey(t, testEd(), "d1", "")
	hmacKey := newTestKey(t, testSecret, "h1", "")

	// Material that must never appear, in the encodings a leak could take.
	secrets := map[string][]string{
		"rsa":  bigForms(testRSA().D, testRSA().Primes[0]),
		"ec":   byteForms(mustKey(testP256().Bytes())),
		"ed":   byteForms(testEd().Seed()),
		"hmac": append(byteForms(testSecret), string(testSecret[:16])),
	}
	keys := map[string]*Key{"rsa": rsaKey, "ec": ecKey, "ed": edKey, "hmac": hmacKey}
	for name, k := range keys {
		var logBuf bytes.Buffer
		slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("key", "key", k, "value", *k)
		outputs := []string{
			k.String(), k.GoString(),
			fmt.Sprintf("%v", k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k), fmt.Sprintf("%s", k),
			fmt.Sprintf("%v", *k), fmt.Sprintf("%+v", *k), fmt.Sprintf("%#v", *k), fmt.Sprintf("%d", *k),
			fmt.Sprintf("%x", *k), fmt.Sprintf("%v", []*Key{k}), fmt.Sprintf("%+v", KeySet{Keys: []*Key{k}}),
			logBuf.String(),
		}
		for _, out := range outputs {
			if !strings.Contains(out, k.KeyID) {
				t.Errorf("%s: output %q does not name the key", name, out)
			}
			for _, s := range secrets[name] {
				if strings.Contains(out, s) {
					t.Errorf("%s: output %q leaks key material", name, out)
				}
			}
		}
	}
	want := `jose.Key{kid="h1", kty=oct, alg=HS256, secret}`
	if got := hmacKey.String(); got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
	want = `jose.Key{kid="e1", kty=EC P-256, alg=ES256, private}`
	if got := ecKey.String(); got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
}

func bigForms(ns ...*big.Int) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.String(), n.Text(16))
		out = append(out, byteForms(n.Bytes())...)
	}
	return out
}

func byteForms(b []byte) []string {
	return []string{
		base64.RawURLEncoding.EncodeToString(b), base64.StdEncoding.EncodeToString(b),
		fmt.Sprintf("%x", b), fmt.Sprint(b[:8])[1:20],
	}
}

func TestDefaultAlgorithm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  any
		want string
	}{
		{testRSA(), RS256}, {testRSA().Public(), RS256},
		{testP256(), ES256}, {testP384().Public(), ES384}, {testP521(), ES512},
		{testEd(), EdDSA}, {testEd().Public(), EdDSA}, {testSecret, HS256},
		{"x", ""}, {nil, ""}, {(*ecdsa.PublicKey)(nil), ""},
	}
	for _, tt := range tests {
		if got := DefaultAlgorithm(tt.key); got != tt.want {
			t.Errorf("DefaultAlgorithm(%s) = %q; want %q", keyTypeName(tt.key), got, tt.want)
		}
	}
}
