package jose

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	gojose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
)

func TestSigner_agreesWithVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  any
		alg  string
	}{
		{"ES256", testP256(), ES256},
		{"ES384", testP384(), ES384},
		{"ES512", testP521(), ES512},
		{"EdDSA", testEd(), EdDSA},
		{"RS256", testRSA(), RS256},
		{"PS256", testRSA(), PS256},
		{"PS512", testRSA(), PS512},
		{"HS256", testSecret, HS256},
		{"HS512", testSecret, HS512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key := newTestKey(t, tt.key, "k1", tt.alg)
			s, err := NewSigner(key, "", map[string]any{"typ": "dpop+jwt"})
			if err != nil {
				t.Fatalf("NewSigner: %v", err)
			}
			if s.Algorithm() != tt.alg {
				t.Errorf("Algorithm() = %q; want %q", s.Algorithm(), tt.alg)
			}
			tok, err := s.Sign(map[string]any{"a": 1})
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			verifyKey := key.Public()
			if verifyKey == nil {
				verifyKey = key
			}
			v, err := Verify(context.Background(), tok, &KeySet{Keys: []*Key{verifyKey}}, VerifyOptions{Algorithms: []string{tt.alg}})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := Header{Algorithm: tt.alg, KeyID: "k1", Type: "dpop+jwt"}
			if diff := cmp.Diff(want, v.Header); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if string(v.Payload) != `{"a":1}` {
				t.Errorf("payload = %s", v.Payload)
			}
			// go-jose, the reference implementation, agrees.
			jws, err := gojose.ParseSignedCompact(tok, []gojose.SignatureAlgorithm{gojose.SignatureAlgorithm(tt.alg)})
			if err != nil {
				t.Fatalf("go-jose ParseSignedCompact: %v", err)
			}
			var gk any = tt.key
			if p := key.Public(); p != nil {
				gk = p.Key
			}
			if _, err := jws.Verify(gk); err != nil {
				t.Errorf("go-jose Verify: %v", err)
			}
		})
	}
}

func TestNewSigner_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     *Key
		alg     string
		header  map[string]any
		wantErr error
	}{
		{"nil key", nil, "", nil, ErrUnsupportedKeyType},
		{"public key", &Key{Key: testP256().Public()}, "", nil, ErrKeyTypeMismatch},
		{"alg does not fit", &Key{Key: testP256()}, RS256, nil, ErrKeyTypeMismatch},
		{"none", &Key{Key: testP256()}, "none", nil, ErrUnsupportedAlgorithm},
		{"header alg conflict", &Key{Key: testP256()}, "", map[string]any{"alg": "HS256"}, ErrAlgorithmNotAllowed},
		{"header not encodable", &Key{Key: testP256()}, "", map[string]any{"c": make(chan int)}, ErrMalformedToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewSigner(tt.key, tt.alg, tt.header); !errors.Is(err, tt.wantErr) {
				t.Errorf("NewSigner() = %v; want %v", err, tt.wantErr)
			}
		})
	}
}

func TestSigner_Sign_claimsNotEncodable(t *testing.T) {
	t.Parallel()
	s, err := NewSigner(newTestKey(t, testP256(), "", ""), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sign(func() {}); !errors.Is(err, ErrMalformedToken) {
		t.Errorf("Sign(func) = %v; want %v", err, ErrMalformedToken)
	}
}

func TestSigner_concurrent(t *testing.T) {
	t.Parallel()
	key := newTestKey(t, testP256(), "", "")
	s, err := NewSigner(key, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			tok, err := s.Sign(json.RawMessage(`{}`))
			if err == nil {
				_, err = Verify(context.Background(), tok, &KeySet{Keys: []*Key{key.Public()}}, VerifyOptions{Algorithms: []string{ES256}})
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestKey_Thumbprint(t *testing.T) {
	t.Parallel()
	// RFC 7638 section 3.1.
	rfcKey, err := ParseJWK([]byte(`{"kty":"RSA","e":"AQAB","kid":"2011-04-29","alg":"RS256",` +
		`"n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := rfcKey.Thumbprint()
	if err != nil || got != "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" {
		t.Errorf("Thumbprint() = %q, %v; want the RFC 7638 value", got, err)
	}
	priv := newTestKey(t, testP256(), "a", "")
	pub := priv.Public()
	pub.KeyID = "b"
	tp1, err1 := priv.Thumbprint()
	tp2, err2 := pub.Thumbprint()
	if err1 != nil || err2 != nil || tp1 != tp2 {
		t.Errorf("thumbprints of a private key and its public half = %q, %q (%v, %v); want equal", tp1, tp2, err1, err2)
	}
	if _, err := (&Key{Key: testSecret}).Thumbprint(); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("Thumbprint(secret) = %v; want %v", err, ErrUnsupportedKeyType)
	}
}

func TestKey_PublicJWK(t *testing.T) {
	t.Parallel()
	k := newTestKey(t, testP256(), "kid", ES256)
	b, err := k.PublicJWK()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kid", "alg", "use", "d"} {
		if _, ok := m[name]; ok {
			t.Errorf("PublicJWK has %q: %s", name, b)
		}
	}
	if m["kty"] != "EC" || m["crv"] != "P-256" || !strings.Contains(string(b), `"x"`) {
		t.Errorf("PublicJWK = %s; want an EC P-256 public key", b)
	}
	if _, err := (&Key{Key: testSecret}).PublicJWK(); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("PublicJWK(secret) = %v; want %v", err, ErrUnsupportedKeyType)
	}
}

// TestRawECDSA: rawECDSA undoes ecdsaDER for values with leading zeros
// and with the high bit set, and refuses what is not a signature.
func TestRawECDSA(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ r, s []byte }{
		{[]byte{1}, []byte{2}},
		{[]byte{0x80, 1}, []byte{0xff, 0xff}},
		{append(make([]byte, 31), 7), append([]byte{0x90}, make([]byte, 31)...)},
	} {
		der, ok := ecdsaDER(nil, tc.r, tc.s)
		if !ok {
			t.Fatal("ecdsaDER refused")
		}
		got, ok := rawECDSA(der, 32)
		if !ok {
			t.Fatalf("rawECDSA(%x) refused", der)
		}
		want := make([]byte, 64)
		r, s := trimZeros(tc.r), trimZeros(tc.s)
		copy(want[32-len(r):32], r)
		copy(want[64-len(s):], s)
		if string(got) != string(want) {
			t.Errorf("rawECDSA(%x) = %x; want %x", der, got, want)
		}
	}
	for _, bad := range [][]byte{nil, {0x31, 0}, {0x30, 3, 2, 5, 1}, {0x30, 6, 2, 1, 1, 2, 1, 1, 0}} {
		if _, ok := rawECDSA(bad, 32); ok {
			t.Errorf("rawECDSA(%x) accepted", bad)
		}
	}
	if _, ok := rawECDSA([]byte{0x30, 0x25, 2, 33, 1}, 32); ok {
		t.Error("an integer longer than the size was accepted")
	}
}
