package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// jwtCheck holds what the JWTs other than ID tokens that a provider sends
// a client (JARM response JWTs, logout tokens) are checked against: the
// same algorithm allow-list, keys, issuer rule, clock and leeway as the
// client's ID tokens.
type jwtCheck struct {
	issuer, clientID string
	keys             jose.KeySource
	opts             jose.VerifyOptions
	now              func() time.Time
	leeway           time.Duration
	issuerValidator  IssuerValidator
}

// newJWTCheck fills in the defaults of the verifier settings.
func newJWTCheck(issuer, clientID string, keys jose.KeySource, algs []string, now func() time.Time, leeway time.Duration, iv IssuerValidator) jwtCheck {
	c := jwtCheck{issuer: issuer, clientID: clientID, keys: keys,
		opts: jose.VerifyOptions{Algorithms: slices.Clone(algs)}, issuerValidator: iv}
	c.now, c.leeway = clockAndLeeway(now, leeway)
	return c
}

// clockAndLeeway applies the defaults of a verifier's clock and leeway:
// time.Now, and one minute for zero (none for a negative leeway).
func clockAndLeeway(now func() time.Time, leeway time.Duration) (func() time.Time, time.Duration) {
	if now == nil {
		now = time.Now
	}
	switch {
	case leeway == 0:
		leeway = defaultLeeway
	case leeway < 0:
		leeway = 0
	}
	return now, leeway
}

// verify checks the signature of the compact JWS raw, a what ("response
// jwt", "logout token"), and returns it.
func (c *jwtCheck) verify(ctx context.Context, raw, what string) (*jose.Verified, error) {
	if c.issuer == "" || c.clientID == "" || c.keys == nil {
		return nil, fmt.Errorf("%w: %s verifier needs an issuer, a client id and keys", oauthkit.ErrInvalidConfig, what)
	}
	v, err := jose.Verify(ctx, raw, c.keys, c.opts)
	if err == nil {
		return v, nil
	}
	if errors.Is(err, jose.ErrJWKSFetch) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("oidc: %s keys: %w", what, err)
	}
	return nil, &signatureError{err: err}
}

// checkIssuerAudience checks iss (exactly, or by the issuer validator) and
// that aud holds the client id.
func (c *jwtCheck) checkIssuerAudience(iss string, aud []string, payload []byte) error {
	switch {
	case c.issuerValidator != nil:
		if err := c.issuerValidator.ValidateTokenIssuer(iss, rawClaims(payload)); err != nil {
			return fmt.Errorf("%w: %q: %v", ErrInvalidIssuer, iss, trimPrefix(err.Error()))
		}
	case iss != c.issuer:
		return mismatch(ErrInvalidIssuer, iss, c.issuer)
	}
	if !slices.Contains(aud, c.clientID) {
		return fmt.Errorf("%w: got %q, want %q among them", ErrInvalidAudience, aud, c.clientID)
	}
	return nil
}

// rawClaims is a verified JSON claim set, as a [ClaimSet].
type rawClaims []byte

// Claims decodes the claims into v.
func (r rawClaims) Claims(v any) error { return json.Unmarshal(r, v) }
