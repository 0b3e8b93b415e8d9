package jose

import (
	"testing"

	gojose "github.com/go-jose/go-jose/v4"
)

// benchToken returns an ID-token-like JWS signed with key.
func benchToken(b *testing.B, key *Key) string {
	claims := map[string]any{
		"iss": "https://accounts.example.com", "sub": "248289761001", "aud": "s6BhdRkqt3",
		"nonce": "n-0S6_WzA2Mj", "exp": 1311281970, "iat": 1311280970, "email": "alice@example.com",
		"name": "Alice Example", "email_verified": true,
	}
	return signTest(b, key, "", map[string]any{"typ": "JWT"}, claims)
}

func BenchmarkVerify(b *testing.B) {
	for _, tc := range []struct {
		name string
		key  any
		alg  string
	}{{"RS256", testRSA(), RS256}, {"ES256", testP256(), ES256}} {
		key := newTestKey(b, tc.key, "k1", tc.alg)
		tok := benchToken(b, key)
		set := &KeySet{Keys: []*Key{key.Public()}}
		opts := VerifyOptions{Algorithms: []string{tc.alg}}

		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Verify(b.Context(), tok, set, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		// Baseline: go-jose's parse and verify, as a single pass.
		b.Run(tc.name+"/go-jose", func(b *testing.B) {
			b.ReportAllocs()
			algs := []gojose.SignatureAlgorithm{gojose.SignatureAlgorithm(tc.alg)}
			pub := key.Public().Key
			for b.Loop() {
				jws, err := gojose.ParseSignedCompact(tok, algs)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := jws.Verify(pub); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
