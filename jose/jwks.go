package jose

import (
	"context"
	"encoding/json"
	"errors"

	gojose "github.com/go-jose/go-jose/v4"
)

// ParseJWK parses one JSON Web Key (RFC 7517). It accepts public keys,
// private keys and "oct" secrets. Keys of types or curves this package does
// not handle give [ErrUnsupportedKeyType]; an "alg" member that names a
// signature algorithm the key does not fit gives [ErrKeyTypeMismatch]; any
// other problem gives [ErrMalformedKey].
func ParseJWK(data []byte) (*Key, error) {
	var jwk gojose.JSONWebKey
	if err := jwk.UnmarshalJSON(data); err != nil {
		if errors.Is(err, gojose.ErrUnsupportedKeyType) {
			return nil, errorf(ErrUnsupportedKeyType, "%v", err)
		}
		return nil, errorf(ErrMalformedKey, "%v", err)
	}
	if DefaultAlgorithm(jwk.Key) == "" {
		return nil, errorf(ErrUnsupportedKeyType, "%s", keyTypeName(jwk.Key))
	}
	if b, ok := jwk.Key.([]byte); ok && len(b) == 0 {
		return nil, errorf(ErrMalformedKey, `empty "oct" key`)
	}
	// An "alg" this package does not implement (for example "RSA-OAEP" on
	// an encryption key) is kept as metadata; such a key never verifies a
	// signature because its algorithm never matches a token's.
	if a, ok := lookupAlgorithm(jwk.Algorithm); ok {
		if err := a.fits(jwk.Key); err != nil {
			return nil, err
		}
	}
	return &Key{KeyID: jwk.KeyID, Algorithm: jwk.Algorithm, Use: jwk.Use, Key: jwk.Key}, nil
}

// ParseJWKS parses a JSON Web Key Set (RFC 7517 section 5). As section 5
// recommends, keys that cannot be used (unknown "kty" or curve, missing or
// invalid members) are skipped instead of failing the whole set. Input that
// is not a JSON object with a "keys" array gives [ErrMalformedKey].
func ParseJWKS(data []byte) (*KeySet, error) {
	s, err := parseJWKS(data)
	if err != nil {
		return nil, errorf(ErrMalformedKey, "jwks: %v", err)
	}
	return s, nil
}

// parseJWKS is ParseJWKS without the error prefix, for callers that add
// their own context.
func parseJWKS(data []byte) (*KeySet, error) {
	var raw struct {
		Keys *[]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw.Keys == nil {
		return nil, errors.New(`missing "keys" array`)
	}
	s := &KeySet{Keys: make([]*Key, 0, len(*raw.Keys))}
	for _, m := range *raw.Keys {
		if k, err := ParseJWK(m); err == nil {
			s.Keys = append(s.Keys, k)
		}
	}
	return s, nil
}

// KeySet is a static set of keys (a JWK Set). As a [KeySource] it selects
// keys for a token header by "kid", by key type fitting the algorithm, by
// the key's own "alg" and by "use" ("sig" or empty). A KeySet must not be
// modified while it is in use; reading it is safe for concurrent use.
type KeySet struct {
	// Keys are the keys of the set. Nil entries are ignored.
	Keys []*Key
}

// MarshalJSON returns the set as {"keys":[...]}, with the public half of
// each key only; symmetric secrets are left out.
func (s KeySet) MarshalJSON() ([]byte, error) {
	pub := s.Public()
	keys := make([]json.RawMessage, 0, len(pub.Keys))
	for _, k := range pub.Keys {
		b, err := k.MarshalJSON()
		if err != nil {
			return nil, err
		}
		keys = append(keys, b)
	}
	return json.Marshal(struct {
		Keys []json.RawMessage `json:"keys"`
	}{keys})
}

// UnmarshalJSON sets s from a JWK Set, as [ParseJWKS] does.
func (s *KeySet) UnmarshalJSON(data []byte) error {
	p, err := ParseJWKS(data)
	if err != nil {
		return err
	}
	*s = *p
	return nil
}

// Public returns a set with the public half of each key of s, leaving out
// symmetric secrets.
func (s *KeySet) Public() *KeySet {
	out := &KeySet{}
	if s == nil {
		return out
	}
	for _, k := range s.Keys {
		if p := k.Public(); p != nil {
			out.Keys = append(out.Keys, p)
		}
	}
	return out
}

// KeysFor returns the keys of s that may verify a token with header h. See
// [KeySource] and [Verify].
func (s *KeySet) KeysFor(_ context.Context, h Header) ([]*Key, error) {
	if s == nil {
		return nil, errorf(ErrNoMatchingKey, "empty key set")
	}
	return selectKeys(s.Keys, h)
}

// selectKeys picks the keys that fit header h: same "kid" when h has one,
// a "use" of "sig" or empty, a key "alg" that is empty or equal to h's, and
// a key type that fits h's algorithm. When exactly one key fits, the
// result shares keys' backing array (with capacity 1, so appending copies).
func selectKeys(keys []*Key, h Header) ([]*Key, error) {
	a, err := resolveAlgorithm(h.Algorithm)
	if err != nil {
		return nil, err
	}
	var out []*Key
	first, n, misfit := -1, 0, error(nil)
	for i, k := range keys {
		if k == nil || (h.KeyID != "" && k.KeyID != h.KeyID) || (k.Use != "" && k.Use != "sig") {
			continue
		}
		if err := usableFor(k, a); err != nil {
			misfit = err
			continue
		}
		n++
		switch n {
		case 1:
			first = i
		case 2:
			out = append(make([]*Key, 0, 4), keys[first], k)
		default:
			out = append(out, k)
		}
	}
	switch {
	case n == 1:
		return keys[first : first+1 : first+1], nil
	case n > 1:
		return out, nil
	case misfit != nil:
		return nil, misfit
	case h.KeyID != "":
		return nil, errorf(ErrNoMatchingKey, "no key with kid %q", h.KeyID)
	}
	return nil, errorf(ErrNoMatchingKey, "no key for %s", h.Algorithm)
}

// usableFor checks a key's own "alg" restriction and its type against a.
func usableFor(k *Key, a algorithm) error {
	if k.Algorithm != "" && k.Algorithm != a.name {
		return errorf(ErrKeyTypeMismatch, "key %q is for %s, not %s", k.KeyID, k.Algorithm, a.name)
	}
	return a.fits(k.Key)
}
