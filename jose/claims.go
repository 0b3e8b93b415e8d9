package jose

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/oauthkit/oauthkit/internal/jsonscan"
)

// DecodeClaims decodes a JWT claims set (RFC 7519 section 4) into v, as
// [json.Unmarshal] does, but strictly, so that what a claim check reads
// is what the issuer signed:
//   - the claims set must be a JSON object whose member names are unique:
//     a claim given twice ("aud" twice) is an error, since one check could
//     see one value and another the other (section 4 allows rejecting
//     duplicates);
//   - a member fills a struct field only under the field's exact name:
//     "AUD" or "Aud" does not fill the field for "aud", as encoding/json's
//     case-insensitive matching would; such members are left out.
//
// Member names are compared after JSON unescaping, so "\u0061ud" is "aud".
// Errors wrap [ErrMalformedToken].
func DecodeClaims(payload []byte, v any) error {
	if !json.Valid(payload) {
		return errorf(ErrMalformedToken, "claims are not valid JSON")
	}
	members, err := objectMembers(payload)
	if err != nil {
		return err
	}
	if err := checkUnique(members, "claim"); err != nil {
		return err
	}
	if names := fieldNamesOf(v); names != nil {
		payload = dropFoldedMembers(payload, members, names)
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return errorf(ErrMalformedToken, "claims: %v", err)
	}
	return nil
}

// member is one member of a JSON object: its unescaped name and the span
// of the whole member (name, colon and value) in the object's bytes.
type member struct {
	name       string
	start, end int
}

// objectMembers returns the top-level members of the JSON object b, which
// must be valid JSON.
func objectMembers(b []byte) ([]member, error) {
	i := jsonscan.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, errorf(ErrMalformedToken, "not a JSON object")
	}
	var out []member
	i = jsonscan.SkipSpace(b, i+1)
	for i < len(b) && b[i] == '"' {
		start := i
		end := jsonscan.StringEnd(b, i)
		name, err := unquote(b[start:end])
		if err != nil {
			return nil, err
		}
		i = jsonscan.SkipSpace(b, end)
		i = jsonscan.SkipSpace(b, i+1) // the colon
		i = jsonscan.ValueEnd(b, i)
		out = append(out, member{name: name, start: start, end: i})
		i = jsonscan.SkipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = jsonscan.SkipSpace(b, i+1)
		}
	}
	return out, nil
}

// unquote returns the value of the JSON string literal q.
func unquote(q []byte) (string, error) {
	inner := q[1 : len(q)-1]
	if !strings.ContainsRune(string(inner), '\\') {
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(q, &s); err != nil {
		return "", errorf(ErrMalformedToken, "member name: %v", err)
	}
	return s, nil
}

// checkUnique reports the first member name that appears twice.
func checkUnique(members []member, what string) error {
	if len(members) > 16 {
		seen := make(map[string]bool, len(members))
		for _, m := range members {
			if seen[m.name] {
				return errorf(ErrMalformedToken, "duplicate %s %q", what, m.name)
			}
			seen[m.name] = true
		}
		return nil
	}
	for i := 1; i < len(members); i++ {
		for _, m := range members[:i] {
			if m.name == members[i].name {
				return errorf(ErrMalformedToken, "duplicate %s %q", what, m.name)
			}
		}
	}
	return nil
}

// fieldNames are the JSON names of a struct type's fields.
type fieldNames struct {
	exact map[string]bool
	lower map[string]bool // ASCII-lowercased
}

// foldsToField reports whether name is not a field's exact name but
// encoding/json would bind it to one by case-insensitive matching.
func (f *fieldNames) foldsToField(name string) bool {
	if f.exact[name] {
		return false
	}
	if isASCII(name) {
		return f.lower[strings.ToLower(name)]
	}
	for n := range f.exact { // Unicode folding: "ſub" binds to "sub"
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// fieldNameCache maps a struct type to its *fieldNames.
var fieldNameCache sync.Map

// fieldNamesOf returns the field names of the struct v points to, or nil
// when v does not point to a struct.
func fieldNamesOf(v any) *fieldNames {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	t = t.Elem()
	if f, ok := fieldNameCache.Load(t); ok {
		return f.(*fieldNames)
	}
	f := &fieldNames{exact: map[string]bool{}, lower: map[string]bool{}}
	collectFieldNames(t, f, 0)
	fieldNameCache.Store(t, f)
	return f
}

// collectFieldNames adds the JSON names of t's fields, descending into
// untagged embedded structs as encoding/json does.
func collectFieldNames(t reflect.Type, f *fieldNames, depth int) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct && depth < 8 {
			collectFieldNames(ft, f, depth+1)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f.exact[name] = true
		f.lower[strings.ToLower(name)] = true
	}
}

// dropFoldedMembers returns the object b without the members that would
// bind to a field only by case-insensitive matching; b itself when there
// are none.
func dropFoldedMembers(b []byte, members []member, names *fieldNames) []byte {
	drop := 0
	for _, m := range members {
		if names.foldsToField(m.name) {
			drop++
		}
	}
	if drop == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, '{')
	for _, m := range members {
		if names.foldsToField(m.name) {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, b[m.start:m.end]...)
	}
	return append(out, '}')
}
