package jose

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"slices"
	"strings"
)

// Header is the protected header of a JWS (RFC 7515 section 4,
// https://www.rfc-editor.org/rfc/rfc7515#section-4).
type Header struct {
	// Algorithm is "alg"; never empty in a parsed header.
	Algorithm string
	// KeyID is "kid", or empty.
	KeyID string
	// Type is "typ", or empty.
	Type string
	// Extra holds every other header member ("cty", "crit", "jku", custom
	// members, ...) as decoded by encoding/json. It is nil when there are
	// none. Members such as "jku", "x5u", "x5c" and "jwk" are never used to
	// find keys.
	Extra map[string]any
}

// Verified is the result of a successful signature check.
type Verified struct {
	// Header is the token's protected header.
	Header Header
	// Payload is the signed payload (for a JWT, the claims JSON). Only the
	// signature has been checked: claims such as "exp", "iss" and "aud"
	// are the caller's to validate.
	Payload []byte
}

// VerifyOptions are the options of [Verify].
type VerifyOptions struct {
	// Algorithms is the allow-list of signature algorithms. A token whose
	// "alg" is not in it is rejected. Empty means {RS256}, the OpenID
	// Connect default. "none" is never accepted, even if listed.
	Algorithms []string
	// InsecureAllowWeakRSA accepts signatures by RSA keys shorter than
	// [MinRSAKeyBits], which are otherwise not tried (the error is then
	// [ErrKeyTypeMismatch]). Anyone who factors such a key can forge
	// tokens; use it only for an issuer that cannot be made to rotate.
	InsecureAllowWeakRSA bool
}

// KeySource supplies the candidate keys for a token header. [Verify] calls
// KeysFor after it has checked the header's algorithm against its
// allow-list, and checks every key it gets again, so a KeySource need not
// be a security boundary. Implementations must be safe for concurrent use.
type KeySource interface {
	// KeysFor returns the keys that may have signed a token with header
	// h, or an error such as [ErrNoMatchingKey].
	KeysFor(ctx context.Context, h Header) ([]*Key, error)
}

// defaultAlgorithms is the allow-list when VerifyOptions.Algorithms is empty.
var defaultAlgorithms = []string{RS256}

// b64 decodes base64url without padding, rejecting non-canonical input so
// that a token has exactly one encoding.
var b64 = base64.RawURLEncoding.Strict()

// Verify checks the signature of a compact JWS (RFC 7515 section 7.1) and
// returns its header and payload. It parses the token once and refuses:
//   - "alg" "none", or any "alg" outside opts.Algorithms
//     ([ErrAlgorithmNotAllowed]);
//   - a key whose type does not fit the algorithm, in particular an HMAC
//     algorithm with an RSA, EC or Ed25519 key and an asymmetric algorithm
//     with a []byte secret, and an RSA key shorter than [MinRSAKeyBits]
//     unless opts.InsecureAllowWeakRSA ([ErrKeyTypeMismatch]);
//   - a header member given twice (RFC 7515 section 4);
//   - a "crit" header (no extension is understood), the JWS JSON
//     serialization, JWE, and any malformed input ([ErrMalformedToken]).
//
// Keys come only from keys, never from "jku", "x5u", "x5c" or "jwk" in the
// header. When the token has a "kid", only keys with that ID are tried.
// When it has none, every key that fits the algorithm, type and use is
// tried and the token is accepted if one of them verifies it: a deliberate
// choice, since many issuers with a single key omit "kid", and trying
// several keys of a set the caller trusts gives no more than any one of
// them would.
//
// Verify does not validate claims ("exp", "iss", "aud", nonce, ...).
func Verify(ctx context.Context, token string, keys KeySource, opts VerifyOptions) (*Verified, error) {
	if keys == nil {
		return nil, errorf(ErrNoMatchingKey, "no key source")
	}
	p, err := parseCompact(token)
	if err != nil {
		return nil, err
	}
	a, err := checkAlgorithm(p.header.Algorithm, opts.Algorithms)
	if err != nil {
		return nil, err
	}
	// RFC 7515 section 4.1.11: a recipient must reject a token with
	// critical extensions it does not understand; this package understands
	// none.
	if _, ok := p.header.Extra["crit"]; ok {
		return nil, errorf(ErrMalformedToken, "unsupported critical header parameters")
	}
	cands, err := keys.KeysFor(ctx, p.header)
	if err != nil {
		return nil, err
	}
	if err := verifyWith(cands, a, &p, opts.InsecureAllowWeakRSA); err != nil {
		return nil, err
	}
	return &Verified{Header: p.header, Payload: p.payload}, nil
}

// UnsafeDecode returns the header and payload of a compact JWS without
// verifying its signature or algorithm. Nothing it returns may be trusted;
// it exists for tools that display tokens. Use [Verify] for anything else.
func UnsafeDecode(token string) (Header, []byte, error) {
	p, err := parseCompact(token)
	if err != nil {
		return Header{}, nil, err
	}
	return p.header, p.payload, nil
}

// checkAlgorithm applies the allow-list and returns the algorithm.
func checkAlgorithm(alg string, allowed []string) (algorithm, error) {
	if strings.EqualFold(alg, algNone) {
		return algorithm{}, errorf(ErrAlgorithmNotAllowed, "%q is never accepted", alg)
	}
	if len(allowed) == 0 {
		allowed = defaultAlgorithms
	}
	if !slices.Contains(allowed, alg) {
		return algorithm{}, errorf(ErrAlgorithmNotAllowed, "%q is not in %q", alg, allowed)
	}
	return resolveAlgorithm(alg)
}

// verifyWith tries each candidate that fits a (and is long enough, unless
// allowWeak) and returns nil as soon as one verifies the signature.
func verifyWith(cands []*Key, a algorithm, p *parsed, allowWeak bool) error {
	var misfit error
	tried := 0
	for _, k := range cands {
		if k == nil || (k.Use != "" && k.Use != "sig") {
			continue
		}
		if err := usableFor(k, a); err != nil {
			misfit = err
			continue
		}
		if err := checkRSASize(k.Key, allowWeak || k.InsecureAllowWeakRSA); err != nil {
			misfit = err
			continue
		}
		tried++
		if verifySignature(a, k.Key, p.signingInput, p.signature) {
			return nil
		}
	}
	switch {
	case tried > 0:
		return errorf(ErrInvalidSignature, "%s signature does not verify", a.name)
	case misfit != nil:
		return misfit
	}
	return errorf(ErrNoMatchingKey, "no candidate key for %s", a.name)
}

// verifySignature checks sig over input with key, which has already been
// checked to fit a. It uses only standard library primitives.
func verifySignature(a algorithm, key any, input, sig []byte) bool {
	key = verificationKey(key)
	if a.family == famEdDSA {
		pub, ok := key.(ed25519.PublicKey)
		return ok && ed25519.Verify(pub, input, sig)
	}
	if a.family == famHMAC {
		secret, ok := key.([]byte)
		if !ok {
			return false
		}
		mac := hmac.New(a.hash.New, secret)
		mac.Write(input)
		return hmac.Equal(mac.Sum(nil), sig)
	}
	var buf [sha512.Size]byte
	digest := digestOf(a.hash, input, buf[:0])
	switch a.family {
	case famRSA:
		pub, ok := key.(*rsa.PublicKey)
		return ok && rsa.VerifyPKCS1v15(pub, a.hash, digest, sig) == nil
	case famPSS:
		// RFC 7518 section 3.5: the salt is as long as the hash output.
		pub, ok := key.(*rsa.PublicKey)
		opts := rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}
		return ok && rsa.VerifyPSS(pub, a.hash, digest, sig, &opts) == nil
	case famECDSA:
		// RFC 7518 section 3.4: the signature is R || S, each exactly as
		// long as the curve's coordinates.
		pub, ok := key.(*ecdsa.PublicKey)
		if !ok || len(sig) != 2*a.size {
			return false
		}
		var der [maxECDSADER]byte
		asn1Sig, ok := ecdsaDER(der[:0], sig[:a.size], sig[a.size:])
		return ok && ecdsa.VerifyASN1(pub, digest, asn1Sig)
	}
	return false
}

// digestOf appends the hash of input to buf: the SHA-2 hashes of JWS
// without allocating, any other in a new slice.
func digestOf(h crypto.Hash, input, buf []byte) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(input)
		return append(buf, d[:]...)
	case crypto.SHA384:
		d := sha512.Sum384(input)
		return append(buf, d[:]...)
	case crypto.SHA512:
		d := sha512.Sum512(input)
		return append(buf, d[:]...)
	}
	hh := h.New()
	hh.Write(input)
	return hh.Sum(nil)
}

// verificationKey maps a private key to its public key; other keys are
// returned unchanged.
func verificationKey(key any) any {
	switch k := key.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
		return publicKey(k)
	}
	return key
}

// parsed is a compact JWS split and decoded once.
type parsed struct {
	header       Header
	signingInput []byte // ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
	payload      []byte
	signature    []byte
}

// parseCompact splits and decodes a compact JWS (RFC 7515 section 7.1).
func parseCompact(token string) (parsed, error) {
	if strings.HasPrefix(token, "{") {
		return parsed{}, errorf(ErrMalformedToken, "JWS JSON serialization is not supported")
	}
	i := strings.IndexByte(token, '.')
	j := strings.LastIndexByte(token, '.')
	if i < 0 || i == j {
		return parsed{}, errorf(ErrMalformedToken, "compact JWS must have three parts")
	}
	if strings.IndexByte(token[i+1:j], '.') >= 0 {
		return parsed{}, errorf(ErrMalformedToken, "compact JWS must have three parts (JWE is not supported)")
	}
	// One allocation holds a copy of the token (the signing input) and the
	// three decoded parts.
	hl, pl, sl := b64.DecodedLen(i), b64.DecodedLen(j-i-1), b64.DecodedLen(len(token)-j-1)
	buf := make([]byte, len(token)+hl+pl+sl)
	raw := buf[:len(token):len(token)]
	copy(raw, token)
	rest := buf[len(token):]
	hb, rest, err := decodePart(rest, raw[:i], "header")
	if err != nil {
		return parsed{}, err
	}
	payload, rest, err := decodePart(rest, raw[i+1:j], "payload")
	if err != nil {
		return parsed{}, err
	}
	sig, _, err := decodePart(rest, raw[j+1:], "signature")
	if err != nil {
		return parsed{}, err
	}
	if len(sig) == 0 {
		return parsed{}, errorf(ErrMalformedToken, "empty signature")
	}
	h, err := decodeHeader(hb)
	if err != nil {
		return parsed{}, err
	}
	return parsed{header: h, signingInput: raw[:j], payload: payload, signature: sig}, nil
}

// decodePart base64url-decodes src into the front of buf and returns the
// decoded bytes (capacity-limited) and the rest of buf.
func decodePart(buf, src []byte, name string) (part, rest []byte, err error) {
	if bytes.ContainsAny(src, "\r\n") { // the decoder would skip them
		return nil, nil, errorf(ErrMalformedToken, "%s is not base64url: a line break", name)
	}
	n, err := b64.Decode(buf, src)
	if err != nil {
		return nil, nil, errorf(ErrMalformedToken, "%s is not base64url: %v", name, err)
	}
	return buf[:n:n], buf[n:], nil
}

// maxECDSADER bounds the DER encoding of an ECDSA signature built by
// [ecdsaDER]: a SEQUENCE header of up to 3 bytes and two INTEGERs of up to
// 2+1+66 bytes each (P-521).
const maxECDSADER = 3 + 2*(2+1+66)

// ecdsaDER appends to dst the ASN.1 DER encoding of the signature
// SEQUENCE { INTEGER r, INTEGER s } from the big-endian values r and s
// (RFC 3279 section 2.2.3). It reports false if either value is zero,
// which no valid signature has.
func ecdsaDER(dst, r, s []byte) ([]byte, bool) {
	r, s = trimZeros(r), trimZeros(s)
	if len(r) == 0 || len(s) == 0 {
		return nil, false
	}
	n := derIntLen(r) + derIntLen(s)
	dst = append(dst, 0x30) // SEQUENCE
	if n >= 0x80 {
		dst = append(dst, 0x81)
	}
	dst = append(dst, byte(n))
	dst = appendDERInt(dst, r)
	return appendDERInt(dst, s), true
}

// trimZeros drops the leading zero bytes of a big-endian integer.
func trimZeros(v []byte) []byte {
	for len(v) > 0 && v[0] == 0 {
		v = v[1:]
	}
	return v
}

// derIntLen is the length of the DER INTEGER encoding of the positive,
// minimal big-endian value v, which is at most 127 bytes.
func derIntLen(v []byte) int {
	return 2 + len(v) + int(v[0]>>7)
}

// appendDERInt appends the DER INTEGER encoding of the positive, minimal
// big-endian value v, which is at most 127 bytes.
func appendDERInt(dst, v []byte) []byte {
	pad := v[0] >> 7 // a set high bit needs a zero byte to stay positive
	dst = append(dst, 0x02, byte(len(v))+pad)
	if pad != 0 {
		dst = append(dst, 0)
	}
	return append(dst, v...)
}
