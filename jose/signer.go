package jose

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"slices"
)

// Signer signs compact JWS (RFC 7515 section 7.1) with one key and one
// protected header, both prepared once: [NewSigner] checks the key and
// encodes the header, so each [Signer.Sign] encodes only the claims and
// computes one signature. Use it where the same key signs many tokens,
// such as DPoP proofs (RFC 9449) or client assertions.
//
// A Signer is safe for concurrent use by multiple goroutines.
type Signer struct {
	alg    algorithm
	key    any    // the private key or secret
	prefix []byte // base64url(header) + "."
}

// NewSigner returns a Signer for key. The algorithm, the "kid" member and
// header follow the rules of [Sign]: alg if given, else key.Algorithm, else
// the key's default; the key must be private (or an HMAC secret) and fit
// the algorithm; header adds or overrides members other than "alg".
func NewSigner(key *Key, alg string, header map[string]any) (*Signer, error) {
	if key == nil {
		return nil, errorf(ErrUnsupportedKeyType, "key is nil")
	}
	a, err := signingAlgorithm(key, alg)
	if err != nil {
		return nil, err
	}
	h := make(map[string]any, len(header)+2)
	if key.KeyID != "" {
		h["kid"] = key.KeyID
	}
	for name, v := range header {
		if name == "alg" {
			if s, ok := v.(string); !ok || s != a.name {
				return nil, errorf(ErrAlgorithmNotAllowed, "header alg %v differs from %s", v, a.name)
			}
			continue
		}
		h[name] = v
	}
	h["alg"] = a.name
	b, err := json.Marshal(h)
	if err != nil {
		return nil, errorf(ErrMalformedToken, "header: %v", err)
	}
	prefix := base64.RawURLEncoding.AppendEncode(make([]byte, 0, base64.RawURLEncoding.EncodedLen(len(b))+1), b)
	k := key.Key
	if s, ok := k.([]byte); ok {
		k = slices.Clone(s)
	}
	return &Signer{alg: a, key: k, prefix: append(prefix, '.')}, nil
}

// Algorithm returns the signature algorithm, such as "ES256".
func (s *Signer) Algorithm() string { return s.alg.name }

// Sign returns a compact JWS of claims, encoded as [Sign] does (a []byte or
// [json.RawMessage] is the payload as is).
func (s *Signer) Sign(claims any) (string, error) {
	payload, err := encodePayload(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	buf := make([]byte, 0, len(s.prefix)+enc.EncodedLen(len(payload))+1+enc.EncodedLen(s.maxSignatureSize()))
	buf = append(buf, s.prefix...)
	buf = enc.AppendEncode(buf, payload)
	sig, err := s.signature(buf)
	if err != nil {
		return "", err
	}
	buf = append(buf, '.')
	return string(enc.AppendEncode(buf, sig)), nil
}

// maxSignatureSize is the signature length in bytes, for preallocation.
func (s *Signer) maxSignatureSize() int {
	switch k := s.key.(type) {
	case *ecdsa.PrivateKey:
		return 2 * s.alg.size
	case *rsa.PrivateKey:
		return k.Size()
	case ed25519.PrivateKey:
		return ed25519.SignatureSize
	}
	return s.alg.hash.Size()
}

// signature signs input (RFC 7518 section 3 and RFC 8037 section 3.1).
func (s *Signer) signature(input []byte) ([]byte, error) {
	if k, ok := s.key.(ed25519.PrivateKey); ok {
		return ed25519.Sign(k, input), nil
	}
	h := s.alg.hash.New()
	h.Write(input)
	switch k := s.key.(type) {
	case *ecdsa.PrivateKey:
		der, err := ecdsa.SignASN1(rand.Reader, k, h.Sum(nil))
		if err != nil {
			return nil, errorf(ErrKeyTypeMismatch, "sign: %v", err)
		}
		// RFC 7518 section 3.4: R and S as fixed-size big-endian octets.
		out, ok := rawECDSA(der, s.alg.size)
		if !ok {
			return nil, errorf(ErrKeyTypeMismatch, "sign: malformed signature")
		}
		return out, nil
	case *rsa.PrivateKey:
		var (
			sig []byte
			err error
		)
		if s.alg.family == famPSS {
			// RFC 7518 section 3.5: the salt is as long as the hash.
			sig, err = rsa.SignPSS(rand.Reader, k, s.alg.hash, h.Sum(nil), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			sig, err = rsa.SignPKCS1v15(nil, k, s.alg.hash, h.Sum(nil))
		}
		if err != nil {
			return nil, errorf(ErrKeyTypeMismatch, "sign: %v", err)
		}
		return sig, nil
	case []byte:
		m := hmac.New(s.alg.hash.New, k)
		m.Write(input)
		return m.Sum(nil), nil
	}
	return nil, errorf(ErrUnsupportedKeyType, "%s", keyTypeName(s.key))
}

// rawECDSA turns the DER signature SEQUENCE { INTEGER r, INTEGER s }
// (RFC 3279 section 2.2.3), as crypto/ecdsa makes it, into R || S, each
// size bytes; the inverse of ecdsaDER.
func rawECDSA(der []byte, size int) ([]byte, bool) {
	if len(der) < 2 || der[0] != 0x30 {
		return nil, false
	}
	body := der[2:]
	if der[1] == 0x81 && len(der) > 2 {
		body = der[3:]
	}
	out := make([]byte, 2*size)
	for i := range 2 {
		if len(body) < 2 || body[0] != 0x02 || int(body[1]) > len(body)-2 {
			return nil, false
		}
		v := trimZeros(body[2 : 2+int(body[1])])
		if len(v) > size {
			return nil, false
		}
		copy(out[(i+1)*size-len(v):], v)
		body = body[2+int(body[1]):]
	}
	return out, len(body) == 0
}
