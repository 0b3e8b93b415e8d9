package oauthtest

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"slices"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// Scopes of OpenID Connect Core 1.0 §3.1.2.1 and §5.4.
const (
	scopeOpenID  = "openid"
	scopeProfile = "profile"
	scopeEmail   = "email"
)

// idTokenHeader is the extra JWS header of ID tokens.
var idTokenHeader = map[string]any{"typ": "JWT"}

// idTokenInput is what an ID token says (OpenID Connect Core 1.0 §2).
type idTokenInput struct {
	client      *Client
	user        *User
	scope       string
	nonce       string    // from the authentication request; empty: none
	authTime    time.Time // when the user authenticated
	accessToken string    // issued alongside: at_hash; empty: none
	code        string    // issued alongside: c_hash; empty: none
	sid         string    // the session, for logout; empty: none
}

// hasScope reports whether the space-separated scope holds sc.
func hasScope(scope, sc string) bool {
	return slices.Contains(strings.Fields(scope), sc)
}

// idToken returns a signed ID token, broken as the first pending
// [IDTokenFault] says.
func (s *Server) idToken(in idTokenInput) string {
	key, alg := s.signingKey()
	now := s.now()
	claims := s.idTokenClaims(in, alg, now)
	f, ok := s.takeIDTokenFault()
	if !ok {
		return mustSign(key, alg, idTokenHeader, claims)
	}
	s.applyClaimFaults(f, claims, alg, now)
	return s.signFaulty(f, key, alg, claims)
}

// idTokenClaims builds the claims of OpenID Connect Core 1.0 §2, with the
// user's claims that the scope allows (§5.4).
func (s *Server) idTokenClaims(in idTokenInput, alg string, now time.Time) map[string]any {
	claims := scopedClaims(in.user, in.scope)
	authTime := in.authTime
	if authTime.IsZero() {
		authTime = now
	}
	claims["iss"] = s.issuer()
	claims["sub"] = in.user.Subject
	claims["aud"] = in.client.ID
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(durationOr(s.IDTokenTTL, defaultIDTokenTTL)).Unix()
	// Always sent, so that max_age requests (§3.1.2.1) are covered too.
	claims["auth_time"] = authTime.Unix()
	if in.nonce != "" {
		claims["nonce"] = in.nonce
	}
	if in.accessToken != "" {
		claims["at_hash"] = tokenHash(alg, in.accessToken)
	}
	if in.code != "" {
		claims["c_hash"] = tokenHash(alg, in.code)
	}
	if in.sid != "" {
		claims["sid"] = in.sid
	}
	return claims
}

// scopedClaims returns the user's extra claims plus the standard claims
// the profile and email scopes ask for (OpenID Connect Core 1.0 §5.4).
func scopedClaims(u *User, scope string) map[string]any {
	claims := make(map[string]any, len(u.Claims)+12)
	for k, v := range u.Claims {
		claims[k] = v
	}
	if hasScope(scope, scopeProfile) {
		setNonEmpty(claims, "name", u.Name)
		setNonEmpty(claims, "preferred_username", u.Username)
	}
	if hasScope(scope, scopeEmail) && u.Email != "" {
		claims["email"] = u.Email
		claims["email_verified"] = u.EmailVerified
	}
	return claims
}

func setNonEmpty(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// tokenHash computes at_hash and c_hash (OpenID Connect Core 1.0
// §3.1.3.6, §3.3.2.11): the left half of the hash of the ASCII value, with
// the hash of the JWS algorithm (SHA-512 for EdDSA with Ed25519), base64url
// encoded.
func tokenHash(alg, value string) string {
	var h hash.Hash
	switch {
	case alg == jose.EdDSA || strings.HasSuffix(alg, "512"):
		h = sha512.New()
	case strings.HasSuffix(alg, "384"):
		h = sha512.New384()
	default:
		h = sha256.New()
	}
	h.Write([]byte(value))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// mustSign signs claims; the keys were checked when they were set up, so
// failing is a bug.
func mustSign(key *jose.Key, alg string, header map[string]any, claims any) string {
	tok, err := jose.Sign(key, alg, header, claims)
	if err != nil {
		panic("oauthtest: signing: " + err.Error())
	}
	return tok
}
