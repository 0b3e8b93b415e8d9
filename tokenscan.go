package oauthkit

import (
	"bytes"
	"math"
	"unicode/utf8"
)

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
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return nil, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return &tok, skipSpace(b, i+1) == len(b)
	}
	for {
		key, next, ok := scanString(b, i)
		bit := keyBit(key)
		if !ok || bit == 0 || seen&bit != 0 {
			return nil, false
		}
		seen |= bit
		i = skipSpace(b, next)
		if i == len(b) || b[i] != ':' {
			return nil, false
		}
		i = skipSpace(b, i+1)
		if bit == bitExpiresIn {
			tok.ExpiresIn, i, ok = scanInt(b, i)
		} else {
			var v []byte
			v, i, ok = scanString(b, i)
			*plainField(&tok, bit) = string(v)
		}
		if !ok {
			return nil, false
		}
		i = skipSpace(b, i)
		switch {
		case i == len(b):
			return nil, false
		case b[i] == '}':
			return &tok, skipSpace(b, i+1) == len(b)
		case b[i] != ',':
			return nil, false
		}
		i = skipSpace(b, i+1)
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

// skipSpace returns the index of the first byte at or after i that is
// not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString reads the JSON string at b[i] when it needs no decoding: no
// escapes, no control characters, valid UTF-8. It returns its contents
// and the index after its closing quote.
func scanString(b []byte, i int) ([]byte, int, bool) {
	if i == len(b) || b[i] != '"' {
		return nil, i, false
	}
	n := bytes.IndexByte(b[i+1:], '"')
	if n < 0 {
		return nil, i, false
	}
	s := b[i+1 : i+1+n]
	ascii := true
	for _, c := range s {
		if notPlain[c] {
			if c < utf8.RuneSelf {
				return nil, i, false // a control character or an escape
			}
			ascii = false
		}
	}
	return s, i + n + 2, ascii || utf8.Valid(s)
}

// notPlain marks the bytes of a JSON string that scanString looks at
// closely: control characters and the backslash, which it leaves to
// encoding/json, and the bytes of non-ASCII characters, which must be
// valid UTF-8.
var notPlain = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

// scanInt reads the JSON integer at b[i] (RFC 8259 section 6, without
// fraction or exponent) and returns it, clamped as every expires_in is,
// and the index after it. An integer that int64 cannot hold reports
// false.
func scanInt(b []byte, i int) (int64, int, bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	digits := i
	var n int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		d := int64(b[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, i, false
		}
		n = n*10 + d
	}
	switch {
	case i == digits, b[digits] == '0' && i > digits+1:
		return 0, i, false // no digits, or a leading zero
	case i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'):
		return 0, i, false
	case neg:
		n = -n
	}
	return clampExpiresIn(n), i, true
}
