package oauthkit

import "github.com/oauthkit/oauthkit/internal/jsonscan"

// scanPlainToken reads the most common token answer without reflection: a
// flat JSON object of the members of plainJSONToken, each at most once,
// spelled exactly so, with string values free of escapes and an integer
// expires_in. It reports false for anything else, valid JSON or not, which
// then takes the encoding/json path (plainToken): the scan accepts only
// what that path accepts, and reads it the same way (the fuzz tests check
// both).
func scanPlainToken(b []byte) (*Token, bool) {
	var tok Token
	var seen uint8
	i := jsonscan.SkipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return nil, false
	}
	i = jsonscan.SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return &tok, jsonscan.SkipSpace(b, i+1) == len(b)
	}
	for {
		ks, ke, next, ok := jsonscan.String(b, i)
		bit := keyBit(b[ks:ke])
		if !ok || bit == 0 || seen&bit != 0 {
			return nil, false
		}
		seen |= bit
		i = jsonscan.SkipSpace(b, next)
		if i == len(b) || b[i] != ':' {
			return nil, false
		}
		i = jsonscan.SkipSpace(b, i+1)
		if bit == bitExpiresIn {
			tok.ExpiresIn, i, ok = jsonscan.Int(b, i)
			tok.ExpiresIn = clampExpiresIn(tok.ExpiresIn)
		} else {
			var vs, ve int
			vs, ve, i, ok = jsonscan.String(b, i)
			*plainField(&tok, bit) = string(b[vs:ve])
		}
		if !ok {
			return nil, false
		}
		i = jsonscan.SkipSpace(b, i)
		switch {
		case i == len(b):
			return nil, false
		case b[i] == '}':
			return &tok, jsonscan.SkipSpace(b, i+1) == len(b)
		case b[i] != ',':
			return nil, false
		}
		i = jsonscan.SkipSpace(b, i+1)
	}
}

// plainField is the string field of tok that the member with keyBit bit
// sets.
func plainField(tok *Token, bit uint8) *string {
	switch bit {
	case bitAccessToken:
		return &tok.AccessToken
	case bitTokenType:
		return &tok.TokenType
	case bitRefreshToken:
		return &tok.RefreshToken
	case bitScope:
		return &tok.Scope
	}
	return &tok.IDToken
}
