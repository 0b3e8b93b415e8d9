package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	_ "crypto/sha256" // registers SHA-256 for crypto.Hash.New
	_ "crypto/sha512" // registers SHA-384 and SHA-512 for crypto.Hash.New
	"fmt"
)

// Signature algorithm names from RFC 7518 section 3.1
// (https://www.rfc-editor.org/rfc/rfc7518#section-3.1) and RFC 8037
// section 3.1 (EdDSA).
const (
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256
	RS384 = "RS384" // RSASSA-PKCS1-v1_5 with SHA-384
	RS512 = "RS512" // RSASSA-PKCS1-v1_5 with SHA-512
	PS256 = "PS256" // RSASSA-PSS with SHA-256
	PS384 = "PS384" // RSASSA-PSS with SHA-384
	PS512 = "PS512" // RSASSA-PSS with SHA-512
	ES256 = "ES256" // ECDSA with P-256 and SHA-256
	ES384 = "ES384" // ECDSA with P-384 and SHA-384
	ES512 = "ES512" // ECDSA with P-521 and SHA-512
	EdDSA = "EdDSA" // Ed25519 (RFC 8037)
	HS256 = "HS256" // HMAC with SHA-256
	HS384 = "HS384" // HMAC with SHA-384
	HS512 = "HS512" // HMAC with SHA-512
)

// algNone is the unsecured JWS algorithm, which is never accepted.
// https://www.rfc-editor.org/rfc/rfc7518#section-3.6
const algNone = "none"

// family groups algorithms that share a key type and verification routine.
type family uint8

const (
	famRSA family = iota + 1
	famPSS
	famECDSA
	famEdDSA
	famHMAC
)

// algorithm describes one supported JWS algorithm.
type algorithm struct {
	name   string
	family family
	hash   crypto.Hash    // zero for EdDSA
	curve  elliptic.Curve // ECDSA only
	size   int            // ECDSA: bytes per coordinate; HMAC: minimum key bytes
}

// lookupAlgorithm returns the description of a supported algorithm.
func lookupAlgorithm(name string) (algorithm, bool) {
	switch name {
	case RS256:
		return algorithm{name: name, family: famRSA, hash: crypto.SHA256}, true
	case RS384:
		return algorithm{name: name, family: famRSA, hash: crypto.SHA384}, true
	case RS512:
		return algorithm{name: name, family: famRSA, hash: crypto.SHA512}, true
	case PS256:
		return algorithm{name: name, family: famPSS, hash: crypto.SHA256}, true
	case PS384:
		return algorithm{name: name, family: famPSS, hash: crypto.SHA384}, true
	case PS512:
		return algorithm{name: name, family: famPSS, hash: crypto.SHA512}, true
	case ES256:
		return algorithm{name: name, family: famECDSA, hash: crypto.SHA256, curve: elliptic.P256(), size: 32}, true
	case ES384:
		return algorithm{name: name, family: famECDSA, hash: crypto.SHA384, curve: elliptic.P384(), size: 48}, true
	case ES512:
		return algorithm{name: name, family: famECDSA, hash: crypto.SHA512, curve: elliptic.P521(), size: 66}, true
	case EdDSA:
		return algorithm{name: name, family: famEdDSA}, true
	// RFC 7518 section 3.2: the key must be at least as long as the hash
	// output.
	case HS256:
		return algorithm{name: name, family: famHMAC, hash: crypto.SHA256, size: 32}, true
	case HS384:
		return algorithm{name: name, family: famHMAC, hash: crypto.SHA384, size: 48}, true
	case HS512:
		return algorithm{name: name, family: famHMAC, hash: crypto.SHA512, size: 64}, true
	}
	return algorithm{}, false
}

// resolveAlgorithm looks up name and wraps ErrUnsupportedAlgorithm when it
// is unknown.
func resolveAlgorithm(name string) (algorithm, error) {
	a, ok := lookupAlgorithm(name)
	if !ok {
		return algorithm{}, errorf(ErrUnsupportedAlgorithm, "%q", name)
	}
	return a, nil
}

// fits reports whether key (private, public or secret) can be used with a.
// It is the algorithm-confusion guard: HMAC algorithms accept only []byte
// secrets, and asymmetric algorithms never accept a []byte.
func (a algorithm) fits(key any) error {
	ok := false
	switch k := key.(type) {
	case *rsa.PublicKey:
		ok = k != nil && (a.family == famRSA || a.family == famPSS)
	case *rsa.PrivateKey:
		ok = k != nil && (a.family == famRSA || a.family == famPSS)
	case *ecdsa.PublicKey:
		ok = k != nil && a.family == famECDSA && k.Curve == a.curve
	case *ecdsa.PrivateKey:
		ok = k != nil && a.family == famECDSA && k.Curve == a.curve
	case ed25519.PublicKey:
		ok = a.family == famEdDSA && len(k) == ed25519.PublicKeySize
	case ed25519.PrivateKey:
		ok = a.family == famEdDSA && len(k) == ed25519.PrivateKeySize
	case []byte:
		if a.family == famHMAC && len(k) < a.size {
			return errorf(ErrKeyTypeMismatch, "%s needs a secret of at least %d bytes, got %d",
				a.name, a.size, len(k))
		}
		ok = a.family == famHMAC
	}
	if !ok {
		return errorf(ErrKeyTypeMismatch, "%s key cannot be used with %s", keyTypeName(key), a.name)
	}
	return nil
}

// DefaultAlgorithm returns the algorithm used for key when none is given:
// RS256 for RSA, ES256/ES384/ES512 for P-256/P-384/P-521, EdDSA for
// Ed25519 and HS256 for a []byte secret. It returns "" for any other key.
func DefaultAlgorithm(key any) string {
	switch k := key.(type) {
	case *rsa.PublicKey, *rsa.PrivateKey:
		return RS256
	case *ecdsa.PublicKey:
		if k != nil {
			return ecdsaAlgorithm(k.Curve)
		}
	case *ecdsa.PrivateKey:
		if k != nil {
			return ecdsaAlgorithm(k.Curve)
		}
	case ed25519.PublicKey, ed25519.PrivateKey:
		return EdDSA
	case []byte:
		return HS256
	}
	return ""
}

func ecdsaAlgorithm(c elliptic.Curve) string {
	switch c {
	case elliptic.P256():
		return ES256
	case elliptic.P384():
		return ES384
	case elliptic.P521():
		return ES512
	}
	return ""
}

// keyTypeName names the kind of key for messages and String output,
// without revealing key material.
func keyTypeName(key any) string {
	switch k := key.(type) {
	case *rsa.PublicKey, *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PublicKey:
		if k != nil && k.Curve != nil {
			return "EC " + k.Curve.Params().Name
		}
		return "EC"
	case *ecdsa.PrivateKey:
		if k != nil && k.Curve != nil {
			return "EC " + k.Curve.Params().Name
		}
		return "EC"
	case ed25519.PublicKey, ed25519.PrivateKey:
		return "OKP Ed25519"
	case []byte:
		return "oct"
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%T", key)
}
