package oidc

import (
	"testing"

	"github.com/oauthkit/oauthkit/jose"
)

func BenchmarkVerifier_Verify(b *testing.B) {
	for _, tc := range []struct {
		name string
		key  func() *jose.Key
	}{{"RS256", testRS256}, {"ES256", testES256}} {
		b.Run(tc.name, func(b *testing.B) {
			raw := sign(b, tc.key(), baseClaims())
			v := newVerifier(publicSet(tc.key()), VerifierConfig{Algorithms: []string{tc.key().Algorithm}})
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, raw, ExpectNonce("n-0S6_WzA2Mj")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
