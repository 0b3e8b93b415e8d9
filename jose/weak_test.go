package jose

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"sync"
	"testing"
)

// testRSA1024 is a key too short to be used without opting in.
var testRSA1024 = sync.OnceValue(func() *rsa.PrivateKey { return mustKey(rsa.GenerateKey(rand.Reader, 1024)) })

// RSA keys shorter than 2048 bits neither sign nor verify unless the
// caller opts in, with the key or with the verification's options.
func TestRSA_weakKeysRefused(t *testing.T) {
	t.Parallel()
	claims := map[string]any{"sub": "x"}
	weak := &Key{KeyID: "w", Key: testRSA1024()}
	if _, err := Sign(weak, RS256, nil, claims); !errors.Is(err, ErrKeyTypeMismatch) {
		t.Errorf("Sign(1024-bit key) = %v; want %v", err, ErrKeyTypeMismatch)
	}
	if _, err := NewSigner(weak, PS256, nil); !errors.Is(err, ErrKeyTypeMismatch) {
		t.Errorf("NewSigner(1024-bit key) = %v; want %v", err, ErrKeyTypeMismatch)
	}
	if _, err := weak.SigningAlgorithm(""); !errors.Is(err, ErrKeyTypeMismatch) {
		t.Errorf("SigningAlgorithm(1024-bit key) = %v; want %v", err, ErrKeyTypeMismatch)
	}
	optedIn := &Key{KeyID: "w", Key: testRSA1024(), InsecureAllowWeakRSA: true}
	tok := signTest(t, optedIn, RS256, nil, claims)

	algs := []string{RS256}
	tests := []struct {
		name    string
		key     *Key
		opts    VerifyOptions
		wantErr error
	}{
		{name: "weak key", key: weak.Public(), opts: VerifyOptions{Algorithms: algs}, wantErr: ErrKeyTypeMismatch},
		{name: "weak key allowed by options", key: weak.Public(), opts: VerifyOptions{Algorithms: algs, InsecureAllowWeakRSA: true}},
		{name: "weak key allowed by the key", key: optedIn.Public(), opts: VerifyOptions{Algorithms: algs}},
	}
	for _, tt := range tests {
		_, err := Verify(t.Context(), tok, &KeySet{Keys: []*Key{tt.key}}, tt.opts)
		if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("%s: Verify() = %v; want %v", tt.name, err, tt.wantErr)
		}
	}
	// 2048 bits need nothing.
	strong := &Key{Key: testRSA()}
	if _, err := Verify(t.Context(), signTest(t, strong, PS256, nil, claims), &KeySet{Keys: []*Key{strong.Public()}}, VerifyOptions{Algorithms: []string{PS256}}); err != nil {
		t.Errorf("Verify(2048-bit key) = %v", err)
	}
}
