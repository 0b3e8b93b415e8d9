package jose

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzDecrypt feeds arbitrary compact JWEs to Decrypt: it must never
// panic, fail only with the documented errors, and decrypt only what the
// allow-lists admit.
func FuzzDecrypt(f *testing.F) {
	rsaKey := mustEncKey(f, testRSA(), "r1", "")
	ecKey := mustEncKey(f, testP256(), "e1", "")
	wrapKey := mustEncKey(f, testP384(), "e2", ECDHESA256KW)
	for _, s := range []struct {
		key      *Key
		alg, enc string
	}{{rsaKey, "", ""}, {ecKey, "", A256GCM}, {wrapKey, "", A256CBCHS512}, {rsaKey, RSA1_5, ""}} {
		tok, err := Encrypt(s.key.Public(), s.alg, s.enc, map[string]any{"cty": "JWT"}, []byte("secret payload"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok)
	}
	f.Add("a.b.c")
	f.Add("!!.a.b.c.d")
	f.Add("eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0....")
	f.Add("eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIiwiQUxHIjoiUlNBMV81In0.AA.AA.AA.AA")
	keys := []*Key{rsaKey, ecKey, wrapKey}
	f.Fuzz(func(t *testing.T, token string) {
		b, err := Decrypt(token, keys, DecryptOptions{})
		if err != nil {
			if b != nil {
				t.Fatalf("plaintext %q with error %v", b, err)
			}
			if !errors.Is(err, ErrMalformedToken) && !errors.Is(err, ErrAlgorithmNotAllowed) && !errors.Is(err, ErrDecryption) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		// The header that the allow-lists were applied to names what
		// decrypted the token, and another allow-list refuses it.
		head, _, _ := strings.Cut(token, ".")
		raw, err := b64.DecodeString(head)
		if err != nil {
			t.Fatalf("decrypted a token whose header does not decode: %v", err)
		}
		var h map[string]any
		if err := json.Unmarshal(raw, &h); err != nil {
			t.Fatalf("decrypted a token whose header is not an object: %v", err)
		}
		alg, _ := h["alg"].(string)
		enc, _ := h["enc"].(string)
		if !slices.Contains(defaultKeyAlgorithms, alg) || !slices.Contains(defaultContentEncryption, enc) {
			t.Fatalf("decrypted with alg %q, enc %q outside the defaults (header %s)", alg, enc, raw)
		}
		if _, err := Decrypt(token, keys, DecryptOptions{KeyAlgorithms: []string{RSA1_5}}); !errors.Is(err, ErrAlgorithmNotAllowed) {
			t.Fatalf("a %s token under an RSA1_5-only allow-list: %v", alg, err)
		}
	})
}
