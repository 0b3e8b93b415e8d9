package oauthkit

import (
	"fmt"
	"strings"
	"time"
)

// tokenFromResponse turns a token endpoint answer into a token, or an error
// that names the endpoint and status: *Error for RFC 6749 error bodies
// (even under HTTP 200), *ResponseError for anything unparseable, and
// ErrInvalidTokenResponse for a 2xx object that is not a usable token.
func tokenFromResponse(r *rawResponse, now time.Time) (*Token, error) {
	m, err := r.decode(endpointToken)
	if err != nil {
		return nil, err
	}
	tok, err := tokenFromMap(m)
	if err != nil {
		return nil, &ResponseError{Endpoint: endpointToken, StatusCode: r.status,
			ContentType: r.header.Get("Content-Type"), Body: bounded(r.body),
			Err: fmt.Errorf("%w: %w", ErrInvalidTokenResponse, err)}
	}
	if err := checkToken(tok); err != nil {
		return nil, &ResponseError{Endpoint: endpointToken, StatusCode: r.status,
			ContentType: r.header.Get("Content-Type"), Err: err}
	}
	setExpiry(tok, now)
	return tok, nil
}

// setExpiry computes ExpiresAt from ExpiresIn at receipt.
func setExpiry(tok *Token, now time.Time) {
	if tok.ExpiresIn > 0 {
		tok.ExpiresAt = now.Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
}

// checkToken requires an access token and a usable token type.
func checkToken(tok *Token) error {
	if tok.AccessToken == "" {
		return fmt.Errorf("%w: no access_token", ErrInvalidTokenResponse)
	}
	if tok.TokenType == "" {
		return fmt.Errorf("%w: no token_type", ErrInvalidTokenResponse)
	}
	if !usableTokenType(tok.TokenType) {
		return fmt.Errorf("%w: %q", ErrUnsupportedTokenType, tok.TokenType)
	}
	if tok.ExpiresIn < 0 {
		return fmt.Errorf("%w: negative expires_in %d", ErrInvalidTokenResponse, tok.ExpiresIn)
	}
	return nil
}

// usableTokenType: bearer tokens (RFC 6750), matched case-insensitively
// (RFC 6749 section 5.1).
func usableTokenType(t string) bool {
	return strings.EqualFold(t, "bearer")
}
