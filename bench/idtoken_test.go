package bench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
)

const (
	idTokenIssuer   = "https://issuer.example.com"
	idTokenClientID = "client-1"
)

// idTokenNow is the fixed clock of the ID-token benchmarks: the token is
// issued a minute before it and expires an hour after it, so it never
// expires however long a run takes.
var idTokenNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// idTokenVerify is one way to verify the benchmark token.
type idTokenVerify func(ctx context.Context, raw string) error

// idTokenCase is one signing algorithm with its token and the three
// verifiers under comparison, all holding the same cached public key.
type idTokenCase struct {
	alg   string
	raw   string
	impls []idTokenImpl
}

// idTokenImpl is a named verifier of an idTokenCase.
type idTokenImpl struct {
	name   string
	verify idTokenVerify
}

// idTokenCases builds the RS256 (2048-bit) and ES256 (P-256) cases once
// per test binary: generating the RSA key is slow.
var idTokenCases = sync.OnceValues(func() ([]idTokenCase, error) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	var cases []idTokenCase
	for _, k := range []struct {
		alg   string
		priv  crypto.Signer
		floor func(pub crypto.PublicKey) idTokenVerify
	}{
		{jose.RS256, rsaKey, rsaFloor},
		{jose.ES256, ecKey, ecdsaFloor},
	} {
		c, err := newIDTokenCase(k.alg, k.priv, k.floor)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
})

// newIDTokenCase signs the benchmark token with priv and sets up
// oauthkit, go-oidc and the floor to verify it with the public key.
func newIDTokenCase(alg string, priv crypto.Signer, floor func(crypto.PublicKey) idTokenVerify) (idTokenCase, error) {
	key, err := jose.NewKey(priv, "k1", alg)
	if err != nil {
		return idTokenCase{}, err
	}
	raw, err := jose.Sign(key, "", map[string]any{"typ": "JWT"}, map[string]any{
		"iss": idTokenIssuer,
		"aud": idTokenClientID,
		"sub": "248289761001",
		"exp": idTokenNow.Add(time.Hour).Unix(),
		"iat": idTokenNow.Add(-time.Minute).Unix(),
	})
	if err != nil {
		return idTokenCase{}, err
	}
	now := func() time.Time { return idTokenNow }
	pub := priv.Public()

	ours := oidc.NewVerifier(idTokenIssuer, idTokenClientID,
		(&jose.KeySet{Keys: []*jose.Key{key}}).Public(),
		oidc.VerifierConfig{Algorithms: []string{alg}, Now: now})
	theirs := gooidc.NewVerifier(idTokenIssuer,
		&gooidc.StaticKeySet{PublicKeys: []crypto.PublicKey{pub}},
		&gooidc.Config{ClientID: idTokenClientID, SupportedSigningAlgs: []string{alg}, Now: now})

	return idTokenCase{alg: alg, raw: raw, impls: []idTokenImpl{
		{"oauthkit", func(ctx context.Context, raw string) error {
			_, err := ours.Verify(ctx, raw)
			return err
		}},
		{"gooidc", func(ctx context.Context, raw string) error {
			_, err := theirs.Verify(ctx, raw)
			return err
		}},
		{"floor", floor(pub)},
	}}, nil
}

// errFloorSignature is the floor's only failure: it checks nothing but
// the signature.
var errFloorSignature = errors.New("bench: floor: signature does not verify")

// splitSignature returns the signing input and the decoded signature of a
// compact JWS, without looking at the header or payload.
func splitSignature(raw string) (input, sig []byte, err error) {
	i := strings.LastIndexByte(raw, '.')
	if i < 0 {
		return nil, nil, errFloorSignature
	}
	sig, err = base64.RawURLEncoding.DecodeString(raw[i+1:])
	return []byte(raw[:i]), sig, err
}

// rsaFloor is the least an RS256 check does per token: decode the
// signature, hash the signing input, verify. No JSON, no claims.
func rsaFloor(pub crypto.PublicKey) idTokenVerify {
	rk := pub.(*rsa.PublicKey)
	return func(_ context.Context, raw string) error {
		input, sig, err := splitSignature(raw)
		if err != nil {
			return err
		}
		digest := sha256.Sum256(input)
		if rsa.VerifyPKCS1v15(rk, crypto.SHA256, digest[:], sig) != nil {
			return errFloorSignature
		}
		return nil
	}
}

// ecdsaFloor is the ES256 counterpart of rsaFloor, reading the signature
// as R || S (RFC 7518 section 3.4).
func ecdsaFloor(pub crypto.PublicKey) idTokenVerify {
	ek := pub.(*ecdsa.PublicKey)
	return func(_ context.Context, raw string) error {
		input, sig, err := splitSignature(raw)
		if err != nil {
			return err
		}
		if len(sig) != 64 {
			return errFloorSignature
		}
		digest := sha256.Sum256(input)
		r := new(big.Int).SetBytes(sig[:32])
		s := new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(ek, digest[:], r, s) {
			return errFloorSignature
		}
		return nil
	}
}

// BenchmarkIDToken compares the verification of one ID token (signature,
// iss, aud, exp, iat; no nonce) by oauthkit's oidc.Verifier, go-oidc's
// IDTokenVerifier and a bare signature check, for RS256 and ES256, with
// static key sets.
func BenchmarkIDToken(b *testing.B) {
	cases, err := idTokenCases()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(c.alg, func(b *testing.B) {
			for _, impl := range c.impls {
				b.Run(impl.name, func(b *testing.B) {
					ctx := b.Context()
					b.ReportAllocs()
					for b.Loop() {
						if err := impl.verify(ctx, c.raw); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// TestIDTokenFixture checks that every verifier of BenchmarkIDToken
// accepts the benchmark token and rejects it with a flipped signature, so
// that the benchmark compares the same work.
func TestIDTokenFixture(t *testing.T) {
	t.Parallel()
	cases, err := idTokenCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		tampered := flipSignatureBit(t, c.raw)
		for _, impl := range c.impls {
			t.Run(c.alg+"/"+impl.name, func(t *testing.T) {
				t.Parallel()
				if err := impl.verify(t.Context(), c.raw); err != nil {
					t.Errorf("verify(token) = %v, want nil", err)
				}
				if err := impl.verify(t.Context(), tampered); err == nil {
					t.Error("verify(tampered token) = nil, want an error")
				}
			})
		}
	}
}

// flipSignatureBit returns raw with one bit of its decoded signature
// flipped, re-encoded canonically.
func flipSignatureBit(t *testing.T, raw string) string {
	t.Helper()
	_, sig, err := splitSignature(raw)
	if err != nil || len(sig) == 0 {
		t.Fatalf("benchmark token has no signature: %v", err)
	}
	i := strings.LastIndexByte(raw, '.')
	sig[len(sig)/2] ^= 1
	return raw[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}
