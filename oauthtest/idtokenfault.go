package oauthtest

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// An IDTokenFault makes the server issue broken ID tokens, at the token
// endpoint and in implicit and hybrid authorization responses, so that
// tests can check that a relying party enforces each rule of OpenID
// Connect Core 1.0 §3.1.3.7, §3.2.2.11 and §3.3.2.12. Each field breaks
// one rule; the fields set in one fault all apply to the same token.
//
// Claim faults apply first, then SetClaims, then OmitClaims. Of the
// signature faults, AlgNone wins over HMACWithPublicKey, which wins over
// the others; SignWithUnpublishedKey and NoKeyID choose the key and
// header, and BadSignature then breaks the signature.
type IDTokenFault struct {
	// BadSignature flips the bits of the first byte of the signature.
	BadSignature bool
	// AlgNone sends an unsecured token: "alg":"none" and an empty
	// signature (RFC 7519 §6).
	AlgNone bool
	// HMACWithPublicKey signs with HS256, keyed with the current public
	// key in PEM form ("PUBLIC KEY", SPKI), under the current key ID: the
	// algorithm confusion attack of RFC 8725 §2.1.
	HMACWithPublicKey bool
	// NoKeyID leaves "kid" out of the header. Call [Server.RotateKeys]
	// first to have several keys in the JWKS.
	NoKeyID bool
	// SignWithUnpublishedKey signs with a key of the right algorithm that
	// the JWKS does not hold, under its own key ID.
	SignWithUnpublishedKey bool

	// WrongIssuer sets "iss" to the issuer followed by "/wrong".
	WrongIssuer bool
	// WrongAudience sets "aud" to "wrong-client".
	WrongAudience bool
	// ExtraAudience, if not empty, is added to "aud", which becomes an
	// array, and "azp" is set to the client ID. Add "azp" to OmitClaims
	// for several audiences without azp.
	ExtraAudience string
	// WrongAZP sets "azp" to "wrong-client".
	WrongAZP bool
	// WrongNonce sets "nonce" to another value, adding one when the
	// request had none (as on refresh).
	WrongNonce bool
	// OmitNonce leaves "nonce" out.
	OmitNonce bool
	// WrongAtHash sets "at_hash" to the hash of another value, adding it
	// when no access token was issued alongside.
	WrongAtHash bool
	// OmitAtHash leaves "at_hash" out.
	OmitAtHash bool
	// WrongCHash sets "c_hash" to the hash of another value, adding it
	// when no code was issued alongside.
	WrongCHash bool
	// OmitCHash leaves "c_hash" out.
	OmitCHash bool
	// Expired sets "exp" one hour in the past ("iat" two hours).
	Expired bool
	// IssuedInFuture sets "iat" one hour in the future ("exp" two hours).
	IssuedInFuture bool
	// OldAuthTime sets "auth_time" thirty days in the past, beyond any
	// sensible max_age.
	OldAuthTime bool

	// SetClaims sets claims to the given values, replacing any.
	SetClaims map[string]any
	// OmitClaims lists claims to leave out, such as "iat" or "sub".
	OmitClaims []string

	// Times is how many ID tokens the fault applies to. Zero means every
	// ID token until ClearIDTokenFaults is called.
	Times int
}

// Values of the wrong claims an IDTokenFault sets.
const (
	wrongClient = "wrong-client"
	wrongValue  = "wrong-value"
)

type idFaultState struct {
	f    IDTokenFault
	left int // remaining applications; meaningless when f.Times is 0
}

// InjectIDTokenFault adds an ID token fault. Faults apply in the order
// they were injected: once one has been used Times times, the next applies.
func (s *Server) InjectIDTokenFault(f IDTokenFault) {
	s.init()
	f.SetClaims = maps.Clone(f.SetClaims)
	f.OmitClaims = slices.Clone(f.OmitClaims)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idFaults = append(s.idFaults, &idFaultState{f: f, left: f.Times})
}

// ClearIDTokenFaults removes all ID token faults.
func (s *Server) ClearIDTokenFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idFaults = nil
}

// takeIDTokenFault returns the fault to apply to the next ID token, and
// uses it up.
func (s *Server) takeIDTokenFault() (IDTokenFault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idFaults) == 0 {
		return IDTokenFault{}, false
	}
	fs := s.idFaults[0]
	if fs.f.Times > 0 {
		fs.left--
		if fs.left <= 0 {
			s.idFaults = s.idFaults[1:]
		}
	}
	return fs.f, true
}

// applyClaimFaults changes the claims as f says.
func (s *Server) applyClaimFaults(f IDTokenFault, claims map[string]any, alg string, now time.Time) {
	set := func(cond bool, k string, v any) {
		if cond {
			claims[k] = v
		}
	}
	set(f.WrongIssuer, "iss", s.issuer()+"/wrong")
	if f.ExtraAudience != "" {
		claims["azp"] = claims["aud"]
		claims["aud"] = []any{claims["aud"], f.ExtraAudience}
	}
	set(f.WrongAudience, "aud", wrongClient)
	set(f.WrongAZP, "azp", wrongClient)
	set(f.WrongNonce, "nonce", wrongValue)
	set(f.WrongAtHash, "at_hash", tokenHash(alg, wrongValue))
	set(f.WrongCHash, "c_hash", tokenHash(alg, wrongValue))
	set(f.Expired, "exp", now.Add(-time.Hour).Unix())
	set(f.Expired, "iat", now.Add(-2*time.Hour).Unix())
	set(f.IssuedInFuture, "iat", now.Add(time.Hour).Unix())
	set(f.IssuedInFuture, "exp", now.Add(2*time.Hour).Unix())
	set(f.OldAuthTime, "auth_time", now.Add(-30*24*time.Hour).Unix())
	maps.Copy(claims, f.SetClaims)
	omit := slices.Clone(f.OmitClaims)
	for k, cond := range map[string]bool{"nonce": f.OmitNonce, "at_hash": f.OmitAtHash, "c_hash": f.OmitCHash} {
		if cond {
			omit = append(omit, k)
		}
	}
	for _, k := range omit {
		delete(claims, k)
	}
}

// signFaulty signs claims as f says.
func (s *Server) signFaulty(f IDTokenFault, key *jose.Key, alg string, claims map[string]any) string {
	switch {
	case f.AlgNone:
		return unsecuredJWT(claims)
	case f.HMACWithPublicKey:
		return mustSign(publicKeyAsSecret(key), jose.HS256, idTokenHeader, claims)
	}
	if f.SignWithUnpublishedKey {
		key, alg = s.unpublishedKey()
	}
	if f.NoKeyID {
		c := *key
		c.KeyID = ""
		key = &c
	}
	tok := mustSign(key, alg, idTokenHeader, claims)
	if f.BadSignature {
		tok = flipSignature(tok)
	}
	return tok
}

// unsecuredJWT returns an unsecured JWT (RFC 7519 §6.1).
func unsecuredJWT(claims map[string]any) string {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	payload, err := json.Marshal(claims)
	if err != nil {
		panic("oauthtest: " + err.Error())
	}
	return header + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
}

// publicKeyAsSecret returns an HMAC key whose secret is the PEM encoding of
// key's public half, under key's ID.
func publicKeyAsSecret(key *jose.Key) *jose.Key {
	der, err := x509.MarshalPKIXPublicKey(key.Public().Key)
	if err != nil {
		panic("oauthtest: " + err.Error())
	}
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	return &jose.Key{KeyID: key.KeyID, Key: secret}
}

// flipSignature inverts the first byte of a compact JWS's signature.
func flipSignature(tok string) string {
	i := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || len(sig) == 0 {
		panic("oauthtest: malformed signature")
	}
	sig[0] ^= 0xff
	return tok[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}
