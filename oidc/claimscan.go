package oidc

import (
	"bytes"
	"encoding/json"

	"github.com/oauthkit/oauthkit/internal/jsonscan"
)

// maxScannedClaims is the most members scanIDClaims takes; a claims set
// with more goes to jose.DecodeClaims.
const maxScannedClaims = 32

// scanIDClaims decodes the claims set payload into c without reflection
// when every member c has a field for is in its plain form (strings
// without escapes, numbers, booleans, null, arrays of plain strings). All
// the strings it sets share one copy of payload. It reports false for
// anything else, which jose.DecodeClaims then decodes or refuses: like
// it, the scan binds a member only under its exact name, and it leaves a
// claims set with a member given twice to it. The fuzz tests check that
// whatever it accepts, DecodeClaims decodes the same way.
func scanIDClaims(payload []byte, c *idClaims) bool {
	if !json.Valid(payload) {
		return false
	}
	all := string(payload)
	var names [maxScannedClaims][2]int
	n := 0
	i := jsonscan.SkipSpace(payload, 0)
	if i == len(payload) || payload[i] != '{' {
		return false
	}
	i = jsonscan.SkipSpace(payload, i+1)
	for i < len(payload) && payload[i] != '}' {
		ks, ke, next, ok := jsonscan.String(payload, i)
		if !ok || n == len(names) || seenName(payload, names[:n], ks, ke) {
			return false
		}
		names[n] = [2]int{ks, ke}
		n++
		// json.Valid has accepted payload: a colon follows the name.
		i = jsonscan.SkipSpace(payload, jsonscan.SkipSpace(payload, next)+1)
		if i, ok = c.scanMember(payload, all, string(payload[ks:ke]), i); !ok {
			return false
		}
		i = jsonscan.SkipSpace(payload, i)
		if i < len(payload) && payload[i] == ',' {
			i = jsonscan.SkipSpace(payload, i+1)
		}
	}
	return true
}

// seenName reports whether the member name payload[ks:ke] is among names.
func seenName(payload []byte, names [][2]int, ks, ke int) bool {
	for _, nm := range names {
		if bytes.Equal(payload[nm[0]:nm[1]], payload[ks:ke]) {
			return true
		}
	}
	return false
}

// scanMember reads the value at payload[i] of the member name into c,
// and returns the index after it.
func (c *idClaims) scanMember(payload []byte, all, name string, i int) (int, bool) {
	if f := c.stringField(name); f != nil {
		return scanStringValue(payload, all, i, f)
	}
	switch name {
	case "aud":
		return scanStrings(payload, all, i, (*[]string)(&c.Aud), true)
	case "amr":
		return scanStrings(payload, all, i, &c.AMR, false)
	case "email_verified":
		return scanLooseBool(payload, i, &c.EmailVerified)
	}
	if d := c.dateField(name); d != nil {
		end := jsonscan.ValueEnd(payload, i)
		if next, ok := jsonscan.Literal(payload, i, "null"); ok {
			*d = numericDate{}
			return next, true
		}
		if payload[i] != '-' && (payload[i] < '0' || payload[i] > '9') {
			return i, false // not a number: DecodeClaims reports it
		}
		nd, err := parseNumericDate(all[i:end])
		*d = nd
		return end, err == nil
	}
	return jsonscan.ValueEnd(payload, i), true // a claim c has no field for
}

// stringField is c's string field for the claim name, nil when the claim
// is not one of them.
func (c *idClaims) stringField(name string) *string {
	switch name {
	case "iss":
		return &c.Iss
	case "azp":
		return &c.Azp
	case "nonce":
		return &c.Nonce
	case "at_hash":
		return &c.AtHash
	case "c_hash":
		return &c.CHash
	case "acr":
		return &c.ACR
	case "sub":
		return &c.Sub
	case "email":
		return &c.Email
	case "name":
		return &c.Name
	case "given_name":
		return &c.GivenName
	case "family_name":
		return &c.FamilyName
	case "preferred_username":
		return &c.PreferredUsername
	case "picture":
		return &c.Picture
	case "locale":
		return &c.Locale
	}
	return nil
}

// dateField is c's NumericDate field for the claim name, nil when the
// claim is not one of them.
func (c *idClaims) dateField(name string) *numericDate {
	switch name {
	case "exp":
		return &c.Exp
	case "iat":
		return &c.Iat
	case "nbf":
		return &c.Nbf
	case "auth_time":
		return &c.AuthTime
	}
	return nil
}

// scanStringValue reads a plain string, or null (which, as with
// encoding/json, leaves *f as it is), into *f.
func scanStringValue(payload []byte, all string, i int, f *string) (int, bool) {
	if next, ok := jsonscan.Literal(payload, i, "null"); ok {
		return next, true
	}
	s, e, next, ok := jsonscan.String(payload, i)
	if ok {
		*f = all[s:e]
	}
	return next, ok
}

// scanStrings reads an array of plain strings, or null (nil), into *f;
// with one, also a plain string, as a one-element list (the "aud"
// shorthand of RFC 7519 section 4.1.3).
func scanStrings(payload []byte, all string, i int, f *[]string, one bool) (int, bool) {
	if next, ok := jsonscan.Literal(payload, i, "null"); ok {
		*f = nil
		return next, true
	}
	if one && payload[i] == '"' {
		s, e, next, ok := jsonscan.String(payload, i)
		if ok {
			*f = []string{all[s:e]}
		}
		return next, ok
	}
	if payload[i] != '[' {
		return i, false
	}
	end := jsonscan.ValueEnd(payload, i)
	list := make([]string, 0, bytes.Count(payload[i:end], []byte{','})+1)
	i = jsonscan.SkipSpace(payload, i+1)
	for payload[i] != ']' {
		s, e, next, ok := jsonscan.String(payload, i)
		if !ok {
			return i, false
		}
		list = append(list, all[s:e])
		i = jsonscan.SkipSpace(payload, next)
		if payload[i] == ',' {
			i = jsonscan.SkipSpace(payload, i+1)
		}
	}
	*f = list
	return i + 1, true
}

// scanLooseBool reads what looseBool accepts: true, false, null, "true"
// and "false".
func scanLooseBool(payload []byte, i int, f *looseBool) (int, bool) {
	for _, lit := range [...]struct {
		text string
		v    looseBool
	}{{"true", true}, {"false", false}, {"null", false}, {`"true"`, true}, {`"false"`, false}} {
		if next, ok := jsonscan.Literal(payload, i, lit.text); ok {
			*f = lit.v
			return next, true
		}
	}
	return i, false
}
