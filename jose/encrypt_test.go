package jose

import (
	"errors"
	"strings"
	"testing"
)

func TestEncryptDecrypt(t *testing.T) {
	t.Parallel()
	rsaKey := mustEncKey(t, testRSA(), "r1", "")
	ecKey := mustEncKey(t, testP256(), "e1", "")
	tests := []struct {
		name     string
		key      *Key
		alg, enc string
	}{
		{name: "rsa defaults", key: rsaKey},
		{name: "rsa oaep a256gcm", key: mustEncKey(t, testRSA(), "r2", RSAOAEP), enc: A256GCM},
		{name: "ec defaults", key: ecKey},
		{name: "ec key wrap", key: mustEncKey(t, testP384(), "e2", ECDHESA256KW), enc: A256CBCHS512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := Encrypt(tt.key.Public(), tt.alg, tt.enc, map[string]any{"cty": "JWT"}, []byte("secret payload"))
			if err != nil {
				t.Fatalf("Encrypt: %v", err)
			}
			if !IsEncrypted(tok) {
				t.Fatalf("IsEncrypted(%q) = false", tok)
			}
			got, err := Decrypt(tok, []*Key{ecKey, rsaKey, tt.key}, DecryptOptions{})
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(got) != "secret payload" {
				t.Errorf("Decrypt = %q; want %q", got, "secret payload")
			}
		})
	}
}

func TestDecrypt_errors(t *testing.T) {
	t.Parallel()
	rsaKey := mustEncKey(t, testRSA(), "r1", "")
	other := mustEncKey(t, testP256(), "r1", "")
	tok, err := Encrypt(rsaKey, "", "", nil, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := Encrypt(rsaKey, RSA1_5, "", nil, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	parts[3] = strings.Repeat("A", len(parts[3]))
	tampered := strings.Join(parts, ".")
	tests := []struct {
		name    string
		token   string
		keys    []*Key
		opts    DecryptOptions
		wantErr error
	}{
		{name: "jws", token: "a.b.c", keys: []*Key{rsaKey}, wantErr: ErrMalformedToken},
		{name: "rsa1_5 by default", token: legacy, keys: []*Key{rsaKey}, wantErr: ErrAlgorithmNotAllowed},
		{name: "enc not allowed", token: tok, keys: []*Key{rsaKey}, opts: DecryptOptions{ContentEncryption: []string{A256GCM}}, wantErr: ErrAlgorithmNotAllowed},
		{name: "wrong key", token: tok, keys: []*Key{other}, wantErr: ErrDecryption},
		{name: "public key only", token: tok, keys: []*Key{rsaKey.Public()}, wantErr: ErrDecryption},
		{name: "tampered tag", token: tampered, keys: []*Key{rsaKey}, wantErr: ErrDecryption},
		{name: "garbage header", token: "!!.a.b.c.d", keys: []*Key{rsaKey}, wantErr: ErrMalformedToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Decrypt(tt.token, tt.keys, tt.opts); !errors.Is(err, tt.wantErr) {
				t.Errorf("Decrypt = %v; want %v", err, tt.wantErr)
			}
		})
	}
	// A key restricted to RSA-OAEP-256 does not decrypt RSA1_5; one without
	// an "alg" does, once RSA1_5 is allowed.
	if _, err := Decrypt(legacy, []*Key{rsaKey}, DecryptOptions{KeyAlgorithms: []string{RSA1_5}}); !errors.Is(err, ErrDecryption) {
		t.Errorf("Decrypt(RSA1_5) with an RSA-OAEP-256 key = %v; want ErrDecryption", err)
	}
	if _, err := Decrypt(legacy, []*Key{{KeyID: "r1", Key: testRSA()}}, DecryptOptions{KeyAlgorithms: []string{RSA1_5}}); err != nil {
		t.Errorf("Decrypt(RSA1_5) with RSA1_5 allowed: %v", err)
	}
}

func TestNewEncryptionKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     any
		alg     string
		wantErr error
	}{
		{name: "ec with rsa alg", key: testP256(), alg: RSAOAEP, wantErr: ErrKeyTypeMismatch},
		{name: "ed25519", key: testEd(), wantErr: ErrUnsupportedKeyType},
		{name: "secret", key: testSecret, alg: ECDHES, wantErr: ErrKeyTypeMismatch},
		{name: "unknown alg", key: testP256(), alg: "A128KW", wantErr: ErrUnsupportedAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewEncryptionKey(tt.key, "k", tt.alg); !errors.Is(err, tt.wantErr) {
				t.Errorf("NewEncryptionKey = %v; want %v", err, tt.wantErr)
			}
		})
	}
	k := mustEncKey(t, testP256(), "k", "")
	if k.Use != "enc" || k.Algorithm != ECDHES {
		t.Errorf("NewEncryptionKey(P-256) = %v; want use enc, alg ECDH-ES", k)
	}
}

func mustEncKey(t testing.TB, key any, kid, alg string) *Key {
	t.Helper()
	k, err := NewEncryptionKey(key, kid, alg)
	if err != nil {
		t.Fatalf("NewEncryptionKey: %v", err)
	}
	return k
}

func TestSelectEncryptionKey(t *testing.T) {
	t.Parallel()
	sig := newTestKey(t, testP256(), "sig", ES256).Public()
	rsaEnc := mustEncKey(t, testRSA(), "rsa", "").Public()
	ecEnc := mustEncKey(t, testP256(), "ec", ECDHESA128KW).Public()
	keys := []*Key{sig, rsaEnc, ecEnc}
	tests := []struct {
		name    string
		algs    []string
		wantKID string
		wantErr error
	}{
		{name: "any", wantKID: "rsa"},
		{name: "ecdh", algs: []string{ECDHESA128KW}, wantKID: "ec"},
		{name: "none fits", algs: []string{ECDHES}, wantErr: ErrNoMatchingKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := SelectEncryptionKey(keys, tt.algs)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("SelectEncryptionKey = %v; want %v", err, tt.wantErr)
			}
			if err == nil && k.KeyID != tt.wantKID {
				t.Errorf("SelectEncryptionKey = %q; want %q", k.KeyID, tt.wantKID)
			}
		})
	}
}
