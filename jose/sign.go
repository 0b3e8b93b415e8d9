package jose

import (
	"encoding/json"

	gojose "github.com/go-jose/go-jose/v4"
)

// Sign returns a compact JWS (RFC 7515 section 7.1) of claims signed with
// key.
//
// The algorithm is alg if given, else key.Algorithm, else
// [DefaultAlgorithm] of the key; it must fit the key (see [NewKey]), must
// equal key.Algorithm when that is set, and the key must be private (or an
// HMAC secret). The header's "kid" is key.KeyID when it has one. header
// adds or overrides other members ("typ", "kid", custom ones); an "alg"
// member in it must agree with the algorithm.
//
// claims is encoded with encoding/json, except that a []byte or
// [json.RawMessage] is used as the payload as is.
func Sign(key *Key, alg string, header map[string]any, claims any) (string, error) {
	if key == nil {
		return "", errorf(ErrUnsupportedKeyType, "key is nil")
	}
	a, err := signingAlgorithm(key, alg)
	if err != nil {
		return "", err
	}
	opts, err := signerOptions(key, a.name, header)
	if err != nil {
		return "", err
	}
	payload, err := encodePayload(claims)
	if err != nil {
		return "", err
	}
	signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.SignatureAlgorithm(a.name), Key: key.Key}, opts)
	if err != nil {
		return "", errorf(ErrKeyTypeMismatch, "%v", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", errorf(ErrKeyTypeMismatch, "sign: %v", err)
	}
	return jws.CompactSerialize()
}

// SigningAlgorithm returns the algorithm [Sign] uses with k when the
// caller names alg (which may be empty), or the error Sign would return:
// the algorithm must fit the key's type (any RSA algorithm for an RSA key,
// ES384 for a P-384 key, ...), agree with k.Algorithm when that is set,
// and k must be private or an HMAC secret. Configuration code calls it to
// report a key that cannot sign before the first request needs it.
func (k *Key) SigningAlgorithm(alg string) (string, error) {
	if k == nil {
		return "", errorf(ErrUnsupportedKeyType, "key is nil")
	}
	a, err := signingAlgorithm(k, alg)
	if err != nil {
		return "", err
	}
	return a.name, nil
}

// signingAlgorithm picks and checks the algorithm for Sign.
func signingAlgorithm(key *Key, alg string) (algorithm, error) {
	switch {
	case alg == "" && key.Algorithm != "":
		alg = key.Algorithm
	case alg == "":
		alg = DefaultAlgorithm(key.Key)
	case key.Algorithm != "" && alg != key.Algorithm:
		return algorithm{}, errorf(ErrAlgorithmNotAllowed, "key %q is for %s, not %s", key.KeyID, key.Algorithm, alg)
	}
	a, err := resolveAlgorithm(alg)
	if err != nil {
		return algorithm{}, err
	}
	if err := a.fits(key.Key); err != nil {
		return algorithm{}, err
	}
	if err := checkRSASize(key.Key, key.InsecureAllowWeakRSA); err != nil {
		return algorithm{}, err
	}
	if !key.IsPrivate() {
		return algorithm{}, errorf(ErrKeyTypeMismatch, "signing needs a private key, got a public %s key", keyTypeName(key.Key))
	}
	return a, nil
}

// signerOptions builds the header members other than "alg".
func signerOptions(key *Key, alg string, header map[string]any) (*gojose.SignerOptions, error) {
	opts := &gojose.SignerOptions{}
	if key.KeyID != "" {
		opts.WithHeader("kid", key.KeyID)
	}
	for name, v := range header {
		if name == "alg" {
			if s, ok := v.(string); !ok || s != alg {
				return nil, errorf(ErrAlgorithmNotAllowed, "header alg %v differs from %s", v, alg)
			}
			continue
		}
		// go-jose panics on a header it cannot encode; check first.
		if _, err := json.Marshal(v); err != nil {
			return nil, errorf(ErrMalformedToken, "header %q: %v", name, err)
		}
		opts.WithHeader(gojose.HeaderKey(name), v)
	}
	return opts, nil
}

// encodePayload returns the JWS payload for claims.
func encodePayload(claims any) ([]byte, error) {
	switch c := claims.(type) {
	case []byte:
		return c, nil
	case json.RawMessage:
		return c, nil
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return nil, errorf(ErrMalformedToken, "claims: %v", err)
	}
	return b, nil
}
