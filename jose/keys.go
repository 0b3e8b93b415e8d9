package jose

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"log/slog"

	gojose "github.com/go-jose/go-jose/v4"
)

// Key is one key (private, public, or symmetric secret) with its JWK
// metadata (RFC 7517 section 4, https://www.rfc-editor.org/rfc/rfc7517#section-4).
//
// The String, GoString, Format and LogValue methods never print private
// key material or secrets, so a Key is safe to log. MarshalJSON, on the
// other hand, includes private parts for a private key or secret, because
// it must round-trip: use [Key.Public] before publishing a key.
type Key struct {
	// KeyID is the "kid" member. Empty means the key has no ID.
	KeyID string
	// Algorithm is the "alg" member. Empty means the key may be used with
	// any algorithm that fits its type; otherwise it is used only with
	// this algorithm.
	Algorithm string
	// Use is the "use" member. Empty or "sig" means the key may verify
	// signatures; any other value (such as "enc") excludes it.
	Use string
	// Key is the key itself: *rsa.PrivateKey, *rsa.PublicKey,
	// *ecdsa.PrivateKey, *ecdsa.PublicKey (P-256, P-384 or P-521),
	// ed25519.PrivateKey, ed25519.PublicKey, or []byte (an HMAC secret).
	Key any
	// InsecureAllowWeakRSA lets this key sign and verify although it is
	// an RSA key shorter than [MinRSAKeyBits], which is otherwise refused
	// ([ErrKeyTypeMismatch]). Such keys can be factored with far less
	// effort than a 2048-bit one; use it only for a legacy key that
	// cannot be replaced. It is not part of the JWK form.
	InsecureAllowWeakRSA bool
}

// MinRSAKeyBits is the shortest RSA modulus this package signs or
// verifies with, unless a caller opts in with an InsecureAllowWeakRSA
// option (RFC 7518 section 3.3 requires 2048 bits).
const MinRSAKeyBits = 2048

// checkRSASize refuses an RSA key shorter than MinRSAKeyBits unless allow.
func checkRSASize(key any, allow bool) error {
	var n int
	switch k := key.(type) {
	case *rsa.PublicKey:
		n = k.N.BitLen()
	case *rsa.PrivateKey:
		n = k.N.BitLen()
	default:
		return nil
	}
	if n < MinRSAKeyBits && !allow {
		return errorf(ErrKeyTypeMismatch, "RSA key of %d bits is shorter than %d bits", n, MinRSAKeyBits)
	}
	return nil
}

// NewKey returns a Key for key with the given key ID and algorithm, after
// checking that the key type fits the algorithm (for example an RSA key for
// RS256 or PS256, a P-384 key for ES384, a secret of at least 32 bytes for
// HS256). If alg is empty, [DefaultAlgorithm] is used. A []byte secret is
// copied.
func NewKey(key any, kid, alg string) (*Key, error) {
	def := DefaultAlgorithm(key)
	if def == "" {
		return nil, errorf(ErrUnsupportedKeyType, "%s", keyTypeName(key))
	}
	if alg == "" {
		alg = def
	}
	a, err := resolveAlgorithm(alg)
	if err != nil {
		return nil, err
	}
	if err := a.fits(key); err != nil {
		return nil, err
	}
	if b, ok := key.([]byte); ok {
		key = bytes.Clone(b)
	}
	return &Key{KeyID: kid, Algorithm: alg, Key: key}, nil
}

// Public returns the public half of k, with the same metadata. It returns
// k's own key for a public key, and nil for a symmetric secret or a nil
// or unsupported key.
func (k *Key) Public() *Key {
	if k == nil {
		return nil
	}
	pub := publicKey(k.Key)
	if pub == nil {
		return nil
	}
	c := *k
	c.Key = pub
	return &c
}

// publicKey returns the public key for a private or public key, and nil
// for secrets and unsupported types.
func publicKey(key any) any {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k != nil {
			return &k.PublicKey
		}
	case *ecdsa.PrivateKey:
		if k != nil {
			return &k.PublicKey
		}
	case ed25519.PrivateKey:
		if len(k) == ed25519.PrivateKeySize {
			return k.Public().(ed25519.PublicKey)
		}
	case *rsa.PublicKey:
		if k != nil {
			return k
		}
	case *ecdsa.PublicKey:
		if k != nil {
			return k
		}
	case ed25519.PublicKey:
		return k
	}
	return nil
}

// IsPrivate reports whether k holds secret material: a private key or a
// symmetric (HMAC) secret.
func (k *Key) IsPrivate() bool {
	if k == nil {
		return false
	}
	switch k.Key.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey, []byte:
		return true
	}
	return false
}

// MarshalJSON returns k as a JWK (RFC 7517). Private parameters ("d",
// "p", "q", ... or "k" for a secret) are included only when k holds a
// private key or secret; marshal [Key.Public] to publish a key.
func (k Key) MarshalJSON() ([]byte, error) {
	if k.Key == nil {
		return nil, errorf(ErrUnsupportedKeyType, "key is nil")
	}
	jwk := gojose.JSONWebKey{Key: k.Key, KeyID: k.KeyID, Algorithm: k.Algorithm, Use: k.Use}
	b, err := jwk.MarshalJSON()
	if err != nil {
		return nil, errorf(ErrUnsupportedKeyType, "%v", err)
	}
	return b, nil
}

// UnmarshalJSON sets k from a JWK, as [ParseJWK] does.
func (k *Key) UnmarshalJSON(data []byte) error {
	p, err := ParseJWK(data)
	if err != nil {
		return err
	}
	*k = *p
	return nil
}

// String describes k without any key material, for example
// jose.Key{kid="k1", kty=RSA, alg=RS256, private} (alg only when the key
// is pinned to one).
func (k Key) String() string {
	kind := "public"
	if k.IsPrivate() {
		kind = "private"
		if _, ok := k.Key.([]byte); ok {
			kind = "secret"
		}
	}
	s := fmt.Sprintf("jose.Key{kid=%q, kty=%s", k.KeyID, keyTypeName(k.Key))
	if k.Algorithm != "" {
		s += ", alg=" + k.Algorithm
	}
	if k.Use != "" {
		s += ", use=" + k.Use
	}
	return s + ", " + kind + "}"
}

// GoString returns the same redacted description as [Key.String], so that
// %#v does not print key material either.
func (k Key) GoString() string { return k.String() }

// Format implements [fmt.Formatter] so that every verb (%v, %+v, %#v, %s,
// %d, ...) prints the redacted description of [Key.String].
func (k Key) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprint(f, k.String())
}

// LogValue implements [slog.LogValuer]; it logs only the key's metadata.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kid", k.KeyID),
		slog.String("kty", keyTypeName(k.Key)),
		slog.String("alg", k.Algorithm),
		slog.Bool("private", k.IsPrivate()),
	)
}
