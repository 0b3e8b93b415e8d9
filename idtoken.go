package oauthkit

import (
	"context"
	"fmt"
	"slices"
)

// IDTokenValidator validates the OpenID Connect ID token of a token
// response before the session accepts the token. The oidc package provides
// one built from the provider's discovery document and keys.
// Implementations must be safe for concurrent use.
type IDTokenValidator interface {
	ValidateIDToken(ctx context.Context, tok *Token, c IDTokenCheck) error
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
}

// validateIDToken runs the configured validator. With "openid" requested
// in the code flow an ID token is required (OIDC Core 3.1.3.3).
func (s *Session) validateIDToken(ctx context.Context, tok *Token, c IDTokenCheck) error {
	v := s.cfg.IDTokenValidator
	if v == nil {
		return nil
	}
	if tok.IDToken == "" {
		if c.GrantType == GrantTypeAuthorizationCode && slices.Contains(c.Scopes, "openid") {
			return fmt.Errorf("oauthkit: token endpoint: %w: openid requested but no id_token", ErrInvalidTokenResponse)
		}
		return nil
	}
	if err := v.ValidateIDToken(ctx, tok, c); err != nil {
		return fmt.Errorf("oauthkit: id token: %w", err)
	}
	return nil
}
