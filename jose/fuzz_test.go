package jose

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// fuzzKeys is a fixed key set for FuzzVerify: an HMAC secret and a P-256 key.
func fuzzKeys(f *testing.F) (*Key, *Key, *KeySet) {
	hk := newTestKey(f, testSecret[:32], "h", HS256)
	ek := newTestKey(f, testP256(), "e", ES256)
	return hk, ek, &KeySet{Keys: []*Key{hk, ek.Public()}}
}

func FuzzVerify(f *testing.F) {
	hk, ek, set := fuzzKeys(f)
	f.Add(signTest(f, hk, "", map[string]any{"typ": "JWT"}, map[string]any{"sub": "x"}))
	f.Add(signTest(f, ek, "", nil, map[string]any{"sub": "x"}))
	f.Add(signTest(f, &Key{Key: testSecret[:32]}, "", map[string]any{"crit": []string{"x"}}, "y"))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("eyJhbGciOiJIUzI1NiJ9.e30.AAAA")
	f.Add(`{"payload":"e30","signatures":[]}`)
	f.Add("a.b.c.d.e")
	f.Add("..")
	// Duplicate header members: {"alg":"HS256","alg":"ES256"}.
	f.Add("eyJhbGciOiJIUzI1NiIsImFsZyI6IkVTMjU2In0.e30.AAAA")
	// A line break, which encoding/base64 skips.
	f.Add(signTest(f, hk, "", nil, map[string]any{"sub": "x"}) + "\n")
	opts := VerifyOptions{Algorithms: []string{HS256, ES256}}
	f.Fuzz(func(t *testing.T, token string) {
		v, err := Verify(t.Context(), token, set, opts)
		h, payload, decErr := UnsafeDecode(token)
		if err != nil {
			if v != nil {
				t.Fatalf("Verify returned a result and error %v", err)
			}
			return
		}
		// A verified token decodes to the same header and payload and
		// uses an allowed algorithm.
		if decErr != nil || h.Algorithm != v.Header.Algorithm || h.KeyID != v.Header.KeyID ||
			!bytes.Equal(payload, v.Payload) {
			t.Fatalf("Verify and UnsafeDecode disagree: %v / %v %v", v.Header, h, decErr)
		}
		// A verified token has one encoding: base64url letters and dots.
		if i := strings.IndexFunc(token, func(r rune) bool { return !isBase64URLOrDot(r) }); i >= 0 {
			t.Fatalf("verified a token with %q at %d", token[i], i)
		}
		if h.Algorithm != HS256 && h.Algorithm != ES256 {
			t.Fatalf("verified algorithm %q outside the allow-list", h.Algorithm)
		}
	})
}

func FuzzUnsafeDecode(f *testing.F) {
	_, ek, _ := fuzzKeys(f)
	f.Add(signTest(f, ek, "", map[string]any{"x": []int{1}}, "p"))
	f.Add("e30.e30.e30")
	f.Add("eyJhbGciOjF9..AA")
	f.Fuzz(func(t *testing.T, token string) {
		h, payload, err := UnsafeDecode(token)
		if err != nil {
			if !errors.Is(err, ErrMalformedToken) {
				t.Fatalf("UnsafeDecode error %v does not match %v", err, ErrMalformedToken)
			}
			return
		}
		if h.Algorithm == "" {
			t.Fatal("decoded header without alg")
		}
		for _, name := range []string{"alg", "kid", "typ"} {
			if _, ok := h.Extra[name]; ok {
				t.Fatalf("Extra holds %q", name)
			}
		}
		// What it returns is what the three segments say.
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("decoded %d segments", len(parts))
		}
		rawHeader, err1 := b64.DecodeString(parts[0])
		want, err2 := b64.DecodeString(parts[1])
		var m map[string]any
		if err1 != nil || err2 != nil || json.Unmarshal(rawHeader, &m) != nil || !bytes.Equal(payload, want) || m["alg"] != h.Algorithm {
			t.Fatalf("UnsafeDecode(%q) = %+v, %q; segments %q, %q", token, h, payload, rawHeader, want)
		}
	})
}

func FuzzParseJWK(f *testing.F) {
	for _, k := range []*Key{
		newTestKey(f, testP256(), "e", ""), newTestKey(f, testEd(), "d", ""),
		newTestKey(f, testSecret, "h", ""), newTestKey(f, testP384().Public(), "p", ""),
	} {
		b, err := json.Marshal(k)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"kty":"RSA","n":"AQAB","e":"AQAB"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"","y":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseJWK(data)
		if err != nil {
			return
		}
		checkKeyRoundTrip(t, k)
	})
}

func FuzzParseJWKS(f *testing.F) {
	b, err := json.Marshal(KeySet{Keys: []*Key{
		newTestKey(f, testP256(), "e", ""), newTestKey(f, testEd(), "d", ""),
	}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"keys":[{"kty":"foo"},{"kty":"oct","k":"AAAA"}]}`))
	f.Add([]byte(`{"keys":[1,"x",null,{}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseJWKS(data)
		if err != nil {
			if s != nil {
				t.Fatal("ParseJWKS returned a set and an error")
			}
			return
		}
		for _, k := range s.Keys {
			checkKeyRoundTrip(t, k)
		}
		if _, err := json.Marshal(s); err != nil {
			t.Fatalf("Marshal(parsed set) = %v", err)
		}
	})
}

// checkKeyRoundTrip asserts that a parsed key marshals and parses back
// to a key of the same kind.
func checkKeyRoundTrip(t *testing.T, k *Key) {
	t.Helper()
	if DefaultAlgorithm(k.Key) == "" {
		t.Fatalf("parsed unsupported key %v", k)
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatalf("Marshal(%v) = %v", k, err)
	}
	back, err := ParseJWK(b)
	if err != nil {
		t.Fatalf("ParseJWK(Marshal(%v)) = %v", k, err)
	}
	if back.String() != k.String() {
		t.Fatalf("round trip = %v; want %v", back, k)
	}
}

func isBase64URLOrDot(r rune) bool {
	return r == '.' || r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}
