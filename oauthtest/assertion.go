package oauthtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// Limits on JWT assertions (RFC 7523 §3 items 4 to 6).
const (
	// maxAssertionLifetime bounds how far ahead "exp" may be.
	maxAssertionLifetime = time.Hour
	// assertionSkew is the clock skew tolerated on "exp" (beyond
	// maxAssertionLifetime), "nbf" and "iat".
	assertionSkew = time.Minute
)

// assertionClaims are the claims of a JWT used for client authentication
// or as an authorization grant (RFC 7523 §3). Times are NumericDates
// (RFC 7519 §2): seconds, possibly fractional.
type assertionClaims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  audience `json:"aud"`
	Expiry    *float64 `json:"exp"`
	NotBefore *float64 `json:"nbf"`
	IssuedAt  *float64 `json:"iat"`
	ID        string   `json:"jti"`
	// Scope is the space-separated scope some issuers put in grant
	// assertions, as Google does.
	Scope string `json:"scope"`
}

// audience is the "aud" claim: one string or an array (RFC 7519 §4.1.3).
type audience []string

// UnmarshalJSON accepts a string or an array of strings.
func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("aud must be a string or an array of strings")
	}
	*a = many
	return nil
}

// parseAssertionClaims decodes the claims of a verified assertion.
func parseAssertionClaims(payload []byte) (*assertionClaims, error) {
	var cl assertionClaims
	if err := json.Unmarshal(payload, &cl); err != nil {
		return nil, err
	}
	return &cl, nil
}

// unverifiedClaims decodes an assertion's claims without verifying it,
// only to find out whose keys verify it. Errors give zero claims.
func unverifiedClaims(assertion string) assertionClaims {
	var cl assertionClaims
	if _, payload, err := jose.UnsafeDecode(assertion); err == nil {
		_ = json.Unmarshal(payload, &cl)
	}
	return cl
}

// check applies RFC 7523 §3 items 3 to 6 at time now: "aud" names one of
// audiences, "exp" is present, in the future and at most an hour ahead,
// and "nbf" and "iat" are not in the future. It returns what is wrong, or
// "" when nothing is.
func (a *assertionClaims) check(now time.Time, audiences []string) string {
	t := float64(now.UnixNano()) / 1e9
	skew := assertionSkew.Seconds()
	switch {
	case !slices.ContainsFunc(a.Audience, func(x string) bool { return slices.Contains(audiences, x) }):
		return fmt.Sprintf("aud %q names none of %q", []string(a.Audience), audiences)
	case a.Expiry == nil:
		return "exp missing"
	case *a.Expiry <= t:
		return "expired"
	case *a.Expiry > t+maxAssertionLifetime.Seconds()+skew:
		return "exp more than one hour ahead"
	case a.NotBefore != nil && *a.NotBefore > t+skew:
		return "not yet valid (nbf in the future)"
	case a.IssuedAt != nil && *a.IssuedAt > t+skew:
		return "iat in the future"
	}
	return ""
}

// expiry returns "exp" as a time, rounded up; check must have passed.
func (a *assertionClaims) expiry() time.Time {
	return time.Unix(int64(*a.Expiry)+1, 0)
}

// useJTI records the ID of an assertion from issuer until the assertion
// expires, and reports whether it was not used before (RFC 7523 §3
// item 7). Expired IDs are forgotten.
func (s *Server) useJTI(issuer, jti string, expiry time.Time) bool {
	now := s.now()
	key := issuer + "\x00" + jti
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, exp := range s.jtis {
		if !now.Before(exp) {
			delete(s.jtis, k)
		}
	}
	if _, used := s.jtis[key]; used {
		return false
	}
	s.jtis[key] = expiry
	return true
}

// joseDetail returns a jose error's message without the package prefix,
// for error_description.
func joseDetail(err error) string {
	return strings.TrimPrefix(err.Error(), "jose: ")
}
