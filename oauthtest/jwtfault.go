package oauthtest

import (
	"maps"
	"slices"
)

// JWTKind says which JWTs a [JWTFault] breaks: the ones other than ID
// tokens that the server signs.
type JWTKind string

// The kinds of JWTs a [JWTFault] applies to.
const (
	// JARMResponseJWT is the response JWT of a JWT-secured authorization
	// response (JARM).
	JARMResponseJWT JWTKind = "jarm"
	// LogoutTokenJWT is a back-channel logout token (OpenID Connect
	// Back-Channel Logout 1.0 §2.4).
	LogoutTokenJWT JWTKind = "logout_token"
)

// A JWTFault makes the server issue broken JWTs of one kind, so that
// tests can check that a relying party enforces each rule of JARM §4.4 or
// of Back-Channel Logout 1.0 §2.6. The fields mean what the fields of the
// same names of [IDTokenFault] mean, and apply in the same order.
type JWTFault struct {
	// Kind selects the JWTs to break. Required.
	Kind JWTKind

	// BadSignature flips the bits of the first byte of the signature.
	BadSignature bool
	// AlgNone sends an unsecured JWT ("alg":"none").
	AlgNone bool
	// SignWithUnpublishedKey signs with a key the JWKS does not hold.
	SignWithUnpublishedKey bool
	// WrongIssuer sets "iss" to the issuer followed by "/wrong".
	WrongIssuer bool
	// WrongAudience sets "aud" to "wrong-client".
	WrongAudience bool
	// Expired sets "exp" one hour in the past ("iat" two hours).
	Expired bool
	// SetClaims sets claims, replacing any: {"nonce": "n"} makes a logout
	// token that is not one.
	SetClaims map[string]any
	// OmitClaims lists claims to leave out, such as "events" or "sid".
	OmitClaims []string

	// Replay, for logout tokens, posts each token a second time after
	// the first delivery: the second post is a replay the relying party
	// must refuse.
	Replay bool

	// Times is how many JWTs the fault applies to. Zero means every JWT of
	// the kind until ClearJWTFaults is called.
	Times int
}

type jwtFaultState struct {
	f    JWTFault
	left int // remaining applications; meaningless when f.Times is 0
}

// InjectJWTFault adds a fault for JWTs of f.Kind. Faults of one kind
// apply in the order they were injected: once one has been used Times
// times, the next applies. It panics if f.Kind is unknown.
func (s *Server) InjectJWTFault(f JWTFault) {
	s.init()
	if f.Kind != JARMResponseJWT && f.Kind != LogoutTokenJWT {
		panic("oauthtest: unknown JWTFault kind " + string(f.Kind))
	}
	f.SetClaims = maps.Clone(f.SetClaims)
	f.OmitClaims = slices.Clone(f.OmitClaims)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jwtFaults = append(s.jwtFaults, &jwtFaultState{f: f, left: f.Times})
}

// ClearJWTFaults removes all JWT faults.
func (s *Server) ClearJWTFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jwtFaults = nil
}

// takeJWTFault returns the fault to apply to the next JWT of kind, and
// uses it up.
func (s *Server) takeJWTFault(kind JWTKind) (JWTFault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fs := range s.jwtFaults {
		if fs.f.Kind != kind {
			continue
		}
		if fs.f.Times > 0 {
			fs.left--
			if fs.left <= 0 {
				s.jwtFaults = slices.Delete(s.jwtFaults, i, i+1)
			}
		}
		return fs.f, true
	}
	return JWTFault{}, false
}

// signJWT signs claims of kind with the current key under header, broken
// as the first pending fault of that kind says. It returns the fault, so
// that delivery faults such as Replay can apply.
func (s *Server) signJWT(kind JWTKind, header, claims map[string]any) (string, JWTFault) {
	key, alg := s.signingKey()
	f, ok := s.takeJWTFault(kind)
	if !ok {
		return mustSign(key, alg, header, claims), f
	}
	idf := IDTokenFault{
		WrongIssuer: f.WrongIssuer, WrongAudience: f.WrongAudience, Expired: f.Expired,
		SetClaims: f.SetClaims, OmitClaims: f.OmitClaims,
	}
	s.applyClaimFaults(idf, claims, alg, s.now())
	if f.AlgNone {
		return unsecuredJWT(claims), f
	}
	if f.SignWithUnpublishedKey {
		key, alg = s.unpublishedKey()
	}
	tok := mustSign(key, alg, header, claims)
	if f.BadSignature {
		tok = flipSignature(tok)
	}
	return tok, f
}
