package oidc

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"

	"github.com/oauthkit/oauthkit/jose"
)

// TokenHash returns the at_hash or c_hash value of token for an ID token
// signed with alg (OpenID Connect Core sections 3.1.3.6 and 3.3.2.11): the
// base64url encoding of the left half of the hash of the ASCII value,
// with the hash of the signature algorithm (SHA-256 for RS256, ES256,
// PS256 and HS256; SHA-384 and SHA-512 likewise) and SHA-512 for EdDSA, as
// the OpenID Connect errata set 2 says for Ed25519.
func TokenHash(alg, token string) (string, error) {
	h, ok := hashFor(alg)
	if !ok {
		return "", fmt.Errorf("oidc: no token hash for algorithm %q", alg)
	}
	h.Write([]byte(token))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]), nil
}

// hashFor returns the hash that at_hash and c_hash use with alg.
func hashFor(alg string) (hash.Hash, bool) {
	switch alg {
	case jose.RS256, jose.ES256, jose.PS256, jose.HS256:
		return sha256.New(), true
	case jose.RS384, jose.ES384, jose.PS384, jose.HS384:
		return sha512.New384(), true
	case jose.RS512, jose.ES512, jose.PS512, jose.HS512, jose.EdDSA:
		return sha512.New(), true
	}
	return nil, false
}

// checkHash compares a claimed hash with the hash of value under alg.
// sentinel is ErrInvalidAtHash or ErrInvalidCHash.
func checkHash(sentinel error, alg, claimed, value string) error {
	want, err := TokenHash(alg, value)
	if err != nil {
		return fmt.Errorf("%w: no hash for algorithm %q", sentinel, alg)
	}
	if subtle.ConstantTimeCompare([]byte(claimed), []byte(want)) != 1 {
		return mismatch(sentinel, claimed, want)
	}
	return nil
}
