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
	if tok, ok := scanPlainToken(r.body); ok {
		return tok, true
	}
	return unmarshalPlainToken(r.body)
}

// unmarshalPlainToken is plainToken with encoding/json, for the plain
// answers scanPlainToken leaves to it (escapes in strings, expires_in as
// a string or a float, and so on).
func unmarshalPlainToken(body []byte) (*Token, bool) {
	if !plainKeys(body) {
		return nil, false
	}
	// plainKeys admits only plainJSONToken's members, and Unmarshal
	// refuses anything after the object.
	var p plainJSONToken
	if json.Unmarshal(body, &p) != nil {
		return nil, false
	}
	tok := &Token{AccessToken: p.AccessToken, TokenType: p.TokenType, RefreshToken: p.RefreshToken, Scope: p.Scope, IDToken: p.IDToken}
	if p.ExpiresIn != "" {
		n, err := p.ExpiresIn.Int64()
		if err != nil {
			if n, err = number(p.ExpiresIn); err != nil {
				return nil, false
			}
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
			end := stringEnd(b, i+1)
			if expectKey {
				key := b[i+1 : end]
				bit := keyBit(key)
				if bit == 0 || seen&bit != 0 || bytes.IndexByte(key, '\\') >= 0 {
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

// stringEnd returns the index of the quote that ends the JSON string
// whose contents start at b[i], or len(b) when it does not end.
func stringEnd(b []byte, i int) int {
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return len(b)
		}
		end := i + q
		// The quote is escaped when an odd number of backslashes
		// precede it.
		bs := 0
		for j := end - 1; j >= i && b[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			return end
		}
		i = end + 1
	}
}

// The bits of the members of plainJSONToken, for the sets of members seen.
const (
	bitAccessToken uint8 = 1 << iota
	bitTokenType
	bitRefreshToken
	bitExpiresIn
	bitScope
	bitIDToken
)

// keyBit is the bit of the member named k, 0 when it is not one of
// plainJSONToken's.
func keyBit(k []byte) uint8 {
	switch string(k) {
	case fieldAccessToken:
		return bitAccessToken
	case fieldTokenType:
		return bitTokenType
	case fieldRefreshToken:
		return bitRefreshToken
	case fieldExpiresIn:
		return bitExpiresIn
	case fieldScope:
		return bitScope
	case fieldIDToken:
		return bitIDToken
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
