package jose

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSign_header(t *testing.T) {
	t.Parallel()
	key := newTestKey(t, testP256(), "k1", "")
	tests := []struct {
		name   string
		key    *Key
		header map[string]any
		want   Header
	}{
		{"kid from key", key, nil, Header{Algorithm: ES256, KeyID: "k1"}},
		{"typ and custom", key, map[string]any{"typ": "JWT", "x": "y", "alg": ES256},
			Header{Algorithm: ES256, KeyID: "k1", Type: "JWT", Extra: map[string]any{"x": "y"}}},
		{"kid override", key, map[string]any{"kid": "other"}, Header{Algorithm: ES256, KeyID: "other"}},
		{"no kid", &Key{Key: testP256()}, nil, Header{Algorithm: ES256}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := signTest(t, tt.key, "", tt.header, json.RawMessage(`{"a":1}`))
			h, payload, err := UnsafeDecode(tok)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, h); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if string(payload) != `{"a":1}` {
				t.Errorf("payload = %s", payload)
			}
		})
	}
}

func TestSign_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     *Key
		alg     string
		header  map[string]any
		claims  any
		wantErr error
	}{
		{"nil key", nil, "", nil, "x", ErrUnsupportedKeyType},
		{"public key", &Key{Key: testP256().Public()}, "", nil, "x", ErrKeyTypeMismatch},
		{"alg differs from key alg", &Key{Algorithm: ES256, Key: testP256()}, ES384, nil, "x", ErrAlgorithmNotAllowed},
		{"alg does not fit", &Key{Key: testP256()}, RS256, nil, "x", ErrKeyTypeMismatch},
		{"none", &Key{Key: testP256()}, "none", nil, "x", ErrUnsupportedAlgorithm},
		{"short secret", &Key{Key: []byte("short")}, "", nil, "x", ErrKeyTypeMismatch},
		{"unsupported key", &Key{Key: "x"}, "", nil, "x", ErrUnsupportedAlgorithm},
		{"header alg conflict", &Key{Key: testP256()}, "", map[string]any{"alg": "HS256"}, "x", ErrAlgorithmNotAllowed},
		{"header not encodable", &Key{Key: testP256()}, "", map[string]any{"c": make(chan int)}, "x", ErrMalformedToken},
		{"claims not encodable", &Key{Key: testP256()}, "", nil, func() {}, ErrMalformedToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := Sign(tt.key, tt.alg, tt.header, tt.claims)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Sign() = %q, %v; want error %v", tok, err, tt.wantErr)
			}
		})
	}
}
