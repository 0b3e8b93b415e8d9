package oidc

import (
	"errors"
	"fmt"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// ErrIDTokenNotVerified means a token carries no ID token claims verified
// by a [Verifier]: it has no ID token, its session has no
// IDTokenValidator, or it was restored from storage. Verify its ID token
// with [Verifier.Verify] then.
var ErrIDTokenNotVerified = errors.New("oidc: id token not verified")

// VerifiedIDToken returns the claims of tok's ID token as the session's
// [Verifier] verified them when tok was received (see
// [oauthkit.Token.IDTokenClaims]), without verifying anything again:
// after [oauthkit.Session.ExchangeAuthorizationResponse] and after a
// refresh that returned a new ID token. Treat the result as read-only; it
// is shared with the session's copy.
func VerifiedIDToken(tok *oauthkit.Token) (*IDToken, error) {
	if tok == nil {
		return nil, fmt.Errorf("%w: no token", ErrIDTokenNotVerified)
	}
	idt, ok := tok.IDTokenClaims.(*IDToken)
	if !ok || idt == nil {
		return nil, fmt.Errorf("%w: the token carries no verified claims", ErrIDTokenNotVerified)
	}
	if idt.Raw != tok.IDToken {
		return nil, fmt.Errorf("%w: the claims belong to another ID token", ErrIDTokenNotVerified)
	}
	return idt, nil
}

// previousClaims decodes the ID token a new one follows. It was verified
// when it was received (or comes from the application's own storage), so
// its signature is not checked again: only its claims are compared.
func previousClaims(raw string) (*idClaims, error) {
	_, payload, err := jose.UnsafeDecode(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: previous id token: %v", ErrMalformedClaims, trimPrefix(err.Error()))
	}
	var c idClaims
	if err := jose.DecodeClaims(payload, &c); err != nil {
		return nil, fmt.Errorf("%w: previous id token: %v", ErrMalformedClaims, trimPrefix(err.Error()))
	}
	return &c, nil
}

// checkPrevious compares an ID token with the one it follows: the same
// issuer and subject (OpenID Connect Core sections 3.3.3.6 and 12.2), and
// on a refresh no earlier auth_time (section 12.2 says it stays the time
// of the original authentication; a later one means the user
// authenticated again).
func checkPrevious(c *idClaims, p *verifyParams) error {
	prev := p.previous
	if prev == nil {
		return nil
	}
	if c.Iss != prev.Iss {
		return fmt.Errorf("%w: got %q, the previous id token has %q", ErrInvalidIssuer, c.Iss, prev.Iss)
	}
	if c.Sub != prev.Sub {
		return fmt.Errorf("%w: got %q, the previous id token has %q", ErrSubjectMismatch, c.Sub, prev.Sub)
	}
	if p.refresh && c.AuthTime.set && prev.AuthTime.set && c.AuthTime.sec < prev.AuthTime.sec {
		return fmt.Errorf("%w: %s is earlier than the previous id token's %s", ErrAuthTimeMismatch, stamp(c.AuthTime.time()), stamp(prev.AuthTime.time()))
	}
	return nil
}
