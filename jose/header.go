package jose

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/oauthkit/oauthkit/internal/jsonscan"
)

// decodeHeader decodes the JSON header and lifts out "alg", "kid" and "typ".
// The common header holding only those members takes a fast path that
// builds no map; anything else goes through [decodeHeaderMap].
func decodeHeader(b []byte) (Header, error) {
	if h, ok := decodeSimpleHeader(b); ok {
		return h, nil
	}
	return decodeHeaderMap(b)
}

// decodeHeaderMap decodes the JSON header into a map, lifts out "alg",
// "kid" and "typ" and leaves every other member in Header.Extra.
func decodeHeaderMap(b []byte) (Header, error) {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return Header{}, errorf(ErrMalformedToken, "header is not a JSON object")
	}
	// RFC 7515 section 4: header parameter names must be unique; a
	// decoder that keeps the last of two "alg" members must not decide.
	members, err := objectMembers(b)
	if err != nil {
		return Header{}, err
	}
	if err := checkUnique(members, "header member"); err != nil {
		return Header{}, err
	}
	var h Header
	if h.Algorithm, err = takeString(m, "alg"); err != nil {
		return Header{}, err
	}
	if h.KeyID, err = takeString(m, "kid"); err != nil {
		return Header{}, err
	}
	if h.Type, err = takeString(m, "typ"); err != nil {
		return Header{}, err
	}
	if h.Algorithm == "" {
		return Header{}, errorf(ErrMalformedToken, `header has no "alg"`)
	}
	if len(m) > 0 {
		h.Extra = m
	}
	return h, nil
}

// takeString removes member name from m and returns it; a missing member
// is "", a member that is not a string is an error.
func takeString(m map[string]any, name string) (string, error) {
	v, ok := m[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", errorf(ErrMalformedToken, "header %q is not a string", name)
	}
	delete(m, name)
	return s, nil
}

// headerScan is the result of scanning a header that holds only "alg",
// "kid" and "typ" members.
type headerScan struct {
	alg, kid, typ [2]int // byte offsets of each string value, {0, 0} if absent
	seen          uint8  // bit set of members seen
}

// decodeSimpleHeader decodes b if it is a valid JSON object whose members
// are only "alg" (non-empty), "kid" and "typ", each appearing once, with
// string values free of escapes and valid UTF-8. It reports false for
// anything else, which [decodeHeaderMap] then handles (and rejects or
// records in Header.Extra) exactly as before. The three strings share one
// allocation.
func decodeSimpleHeader(b []byte) (Header, bool) {
	if !json.Valid(b) {
		return Header{}, false
	}
	var sc headerScan
	if !sc.scan(b) || sc.seen&1 == 0 || sc.alg[1] == sc.alg[0] {
		return Header{}, false
	}
	all := string(b)
	return Header{
		Algorithm: all[sc.alg[0]:sc.alg[1]],
		KeyID:     all[sc.kid[0]:sc.kid[1]],
		Type:      all[sc.typ[0]:sc.typ[1]],
	}, true
}

// scan walks the members of b, which json.Valid has accepted, and records
// where the values of "alg", "kid" and "typ" are. It reports false on any
// other member, a repeated member, or a value it does not take as is.
func (sc *headerScan) scan(b []byte) bool {
	i := jsonscan.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = jsonscan.SkipSpace(b, i+1)
	for i < len(b) && b[i] == '"' {
		ks, ke, ok := rawString(b, i)
		if !ok {
			return false
		}
		i = jsonscan.SkipSpace(b, ke+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = jsonscan.SkipSpace(b, i+1)
		if i >= len(b) || b[i] != '"' {
			return false // a non-string value: let the map path report it
		}
		vs, ve, ok := rawString(b, i)
		if !ok || !utf8.Valid(b[vs:ve]) || !sc.record(string(b[ks:ke]), vs, ve) {
			return false
		}
		i = jsonscan.SkipSpace(b, ve+1)
		if i < len(b) && b[i] == ',' {
			i = jsonscan.SkipSpace(b, i+1)
		}
	}
	return i < len(b) && b[i] == '}' && jsonscan.SkipSpace(b, i+1) == len(b)
}

// record notes the value span of member name, reporting false for an
// unknown or repeated member.
func (sc *headerScan) record(name string, start, end int) bool {
	var dst *[2]int
	var bit uint8
	switch name {
	case "alg":
		dst, bit = &sc.alg, 1
	case "kid":
		dst, bit = &sc.kid, 2
	case "typ":
		dst, bit = &sc.typ, 4
	default:
		return false
	}
	if sc.seen&bit != 0 {
		return false
	}
	sc.seen |= bit
	*dst = [2]int{start, end}
	return true
}

// rawString returns the span of the contents of the JSON string starting
// at b[i] == '"', reporting false if it holds an escape.
func rawString(b []byte, i int) (start, end int, ok bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"':
			return i + 1, j, true
		case '\\':
			return 0, 0, false
		}
	}
	return 0, 0, false
}
