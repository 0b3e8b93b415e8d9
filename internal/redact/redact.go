// Package redact hides credentials in text that came from the network or
// goes to a log: response bodies kept by errors, URLs quoted in messages,
// the command-line tool's traces of HTTP exchanges.
//
// It works on the text as it is, valid or not: JSON (with escaped
// member names), form-encoded bodies, query strings, and anything that
// embeds them, such as an HTML error page that echoes a request or a
// body cut at a size limit. Every value of a member named like a
// credential (see [IsCredential]) becomes [Marker], wherever it appears.
package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit/internal/jsonscan"
)

// Marker replaces each credential value.
const Marker = "[redacted]"

// credentialNames are the member names whose values are secrets: tokens,
// codes, client secrets and assertions, and the resource owner's password.
var credentialNames = []string{
	"access_token", "refresh_token", "id_token", "client_secret",
	"assertion", "client_assertion", "code", "device_code", "password",
}

// IsCredential reports whether a member, parameter or field name names a
// credential: access_token, refresh_token, id_token, client_secret,
// assertion, client_assertion, code, device_code or password, in any
// case.
func IsCredential(name string) bool {
	return slices.Contains(credentialNames, strings.ToLower(name))
}

// String returns s with the value of every credential-named member
// replaced by [Marker]. Text without one is returned unchanged.
//
// The scan does not track quotes, so a stray quote (in an HTML page, or a
// body cut short) cannot hide a member from it: each name is judged by
// what follows it, a ":" (JSON, or a header-like echo) or an "=" (a form
// or query).
func String(s string) string {
	if !mentionsCredential(s) {
		return s
	}
	return redact([]byte(s))
}

// Bytes is [String] for a body.
func Bytes(b []byte) string {
	if !mentionsCredential(string(b)) {
		return string(b)
	}
	return redact(b)
}

func redact(s []byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if !isNameByte(s[i]) || (i > 0 && isNameByte(s[i-1])) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		run := bytes.TrimSuffix(s[i:j], []byte(`\`)) // the escape of a closing quote
		if len(run) == 0 {
			b.WriteByte(s[i])
			i++
			continue
		}
		j = i + len(run)
		sep, vstart, ok := separator(s, j)
		if !ok || !IsCredential(decodeName(string(run))) {
			b.Write(run)
			i = j
			continue
		}
		b.Write(s[i:vstart])
		i = redactValue(&b, s, vstart, sep)
	}
	return b.String()
}

// mentionsCredential is a cheap filter: could s hold a credential name,
// plain or escaped?
func mentionsCredential(s string) bool {
	l := strings.ToLower(s)
	for _, n := range []string{"token", "secret", "assertion", "code", "password", `\u`, "%"} {
		if strings.Contains(l, n) {
			return true
		}
	}
	return false
}

// separator looks past a name ending at j for the closing quote of a JSON
// member name (plain or escaped), then ":" or "="; it returns the
// separator and where the value starts.
func separator(s []byte, j int) (byte, int, bool) {
	if bytes.HasPrefix(s[j:], []byte(`\"`)) {
		j += 2
	} else if j < len(s) && s[j] == '"' {
		j++
	}
	j = jsonscan.SkipSpace(s, j)
	if j >= len(s) || (s[j] != ':' && s[j] != '=') {
		return 0, 0, false
	}
	return s[j], jsonscan.SkipSpace(s, j+1), true
}

// redactValue writes Marker for the value at j and returns where the value
// ends. After ":" any JSON value (string, number, literal, object, array)
// becomes the JSON string "[redacted]"; after "=" a quoted value becomes
// "[redacted]" and a bare one [redacted].
func redactValue(b *strings.Builder, s []byte, j int, sep byte) int {
	if j >= len(s) {
		return j
	}
	quoted := `"` + Marker + `"`
	switch {
	case bytes.HasPrefix(s[j:], []byte(`\"`)): // a JSON document inside a JSON string
		end := bytes.Index(s[j+2:], []byte(`\"`))
		if end < 0 {
			end = len(s) - j - 2
		}
		b.WriteString(`\"` + Marker + `\"`)
		return min(j+2+end+2, len(s))
	case sep == ':':
		end := jsonscan.ValueEnd(s, j)
		if end > j {
			b.WriteString(quoted)
		}
		return end
	case s[j] == '"':
		b.WriteString(quoted)
		return jsonscan.StringEnd(s, j)
	}
	end := j
	for end < len(s) && !isFormValueEnd(s[end]) {
		end++
	}
	if end > j {
		b.WriteString(Marker)
	}
	return end
}

// decodeName decodes a name as the library's decoders read it: JSON
// escapes (\u0063ode) and form escapes (%63ode, "+").
func decodeName(run string) string {
	if strings.Contains(run, `\`) {
		var v string
		if json.Unmarshal([]byte(`"`+run+`"`), &v) == nil {
			return v
		}
	}
	if strings.ContainsAny(run, "%+") {
		if v, err := url.QueryUnescape(run); err == nil {
			return v
		}
	}
	return run
}

// isNameByte: characters of a member name, escapes included.
func isNameByte(c byte) bool {
	return c == '_' || c == '%' || c == '-' || c == '.' || c == '+' || c == '\\' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// isFormValueEnd: characters that end a bare value after "=".
func isFormValueEnd(c byte) bool {
	return strings.IndexByte("&; \t\r\n\"'<>", c) >= 0
}

// URLError redacts the URL of the [url.Error] in err's chain, if any, in
// place: net/http quotes the URL of a failed request, and a redirect
// target or a custom client authentication may carry credentials in it.
// It returns err.
func URLError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		ue.URL = String(ue.URL)
	}
	return err
}
