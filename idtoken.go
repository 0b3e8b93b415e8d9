package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ErrMissingIDToken means a response lacks the ID token its flow requires:
// an authorization response to a response_type that contains "id_token"
// (OpenID Connect Core sections 3.2.2.5 and 3.3.2.5), or a token response
// to a code grant with the "openid" scope (section 3.1.3.3), which then
// also matches [ErrInvalidTokenResponse].
var ErrMissingIDToken = errors.New("oauthkit: missing id token")

// IDTokenValidator validates the OpenID Connect ID token of a token
// response before the session accepts the token, and returns the claims
// it verified. The session keeps them in [Token.IDTokenClaims], so that
// nothing has to verify the token again. The oidc package provides one
// built from the provider's discovery document and keys; its claims are
// an *oidc.IDToken.
//
// Implementations must be safe for concurrent use.
type IDTokenValidator interface {
	// ValidateIDToken validates tok.IDToken for the request c describes
	// and returns its claims, or an error when the token is not
	// acceptable. tok's other fields (the access token for at_hash) are
	// given for reference and must not be changed.
	ValidateIDToken(ctx context.Context, tok *Token, c IDTokenCheck) (IDTokenClaims, error)
}

// IDTokenClaims are the claims of an ID token, verified by the session's
// [IDTokenValidator]. The validator's own type gives them typed (for the
// oidc package: *oidc.IDToken, with the subject and the standard claims
// as fields; oidc.VerifiedIDToken returns it); Claims decodes all of them,
// whatever the validator.
//
// Values are shared between copies of a [Token]: treat them as read-only.
type IDTokenClaims interface {
	// Claims decodes the verified claims set (the JWT payload) into v, as
	// [encoding/json.Unmarshal] does.
	Claims(v any) error
}

// IDTokenCheck is what the session knows about the request that produced
// a token, for [IDTokenValidator].
type IDTokenCheck struct {
	// GrantType is the grant that produced the token, or "implicit" for a
	// token read from an authorization response.
	GrantType string
	// ResponseType is the response_type of the authorization request, if
	// the token came from one.
	ResponseType string
	// Nonce is the nonce sent in the authorization request, if any.
	Nonce string
	// MaxAge is the max_age sent in the authorization request, if any.
	MaxAge string
	// Code is the authorization code, for c_hash (hybrid flow).
	Code string
	// Scopes are the scopes requested.
	Scopes []string
	// PreviousIDToken is the ID token (compact JWT) the new one follows,
	// which it must agree with: on a refresh, the ID token of the token
	// being refreshed (same iss and sub, OpenID Connect Core section
	// 12.2); in the hybrid flow, the one of the authorization response
	// (same iss and sub, section 3.3.3.6). Empty when there is none.
	PreviousIDToken string
}

// validateIDToken runs the configured validator and keeps the claims it
// verified on tok. With "openid" requested in the code flow an ID token is
// required (OIDC Core 3.1.3.3).
func (s *Session) validateIDToken(ctx context.Context, tok *Token, c IDTokenCheck) error {
	v := s.cfg.IDTokenValidator
	if v == nil {
		return nil
	}
	if tok.IDToken == "" {
		if c.GrantType == GrantTypeAuthorizationCode && slices.Contains(c.Scopes, "openid") {
			return fmt.Errorf("%w: the token endpoint sent none although openid was requested: %w", ErrMissingIDToken, ErrInvalidTokenResponse)
		}
		return nil
	}
	claims, err := v.ValidateIDToken(ctx, tok, c)
	if err != nil {
		return fmt.Errorf("oauthkit: id token: %w", err)
	}
	tok.IDTokenClaims = claims
	return nil
}
