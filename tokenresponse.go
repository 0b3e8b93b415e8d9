package oauthkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit/internal/wire"
)

// tokenFromResponse turns a token endpoint answer into a token, or an error
// that names the endpoint and status: *Error for RFC 6749 error bodies
// (even under HTTP 200), *ResponseError for anything unparseable, and
// ErrInvalidTokenResponse for a 2xx object that is not a usable token.
func tokenFromResponse(r *rawResponse, now time.Time) (*Token, error) {
	if tok, ok := plainToken(r); ok && checkToken(tok) == nil {
		setExpiry(tok, now)
		return tok, nil
	}
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

// plainJSONToken is the common shape of a successful answer: only the
// members of RFC 6749 section 5.1 plus id_token, as strings and a number.
type plainJSONToken struct {
	AccessToken  string      `json:"access_token"`
	TokenType    string      `json:"token_type"`
	RefreshToken string      `json:"refresh_token"`
	ExpiresIn    json.Number `json:"expires_in"`
	Scope        string      `json:"scope"`
	IDToken      string      `json:"id_token"`
}

// plainToken decodes the common shape straight into a Token, with no
// intermediate map. Anything else (another member, another type, an
// error body, a non-JSON answer) reports false and takes the general path,
// which keeps every member and reports errors precisely.
func plainToken(r *rawResponse) (*Token, bool) {
	if r.status < 200 || r.status > 299 || wire.MediaType(r.header.Get("Content-Type")) != "application/json" {
		return nil, false
	}
	if !plainKeys(r.body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	var p plainJSONToken
	if dec.Decode(&p) != nil || dec.More() {
		return nil, false
	}
	tok := &Token{AccessToken: p.AccessToken, TokenType: p.TokenType, RefreshToken: p.RefreshToken, Scope: p.Scope, IDToken: p.IDToken}
	if p.ExpiresIn != "" {
		n, err := number(p.ExpiresIn)
		if err != nil {
			return nil, false
		}
		tok.ExpiresIn = clampExpiresIn(n)
	}
	return tok, true
}

// plainKeys reports whether the top-level keys of a JSON object are spelled
// exactly as plainJSONToken's, each at most once and without escapes:
// encoding/json matches keys case-insensitively and lets the last of
// duplicates win, where the general path keeps them all apart. Values are
// skipped; the decoder checks them.
func plainKeys(b []byte) bool {
	var seen uint8
	expectKey := false
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{', ',':
			expectKey = true
		case '[':
			return false
		case '"':
			end := i + 1
			for end < len(b) && b[end] != '"' {
				if b[end] == '\\' {
					if expectKey {
						return false
					}
					end++
				}
				end++
			}
			if expectKey {
				bit := keyBit(b[i+1 : min(end, len(b))])
				if bit == 0 || seen&bit != 0 {
					return false
				}
				seen |= bit
				expectKey = false
			}
			i = end
		}
	}
	return true
}

func keyBit(k []byte) uint8 {
	switch string(k) {
	case fieldAccessToken:
		return 1
	case fieldTokenType:
		return 2
	case fieldRefreshToken:
		return 4
	case fieldExpiresIn:
		return 8
	case fieldScope:
		return 16
	case fieldIDToken:
		return 32
	}
	return 0
}

// setExpiry computes ExpiresAt from ExpiresIn at receipt. ExpiresIn is
// clamped (maxExpiresIn), so the sum cannot overflow.
func setExpiry(tok *Token, now time.Time) {
	if tok.ExpiresIn > 0 {
		tok.ExpiresAt = now.Add(expiresInDuration(tok.ExpiresIn))
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

// usableTokenType: bearer tokens (RFC 6750) and DPoP-bound tokens (RFC
// 9449 section 5), matched case-insensitively (RFC 6749 section 5.1).
// Whether the session can use a DPoP token is checked by checkIssued.
func usableTokenType(t string) bool {
	return strings.EqualFold(t, "bearer") || isDPoPType(t)
}
