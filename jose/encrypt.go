package jose

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	gojose "github.com/go-jose/go-jose/v4"
)

// Key management algorithms of RFC 7518 section 4.1
// (https://www.rfc-editor.org/rfc/rfc7518#section-4.1) that [Encrypt] and
// [Decrypt] implement: RSA-OAEP with RSA keys, ECDH-ES with P-256, P-384
// and P-521 keys. RSA1_5 is implemented for old servers but only accepted
// when a caller lists it.
const (
	RSA1_5       = "RSA1_5"         // RSAES-PKCS1-v1_5; never accepted by default
	RSAOAEP      = "RSA-OAEP"       // RSAES OAEP with SHA-1
	RSAOAEP256   = "RSA-OAEP-256"   // RSAES OAEP with SHA-256
	ECDHES       = "ECDH-ES"        // ECDH-ES, direct key agreement
	ECDHESA128KW = "ECDH-ES+A128KW" // ECDH-ES with AES-128 key wrap
	ECDHESA192KW = "ECDH-ES+A192KW" // ECDH-ES with AES-192 key wrap
	ECDHESA256KW = "ECDH-ES+A256KW" // ECDH-ES with AES-256 key wrap
)

// Content encryption algorithms of RFC 7518 section 5.1.
const (
	A128CBCHS256 = "A128CBC-HS256" // AES-128-CBC with HMAC SHA-256
	A192CBCHS384 = "A192CBC-HS384" // AES-192-CBC with HMAC SHA-384
	A256CBCHS512 = "A256CBC-HS512" // AES-256-CBC with HMAC SHA-512
	A128GCM      = "A128GCM"       // AES-128-GCM
	A192GCM      = "A192GCM"       // AES-192-GCM
	A256GCM      = "A256GCM"       // AES-256-GCM
)

// ErrDecryption means a JWE could not be decrypted: no key fits it, its
// algorithms are not allowed, or it is malformed or was tampered with. The
// message never says which, beyond the algorithm check, so that it gives
// no padding or tag oracle.
var ErrDecryption = errors.New("jose: decryption failed")

// defaultKeyAlgorithms are the key management algorithms Decrypt accepts
// when DecryptOptions.KeyAlgorithms is empty.
var defaultKeyAlgorithms = []string{RSAOAEP, RSAOAEP256, ECDHES, ECDHESA128KW, ECDHESA192KW, ECDHESA256KW}

// defaultContentEncryption are the content encryption algorithms Decrypt
// accepts when DecryptOptions.ContentEncryption is empty: all of section 5.1.
var defaultContentEncryption = []string{A128CBCHS256, A192CBCHS384, A256CBCHS512, A128GCM, A192GCM, A256GCM}

// NewEncryptionKey returns a Key with "use" "enc" for the key management
// algorithm alg, after checking that the key fits it: an RSA key for the
// RSA algorithms, a P-256, P-384 or P-521 key for ECDH-ES. A public key
// encrypts; the private key decrypts. If alg is empty, RSA-OAEP-256 is
// used for RSA keys and ECDH-ES for EC keys.
func NewEncryptionKey(key any, kid, alg string) (*Key, error) {
	if alg == "" {
		alg = defaultKeyAlgorithm(key)
	}
	if err := fitsKeyAlgorithm(key, alg); err != nil {
		return nil, err
	}
	return &Key{KeyID: kid, Algorithm: alg, Use: "enc", Key: key}, nil
}

// Encrypt returns a compact JWE (RFC 7516 section 7.1) of plaintext for the
// holder of key, with the key management algorithm alg and the content
// encryption enc. alg defaults to key.Algorithm, then to the key type's
// default (see [NewEncryptionKey]); enc defaults to A128CBC-HS256, the
// OpenID Connect default. key may be public or private; only its public
// half is used. The header's "kid" is key.KeyID when it has one; header
// adds other members, such as "cty": "JWT" for a nested JWT.
func Encrypt(key *Key, alg, enc string, header map[string]any, plaintext []byte) (string, error) {
	if key == nil {
		return "", errorf(ErrUnsupportedKeyType, "key is nil")
	}
	alg = cmpOr(alg, key.Algorithm, defaultKeyAlgorithm(key.Key))
	enc = cmpOr(enc, A128CBCHS256)
	pub := publicKey(key.Key)
	if err := fitsKeyAlgorithm(pub, alg); err != nil {
		return "", err
	}
	if !slices.Contains(defaultContentEncryption, enc) {
		return "", errorf(ErrUnsupportedAlgorithm, "content encryption %q", enc)
	}
	opts := &gojose.EncrypterOptions{}
	for name, v := range header {
		opts.WithHeader(gojose.HeaderKey(name), v)
	}
	rcpt := gojose.Recipient{Algorithm: gojose.KeyAlgorithm(alg), Key: pub, KeyID: key.KeyID}
	e, err := gojose.NewEncrypter(gojose.ContentEncryption(enc), rcpt, opts)
	if err != nil {
		return "", errorf(ErrKeyTypeMismatch, "%v", err)
	}
	obj, err := e.Encrypt(plaintext)
	if err != nil {
		return "", errorf(ErrKeyTypeMismatch, "encrypt: %v", err)
	}
	return obj.CompactSerialize()
}

// DecryptOptions are the options of [Decrypt].
type DecryptOptions struct {
	// KeyAlgorithms is the allow-list of key management algorithms
	// ("alg"). Empty means RSA-OAEP, RSA-OAEP-256 and the ECDH-ES family;
	// RSA1_5 is accepted only when listed.
	KeyAlgorithms []string
	// ContentEncryption is the allow-list of content encryption algorithms
	// ("enc"). Empty means all of RFC 7518 section 5.1.
	ContentEncryption []string
}

// Decrypt decrypts a compact JWE (RFC 7516 section 7.1) with one of keys
// and returns the plaintext. When the JWE names a "kid", only keys with
// that ID are tried; otherwise every private key that fits the algorithm
// is. The JWE JSON serialization and algorithms outside opts are refused
// ([ErrAlgorithmNotAllowed]); every other failure is [ErrDecryption].
//
// Decryption proves nothing about who sent the plaintext: verify the
// signature of a nested JWT with [Verify].
func Decrypt(token string, keys []*Key, opts DecryptOptions) ([]byte, error) {
	if !IsEncrypted(token) {
		return nil, errorf(ErrMalformedToken, "not a compact JWE")
	}
	algs := cmpSlice(opts.KeyAlgorithms, defaultKeyAlgorithms)
	encs := cmpSlice(opts.ContentEncryption, defaultContentEncryption)
	alg, enc, err := jweAlgorithms(token)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(algs, alg) || alg == "" {
		return nil, errorf(ErrAlgorithmNotAllowed, "key management %q", alg)
	}
	if !slices.Contains(encs, enc) || enc == "" {
		return nil, errorf(ErrAlgorithmNotAllowed, "content encryption %q", enc)
	}
	obj, err := gojose.ParseEncryptedCompact(token,
		[]gojose.KeyAlgorithm{gojose.KeyAlgorithm(alg)}, []gojose.ContentEncryption{gojose.ContentEncryption(enc)})
	if err != nil {
		return nil, errorf(ErrDecryption, "malformed jwe")
	}
	for _, k := range keys {
		if k == nil || (obj.Header.KeyID != "" && k.KeyID != obj.Header.KeyID) || !k.IsPrivate() {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != alg {
			continue
		}
		if fitsKeyAlgorithm(k.Key, alg) != nil {
			continue
		}
		if b, err := obj.Decrypt(k.Key); err == nil {
			return b, nil
		}
	}
	return nil, errorf(ErrDecryption, "no key decrypts the %s jwe", alg)
}

// IsEncrypted reports whether token has the five parts of a compact JWE
// rather than the three of a compact JWS. It checks nothing else.
func IsEncrypted(token string) bool { return strings.Count(token, ".") == 4 }

// defaultKeyAlgorithm is the key management algorithm for a key type.
func defaultKeyAlgorithm(key any) string {
	switch key.(type) {
	case *rsa.PublicKey, *rsa.PrivateKey:
		return RSAOAEP256
	case *ecdsa.PublicKey, *ecdsa.PrivateKey:
		return ECDHES
	}
	return ""
}

// fitsKeyAlgorithm checks that key can be used with the key management
// algorithm alg.
func fitsKeyAlgorithm(key any, alg string) error {
	var ok bool
	switch alg {
	case RSA1_5, RSAOAEP, RSAOAEP256:
		switch k := key.(type) {
		case *rsa.PublicKey:
			ok = k != nil && k.N.BitLen() >= 2048
		case *rsa.PrivateKey:
			ok = k != nil && k.N.BitLen() >= 2048
		}
	case ECDHES, ECDHESA128KW, ECDHESA192KW, ECDHESA256KW:
		switch k := key.(type) {
		case *ecdsa.PublicKey:
			ok = k != nil && ecdsaAlgorithm(k.Curve) != ""
		case *ecdsa.PrivateKey:
			ok = k != nil && ecdsaAlgorithm(k.Curve) != ""
		}
	case "":
		return errorf(ErrUnsupportedKeyType, "no encryption algorithm for a %s key", keyTypeName(key))
	default:
		return errorf(ErrUnsupportedAlgorithm, "key management %q", alg)
	}
	if !ok {
		return errorf(ErrKeyTypeMismatch, "%s needs an RSA key of 2048 bits or more or an EC key, got %s", alg, keyTypeName(key))
	}
	return nil
}

// jweAlgorithms reads "alg" and "enc" from the protected header of a
// compact JWE.
func jweAlgorithms(token string) (alg, enc string, err error) {
	head, _, _ := strings.Cut(token, ".")
	b, err := b64.DecodeString(head)
	if err != nil {
		return "", "", errorf(ErrMalformedToken, "jwe header: %v", err)
	}
	var h struct {
		Alg string `json:"alg"`
		Enc string `json:"enc"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return "", "", errorf(ErrMalformedToken, "jwe header: %v", err)
	}
	return h.Alg, h.Enc, nil
}

// cmpOr returns the first non-empty string.
func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func cmpSlice(a, def []string) []string {
	if len(a) == 0 {
		return def
	}
	return a
}

// SelectEncryptionKey returns the first public key of keys meant for
// encryption to its holder: "use" "enc" (or no "use" when its "alg" is a key
// management algorithm), with an "alg" in algs when algs is not empty, and
// a key type that fits. It returns [ErrNoMatchingKey] when none does.
func SelectEncryptionKey(keys []*Key, algs []string) (*Key, error) {
	for _, k := range keys {
		if k == nil || k.IsPrivate() {
			continue
		}
		alg := cmpOr(k.Algorithm, defaultKeyAlgorithm(k.Key))
		switch {
		case k.Use != "enc" && (k.Use != "" || k.Algorithm == ""),
			len(algs) > 0 && !slices.Contains(algs, alg),
			fitsKeyAlgorithm(k.Key, alg) != nil:
			continue
		}
		return k, nil
	}
	return nil, errorf(ErrNoMatchingKey, "no encryption key for %q", algs)
}
