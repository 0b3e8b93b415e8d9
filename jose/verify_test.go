package jose

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	gojose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
)

func TestSignVerify_roundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		alg string
		key func() any
	}{
		{RS256, func() any { return testRSA() }},
		{RS384, func() any { return testRSA() }},
		{RS512, func() any { return testRSA() }},
		{PS256, func() any { return testRSA() }},
		{PS384, func() any { return testRSA() }},
		{PS512, func() any { return testRSA() }},
		{ES256, func() any { return testP256() }},
		{ES384, func() any { return testP384() }},
		{ES512, func() any { return testP521() }},
		{EdDSA, func() any { return testEd() }},
		{HS256, func() any { return testSecret[:32] }},
		{HS384, func() any { return testSecret[:48] }},
		{HS512, func() any { return testSecret }},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			t.Parallel()
			key := newTestKey(t, tt.key(), "k-"+tt.alg, tt.alg)
			claims := map[string]any{"sub": "alice", "n": 1}
			tok := signTest(t, key, "", map[string]any{"typ": "JWT"}, claims)

			// Verify with the public half (or the secret for HMAC).
			vk := key.Public()
			if vk == nil {
				vk = key
			}
			set := &KeySet{Keys: []*Key{vk}}
			got, err := Verify(t.Context(), tok, set, VerifyOptions{Algorithms: []string{tt.alg}})
			if err != nil {
				t.Fatalf("Verify() = %v", err)
			}
			want := Header{Algorithm: tt.alg, KeyID: "k-" + tt.alg, Type: "JWT"}
			if diff := cmp.Diff(want, got.Header); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if string(got.Payload) != `{"n":1,"sub":"alice"}` {
				t.Errorf("payload = %s", got.Payload)
			}
			// The private key verifies too.
			if _, err := Verify(t.Context(), tok, &KeySet{Keys: []*Key{key}}, VerifyOptions{Algorithms: []string{tt.alg}}); err != nil {
				t.Errorf("Verify(private key) = %v", err)
			}
		})
	}
}

// staticSource is a KeySource that returns fixed keys without any
// filtering, to check that Verify applies its own policy.
type staticSource []*Key

func (s staticSource) KeysFor(context.Context, Header) ([]*Key, error) { return s, nil }

type rejectCase struct {
	name    string
	token   func(t *testing.T) string
	keys    func(t *testing.T) KeySource
	algs    []string
	wantErr error
}

func (tc rejectCase) run(t *testing.T) {
	t.Parallel()
	got, err := Verify(t.Context(), tc.token(t), tc.keys(t), VerifyOptions{Algorithms: tc.algs})
	if !errors.Is(err, tc.wantErr) {
		t.Fatalf("Verify() = %v, %v; want error %v", got, err, tc.wantErr)
	}
	if got != nil {
		t.Errorf("Verify() returned a result with error %v", err)
	}
	if !strings.HasPrefix(err.Error(), "jose: ") || strings.Count(err.Error(), "jose: ") != 1 {
		t.Errorf("error %q does not have exactly one package prefix", err)
	}
}

func ecKeySet(t *testing.T) KeySource {
	return &KeySet{Keys: []*Key{newTestKey(t, testP256().Public(), "ec", "")}}
}

func ecToken(t *testing.T, header map[string]any) string {
	return signTest(t, newTestKey(t, testP256(), "ec", ""), "", header, map[string]any{"sub": "x"})
}

func TestVerify_rejects(t *testing.T) {
	t.Parallel()
	pubDER, err := x509.MarshalPKIXPublicKey(testP256().Public())
	if err != nil {
		t.Fatal(err)
	}
	attacker := newTestKey(t, mustKey(ecdsa.GenerateKey(testP256().Curve, rand.Reader)), "ec", "")
	tests := []rejectCase{{
		name: "alg none",
		token: func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "none", "kid": "ec"}, `{}`, []byte("x"))
		},
		keys: ecKeySet, algs: []string{"none", ES256}, wantErr: ErrAlgorithmNotAllowed,
	}, {
		name: "alg None mixed case",
		token: func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "None"}, `{}`, []byte("x"))
		},
		keys: ecKeySet, algs: []string{"None"}, wantErr: ErrAlgorithmNotAllowed,
	}, {
		name:  "alg outside default allow-list",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys:  ecKeySet, wantErr: ErrAlgorithmNotAllowed,
	}, {
		name:  "alg outside allow-list",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys:  ecKeySet, algs: []string{ES384, RS256}, wantErr: ErrAlgorithmNotAllowed,
	}, {
		name: "unsupported alg in allow-list",
		token: func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "ES256K"}, `{}`, []byte("x"))
		},
		keys: ecKeySet, algs: []string{"ES256K"}, wantErr: ErrUnsupportedAlgorithm,
	}, {
		name: "hmac signed with public key bytes",
		token: func(t *testing.T) string {
			return signTest(t, &Key{Key: pubDER}, HS256, map[string]any{"kid": "ec"}, map[string]any{"sub": "x"})
		},
		keys: ecKeySet, algs: []string{ES256, HS256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name: "hmac with public key from unfiltered source",
		token: func(t *testing.T) string {
			return signTest(t, &Key{Key: pubDER}, HS256, nil, map[string]any{"sub": "x"})
		},
		keys: func(t *testing.T) KeySource {
			return staticSource{{Key: testP256().Public()}}
		},
		algs: []string{ES256, HS256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name:  "asymmetric alg with secret",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys: func(t *testing.T) KeySource {
			return &KeySet{Keys: []*Key{{KeyID: "ec", Key: testSecret}}}
		},
		algs: []string{ES256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name:  "asymmetric alg with secret from unfiltered source",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys: func(t *testing.T) KeySource {
			return staticSource{{KeyID: "ec", Key: testSecret}}
		},
		algs: []string{ES256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name:  "curve does not fit alg",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys: func(t *testing.T) KeySource {
			return staticSource{{KeyID: "ec", Key: testP384().Public()}}
		},
		algs: []string{ES256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name:  "rsa key for ES256",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys: func(t *testing.T) KeySource {
			return staticSource{{KeyID: "ec", Key: testRSA().Public()}}
		},
		algs: []string{ES256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name:  "ed25519 key for ES256",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys: func(t *testing.T) KeySource {
			return staticSource{{KeyID: "ec", Key: testEd().Public()}}
		},
		algs: []string{ES256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name: "hmac secret too short",
		token: func(t *testing.T) string {
			return signTest(t, &Key{Key: testSecret[:32]}, HS256, nil, "x")
		},
		keys: func(t *testing.T) KeySource { return staticSource{{Key: testSecret[:16]}} },
		algs: []string{HS256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name:  "key restricted to another alg",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys: func(t *testing.T) KeySource {
			return staticSource{{KeyID: "ec", Algorithm: ES384, Key: testP256().Public()}}
		},
		algs: []string{ES256}, wantErr: ErrKeyTypeMismatch,
	}, {
		name:  "encryption key",
		token: func(t *testing.T) string { return ecToken(t, nil) },
		keys: func(t *testing.T) KeySource {
			return staticSource{{KeyID: "ec", Use: "enc", Key: testP256().Public()}}
		},
		algs: []string{ES256}, wantErr: ErrNoMatchingKey,
	}, {
		name:  "unknown kid",
		token: func(t *testing.T) string { return ecToken(t, map[string]any{"kid": "other"}) },
		keys:  ecKeySet, algs: []string{ES256}, wantErr: ErrNoMatchingKey,
	}, {
		name: "crit header",
		token: func(t *testing.T) string {
			return ecToken(t, map[string]any{"crit": []string{"exp"}, "exp": 1})
		},
		keys: ecKeySet, algs: []string{ES256}, wantErr: ErrMalformedToken,
	}, {
		name: "json serialization",
		token: func(t *testing.T) string {
			return jsonSerialized(t, gojose.SigningKey{Algorithm: gojose.ES256, Key: testP256()})
		},
		keys: ecKeySet, algs: []string{ES256}, wantErr: ErrMalformedToken,
	}, {
		name: "multiple signatures",
		token: func(t *testing.T) string {
			return jsonSerialized(t,
				gojose.SigningKey{Algorithm: gojose.ES256, Key: testP256()},
				gojose.SigningKey{Algorithm: gojose.HS256, Key: testSecret})
		},
		keys: ecKeySet, algs: []string{ES256}, wantErr: ErrMalformedToken,
	}, {
		name:  "jwe",
		token: func(t *testing.T) string { return "eyJhbGciOiJkaXIifQ..aXY.Y3Q.dGFn" },
		keys:  ecKeySet, algs: []string{ES256}, wantErr: ErrMalformedToken,
	}, {
		name: "embedded jwk is ignored",
		token: func(t *testing.T) string {
			s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.ES256, Key: attacker.Key},
				&gojose.SignerOptions{EmbedJWK: true})
			if err != nil {
				t.Fatal(err)
			}
			obj, err := s.Sign([]byte(`{"sub":"admin"}`))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := obj.CompactSerialize()
			if err != nil {
				t.Fatal(err)
			}
			return tok
		},
		keys: ecKeySet, algs: []string{ES256}, wantErr: ErrInvalidSignature,
	}, {
		name: "signed by another key with same kid",
		token: func(t *testing.T) string {
			return signTest(t, attacker, "", nil, map[string]any{"sub": "admin"})
		},
		keys: ecKeySet, algs: []string{ES256}, wantErr: ErrInvalidSignature,
	}, {
		name: "tampered payload",
		token: func(t *testing.T) string {
			parts := strings.Split(ecToken(t, nil), ".")
			parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin"}`))
			return strings.Join(parts, ".")
		},
		keys: ecKeySet, algs: []string{ES256}, wantErr: ErrInvalidSignature,
	}, {
		name: "tampered header",
		token: func(t *testing.T) string {
			return withHeader(t, ecToken(t, nil), map[string]any{"alg": "ES256", "kid": "ec", "typ": "x"})
		},
		keys: ecKeySet, algs: []string{ES256}, wantErr: ErrInvalidSignature,
	}, {
		name: "ecdsa signature in DER form",
		token: func(t *testing.T) string {
			digest := sha256.Sum256([]byte("eyJhbGciOiJFUzI1NiJ9.e30"))
			der, err := ecdsa.SignASN1(rand.Reader, testP256(), digest[:])
			if err != nil {
				t.Fatal(err)
			}
			return "eyJhbGciOiJFUzI1NiJ9.e30." + base64.RawURLEncoding.EncodeToString(der)
		},
		keys: func(t *testing.T) KeySource { return staticSource{{Key: testP256().Public()}} },
		algs: []string{ES256}, wantErr: ErrInvalidSignature,
	}}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

// jsonSerialized signs with go-jose and returns the JWS JSON serialization.
func jsonSerialized(t *testing.T, keys ...gojose.SigningKey) string {
	t.Helper()
	s, err := gojose.NewMultiSigner(keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign([]byte(`{"sub":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	return obj.FullSerialize()
}

func TestVerify_ignoresJKUAndX5U(t *testing.T) {
	t.Parallel()
	attacker := newTestKey(t, mustKey(ecdsa.GenerateKey(testP256().Curve, rand.Reader)), "evil", "")
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		b, _ := (&KeySet{Keys: []*Key{attacker}}).MarshalJSON()
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	for _, name := range []string{"jku", "x5u"} {
		tok := signTest(t, attacker, "", map[string]any{name: srv.URL}, map[string]any{"sub": "admin"})
		_, err := Verify(t.Context(), tok, ecKeySet(t), VerifyOptions{Algorithms: []string{ES256}})
		if !errors.Is(err, ErrNoMatchingKey) {
			t.Errorf("Verify(%s token) = %v; want %v", name, err, ErrNoMatchingKey)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("key URL fetched %d times; want 0", n)
	}
}

func TestVerify_keyChoice(t *testing.T) {
	t.Parallel()
	k1 := newTestKey(t, testP256(), "", ES256)
	other := mustKey(ecdsa.GenerateKey(testP256().Curve, rand.Reader))
	k2 := newTestKey(t, other, "", ES256)
	opts := VerifyOptions{Algorithms: []string{ES256}}

	tests := []struct {
		name    string
		signer  *Key
		header  map[string]any
		keys    []*Key
		wantErr error
	}{
		{"no kid, one key fits", k1, nil, []*Key{{Key: testRSA().Public()}, k1.Public()}, nil},
		{"no kid, several fit, second verifies", k1, nil, []*Key{k2.Public(), k1.Public()}, nil},
		{"no kid, several fit, none verifies", k1, nil, []*Key{k2.Public(), k2.Public()}, ErrInvalidSignature},
		{"kid shared by two keys", k1, map[string]any{"kid": "a"},
			[]*Key{{KeyID: "a", Key: other.Public()}, {KeyID: "a", Key: testP256().Public()}}, nil},
		{"kid selects the wrong key", k1, map[string]any{"kid": "b"},
			[]*Key{{KeyID: "a", Key: testP256().Public()}, {KeyID: "b", Key: other.Public()}}, ErrInvalidSignature},
		{"no kid, no key fits", k1, nil, []*Key{{Key: testRSA().Public()}}, ErrKeyTypeMismatch},
		{"empty set", k1, nil, nil, ErrNoMatchingKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := signTest(t, tt.signer, "", tt.header, "x")
			_, err := Verify(t.Context(), tok, &KeySet{Keys: tt.keys}, opts)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Errorf("Verify() = %v; want %v", err, tt.wantErr)
			}
		})
	}
}

func TestVerify_malformed(t *testing.T) {
	t.Parallel()
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	sig := enc("sig")
	tests := []struct{ name, token string }{
		{"empty", ""},
		{"one part", "abc"},
		{"two parts", "abc.def"},
		{"four parts", "a.b.c.d"},
		{"json", `{"payload":"e30","signatures":[]}`},
		{"header not base64", "!!." + enc("{}") + "." + sig},
		{"padded base64", enc(`{"alg":"ES256"}`) + "=." + enc("{}") + "." + sig},
		{"payload not base64", enc(`{"alg":"ES256"}`) + ".$." + sig},
		{"signature not base64", enc(`{"alg":"ES256"}`) + "." + enc("{}") + ".*"},
		{"empty signature", enc(`{"alg":"ES256"}`) + "." + enc("{}") + "."},
		{"header not json", enc("alg") + "." + enc("{}") + "." + sig},
		{"header array", enc(`["alg"]`) + "." + enc("{}") + "." + sig},
		{"header null", enc(`null`) + "." + enc("{}") + "." + sig},
		{"no alg", enc(`{"kid":"a"}`) + "." + enc("{}") + "." + sig},
		{"alg not string", enc(`{"alg":1}`) + "." + enc("{}") + "." + sig},
		{"kid not string", enc(`{"alg":"ES256","kid":{}}`) + "." + enc("{}") + "." + sig},
		{"typ not string", enc(`{"alg":"ES256","typ":[]}`) + "." + enc("{}") + "." + sig},
		{"non-canonical base64", enc(`{"alg":"ES256"}`) + "." + "e31" + "." + sig},
		// encoding/base64 skips line breaks even in strict mode: each would
		// give the same token another encoding.
		{"newline in header", enc(`{"alg":"ES256"}`)[:4] + "\n" + enc(`{"alg":"ES256"}`)[4:] + "." + enc("{}") + "." + sig},
		{"carriage return in payload", enc(`{"alg":"ES256"}`) + "." + enc("{}") + "\r." + sig},
		{"trailing newline", enc(`{"alg":"ES256"}`) + "." + enc("{}") + "." + sig + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Verify(t.Context(), tt.token, ecKeySet(t), VerifyOptions{Algorithms: []string{ES256}})
			if !errors.Is(err, ErrMalformedToken) {
				t.Errorf("Verify(%q) = %v; want %v", tt.token, err, ErrMalformedToken)
			}
			if _, _, err := UnsafeDecode(tt.token); !errors.Is(err, ErrMalformedToken) {
				t.Errorf("UnsafeDecode(%q) = %v; want %v", tt.token, err, ErrMalformedToken)
			}
		})
	}
}

func TestVerify_nilKeySource(t *testing.T) {
	t.Parallel()
	_, err := Verify(t.Context(), ecToken(t, nil), nil, VerifyOptions{Algorithms: []string{ES256}})
	if !errors.Is(err, ErrNoMatchingKey) {
		t.Errorf("Verify(nil source) = %v; want %v", err, ErrNoMatchingKey)
	}
}

func TestUnsafeDecode(t *testing.T) {
	t.Parallel()
	tok := ecToken(t, map[string]any{"typ": "at+jwt", "cty": "x", "crit": []string{"b"}, "b": true})
	h, payload, err := UnsafeDecode(tok)
	if err != nil {
		t.Fatalf("UnsafeDecode() = %v", err)
	}
	want := Header{Algorithm: ES256, KeyID: "ec", Type: "at+jwt",
		Extra: map[string]any{"cty": "x", "crit": []any{"b"}, "b": true}}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if string(payload) != `{"sub":"x"}` {
		t.Errorf("payload = %s", payload)
	}
	// A signature that does not verify still decodes.
	parts := strings.Split(tok, ".")
	if _, _, err := UnsafeDecode(parts[0] + "." + parts[1] + ".AAAA"); err != nil {
		t.Errorf("UnsafeDecode(bad signature) = %v", err)
	}
}
