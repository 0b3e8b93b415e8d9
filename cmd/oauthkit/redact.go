package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// secretParams are parameter and JSON member names whose values are
// shortened in output unless --show-secrets is given; isSecretName adds
// the names made like them.
var secretParams = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true, "code": true,
	"code_verifier": true, "client_secret": true, "password": true, "device_code": true,
	"client_assertion": true, "assertion": true, "token": true, "nonce": true,
	"subject_token": true, "actor_token": true, "state": true, "code_challenge": true,
	"user_code": true,
}

// isSecretName reports whether a parameter or member named k holds a
// credential: what the library's redactor calls one (internal/redact),
// one of secretParams, or a name ending in _token or assertion, or naming
// a secret or a password.
func isSecretName(k string) bool {
	if redact.IsCredential(k) {
		return true
	}
	k = strings.ToLower(k)
	return secretParams[k] || strings.HasSuffix(k, "_token") || strings.HasSuffix(k, "assertion") ||
		strings.Contains(k, "secret") || strings.Contains(k, "password")
}

// secretName matches what isSecretName accepts, for text that could not
// be decoded.
const secretName = `(?:[a-z0-9_-]*(?:_token|assertion|secret[a-z0-9_-]*|password[a-z0-9_-]*)|code|code_verifier|device_code|token|nonce|state|code_challenge|user_code|password)`

var (
	formSecret = regexp.MustCompile(`(?i)(^|[^a-z0-9_-])(` + secretName + `)=([^&\s"'<>]+)`)
	jsonSecret = regexp.MustCompile(`(?i)("` + secretName + `"\s*:\s*")((?:[^"\\]|\\.)*)"`)
)

// redactor shortens secrets to their first characters.
type redactor struct{ show bool }

// short returns the first four characters of s and an ellipsis.
func (r redactor) short(s string) string {
	if r.show || s == "" {
		return s
	}
	n := min(4, utf8.RuneCountInString(s)/2)
	return string([]rune(s)[:n]) + "…"
}

// scrub hides the values of credential-named parameters and members in
// free text: an error message, a body that could not be decoded. The
// library's redactor (internal/redact) replaces the credentials it knows,
// in any syntax; the values of the further names of isSecretName are
// shortened.
func (r redactor) scrub(s string) string {
	if r.show {
		return s
	}
	s = redact.String(s)
	short := func(v string) string {
		if strings.HasSuffix(v, "…") || v == redact.Marker {
			return v // hidden already
		}
		return r.short(v)
	}
	s = formSecret.ReplaceAllStringFunc(s, func(m string) string {
		g := formSecret.FindStringSubmatch(m)
		return g[1] + g[2] + "=" + short(g[3])
	})
	return jsonSecret.ReplaceAllStringFunc(s, func(m string) string {
		g := jsonSecret.FindStringSubmatch(m)
		return g[1] + short(g[2]) + `"`
	})
}

// value returns v with the values of credential-named members shortened,
// at any depth; a credential that is not a string becomes "…".
func (r redactor) value(v any) any {
	if r.show {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			switch s, ok := val.(string); {
			case !isSecretName(k):
				out[r.scrub(k)] = r.value(val)
			case ok:
				out[k] = r.short(s)
			default:
				out[k] = "…"
			}
		}
		return out
	case string:
		return r.scrub(v) // free text, such as an error_description echoing a request
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = r.value(e)
		}
		return out
	}
	return v
}

// values formats form or query parameters, secrets shortened, in a stable
// order.
func (r redactor) values(v url.Values) string {
	var parts []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range v {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, val := range v[k] {
			if isSecretName(k) {
				parts = append(parts, k+"="+r.short(val))
			} else {
				parts = append(parts, r.scrub(k)+"="+r.scrub(val))
			}
		}
	}
	return strings.Join(parts, " ")
}

// url formats u with secret query parameters and fragment members
// shortened.
func (r redactor) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.scrub(raw)
	}
	base := *u
	base.RawQuery, base.Fragment, base.RawFragment = "", "", ""
	if base.User != nil {
		base.User = url.User(base.User.Username())
	}
	s := base.String()
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			return s + "?" + r.scrub(u.RawQuery)
		}
		s += "?" + r.values(q)
	}
	if u.Fragment != "" {
		frag, err := url.ParseQuery(u.Fragment)
		if err != nil {
			return s + "#" + r.scrub(u.Fragment)
		}
		s += "#" + r.values(frag)
	}
	return s
}

// authorization shortens the credentials of an Authorization header.
func (r redactor) authorization(h string) string {
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok {
		return r.short(h)
	}
	return scheme + " " + r.short(cred)
}

// maxSnippet is how much of a body that is neither JSON nor a form is
// shown.
const maxSnippet = 200

// body formats a request or response body with the members the library
// decodes from it (internal/wire, so that a form under text/plain or
// without a Content-Type is seen as the library sees it), credentials
// shortened, and credentials inside other names and values (a JSON body
// read as a form, an error_description that echoes the request) hidden:
// as JSON when the library read the body as JSON, as parameters when it
// read a form. Anything else is a short, scrubbed snippet.
func (r redactor) body(contentType string, b []byte) string {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return ""
	}
	m, err := wire.Decode(contentType, trimmed)
	if err != nil || (trimmed[0] != '{' && !bytes.ContainsRune(trimmed, '=')) {
		return r.snippet(trimmed)
	}
	if jm, err := wire.DecodeJSON(trimmed); err == nil && reflect.DeepEqual(jm, m) {
		out, err := json.Marshal(r.value(m))
		if err != nil {
			return r.snippet(trimmed)
		}
		return string(out)
	}
	v := url.Values{}
	for k, val := range m {
		s, ok := val.(string)
		if !ok {
			return r.snippet(trimmed)
		}
		v.Set(k, s)
	}
	return r.values(v)
}

// snippet is the start of b on one line, scrubbed.
func (r redactor) snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if utf8.RuneCountInString(s) > maxSnippet {
		s = string([]rune(s)[:maxSnippet]) + "…"
	}
	return r.scrub(s)
}
