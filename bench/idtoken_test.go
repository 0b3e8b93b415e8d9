package bench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
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

// idTokenCase is one signing algorithm with its token and the
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
// per test binary. The RSA key is a fixed one: generating it is slow and
// takes a different time on every run, which would blur instruction
// counts of the benchmarks.
var idTokenCases = sync.OnceValues(func() ([]idTokenCase, error) {
	rsaKey, err := loadRSAKey("testdata/idtoken-rsa.pem")
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
		check func(pub crypto.PublicKey) signatureCheck
	}{
		{jose.RS256, rsaKey, rsaCheck},
		{jose.ES256, ecKey, ecdsaCheck},
	} {
		c, err := newIDTokenCase(k.alg, k.priv, k.check)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
})

// loadRSAKey reads a PKCS #8 PEM RSA private key.
func loadRSAKey(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an RSA key", path)
	}
	return rk, nil
}

// newIDTokenCase signs the benchmark token with priv and sets up
// oauthkit, go-oidc, the floor and the bare signature check to verify it
// with the public key.
func newIDTokenCase(alg string, priv crypto.Signer, check func(crypto.PublicKey) signatureCheck) (idTokenCase, error) {
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
		{"floor", idTokenFloor(alg, check(pub), now)},
		{"signature", signatureFloor(check(pub))},
	}}, nil
}

// errFloor is the floors' failure.
var errFloor = errors.New("bench: floor: token does not verify")

// splitSignature returns the signing input and the decoded signature of a
// compact JWS, without looking at the header or payload.
func splitSignature(raw string) (input, sig []byte, err error) {
	i := strings.LastIndexByte(raw, '.')
	if i < 0 {
		return nil, nil, errFloor
	}
	sig, err = base64.RawURLEncoding.DecodeString(raw[i+1:])
	return []byte(raw[:i]), sig, err
}

// signatureCheck is the stdlib signature check of one algorithm: hash the
// signing input, verify sig with the public key.
type signatureCheck func(input, sig []byte) error

func rsaCheck(pub crypto.PublicKey) signatureCheck {
	rk := pub.(*rsa.PublicKey)
	return func(input, sig []byte) error {
		digest := sha256.Sum256(input)
		if rsa.VerifyPKCS1v15(rk, crypto.SHA256, digest[:], sig) != nil {
			return errFloor
		}
		return nil
	}
}

// ecdsaCheck reads the signature as R || S (RFC 7518 section 3.4).
func ecdsaCheck(pub crypto.PublicKey) signatureCheck {
	ek := pub.(*ecdsa.PublicKey)
	return func(input, sig []byte) error {
		if len(sig) != 64 {
			return errFloor
		}
		digest := sha256.Sum256(input)
		r := new(big.Int).SetBytes(sig[:32])
		s := new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(ek, digest[:], r, s) {
			return errFloor
		}
		return nil
	}
}

// signatureFloor checks nothing but the signature: the cryptography's
// share of any verification.
func signatureFloor(check signatureCheck) idTokenVerify {
	return func(_ context.Context, raw string) error {
		input, sig, err := splitSignature(raw)
		if err != nil {
			return err
		}
		return check(input, sig)
	}
}

// floorAudience is "aud": one string or an array of them (RFC 7519
// section 4.1.3).
type floorAudience []string

func (a *floorAudience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = floorAudience{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

// idTokenFloor is the least a correct ID-token check does with the
// standard library: split the token, decode and check the header's alg,
// decode the claims into a struct with encoding/json, check the signature,
// then the claims the benchmark token carries (OpenID Connect Core
// section 3.1.3.7: iss, aud, exp, iat, and sub present).
func idTokenFloor(alg string, check signatureCheck, now func() time.Time) idTokenVerify {
	return func(_ context.Context, raw string) error {
		h, rest, ok := strings.Cut(raw, ".")
		p, s, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || strings.Contains(s, ".") {
			return errFloor
		}
		var hdr struct {
			Alg string `json:"alg"`
			Kid string `json:"kid"`
		}
		if err := decodeSegment(h, &hdr); err != nil || hdr.Alg != alg {
			return errFloor
		}
		var c struct {
			Iss string        `json:"iss"`
			Sub string        `json:"sub"`
			Aud floorAudience `json:"aud"`
			Exp float64       `json:"exp"`
			Iat float64       `json:"iat"`
		}
		if err := decodeSegment(p, &c); err != nil {
			return errFloor
		}
		sig, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			return errFloor
		}
		if err := check([]byte(raw[:len(h)+1+len(p)]), sig); err != nil {
			return err
		}
		t := float64(now().Unix())
		if c.Iss != idTokenIssuer || !slices.Contains(c.Aud, idTokenClientID) || c.Sub == "" || t >= c.Exp || c.Iat > t {
			return errFloor
		}
		return nil
	}
}

// decodeSegment base64url-decodes one part of a compact JWS and decodes
// its JSON into v.
func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// BenchmarkIDToken compares the verification of one ID token (signature,
// iss, aud, exp, iat; no nonce) by oauthkit's oidc.Verifier, go-oidc's
// IDTokenVerifier, the standard-library floor (idTokenFloor) and a bare
// signature check, for RS256 and ES256, with static key sets.
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
