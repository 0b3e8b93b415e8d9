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
// replaced by [Marker], and the credentials of every Authorization (or
// Proxy-Authorization) header it echoes. Text without one is returned
// unchanged.
//
// The scan does not track quotes, so a stray quote (in an HTML page, or a
// body cut short) cannot hide a member from it: each name is judged by
// what follows it, a ":" (JSON, or a header-like echo) or an "=" (a form
// or query). The replacement keeps the text as well-formed as it was: a
// quoted value stays quoted with the same quotes, and a bare value (in a
// sentence, which may itself sit in a quoted string) stays bare, except
// the number or literal of a JSON member, which becomes a JSON string.
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

// quoting is how a member name was quoted, which tells what kind of text
// its value is in.
type quoting int

const (
	unquoted     quoting = iota // a form, a query, a header or a sentence
	jsonQuoted                  // a JSON member
	escapedQuote                // a JSON member inside a JSON string
	singleQuote                 // a Python or JavaScript literal
)

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
		sep, vstart, q, ok := separator(s, j)
		name := ""
		if ok {
			name = strings.ToLower(lastName(decodeName(string(run))))
		}
		switch {
		case name == "authorization" || name == "proxy-authorization":
			b.Write(s[i:vstart])
			i = redactAuthorization(&b, s, vstart)
		case IsCredential(name):
			b.Write(s[i:vstart])
			i = redactValue(&b, s, vstart, sep, q)
		default:
			b.Write(run)
			i = j
		}
	}
	return b.String()
}

// mentionsCredential is a cheap filter: could s hold a credential name,
// plain or escaped?
func mentionsCredential(s string) bool {
	l := strings.ToLower(s)
	for _, n := range []string{"token", "secret", "assertion", "code", "password", "authorization", `\u`, "%"} {
		if strings.Contains(l, n) {
			return true
		}
	}
	return false
}

// separator looks past a name ending at j for the closing quote of a
// member name (JSON, escaped JSON or single-quoted), then ":" or "="; it
// returns the separator, where the value starts and how the name was
// quoted.
func separator(s []byte, j int) (byte, int, quoting, bool) {
	q := unquoted
	switch {
	case bytes.HasPrefix(s[j:], []byte(`\"`)):
		q, j = escapedQuote, j+2
	case j < len(s) && s[j] == '"':
		q, j = jsonQuoted, j+1
	case j < len(s) && s[j] == '\'':
		q, j = singleQuote, j+1
	}
	j = jsonscan.SkipSpace(s, j)
	if j >= len(s) || (s[j] != ':' && s[j] != '=') {
		return 0, 0, q, false
	}
	return s[j], jsonscan.SkipSpace(s, j+1), q, true
}

// redactValue writes Marker for the value at j and returns where the value
// ends. A quoted value keeps its quotes ("[redacted]", '[redacted]',
// \"[redacted]\"); the number, literal, object or array of a JSON member
// becomes the JSON string "[redacted]" (escaped inside a JSON string);
// any other bare value becomes a bare [redacted].
func redactValue(b *strings.Builder, s []byte, j int, sep byte, q quoting) int {
	switch {
	case j >= len(s):
		return j
	case bytes.HasPrefix(s[j:], []byte(Marker)): // redacted already
		b.WriteString(Marker)
		return j + len(Marker)
	case bytes.HasPrefix(s[j:], []byte(`\"`)): // a JSON document inside a JSON string
		b.WriteString(`\"` + Marker + `\"`)
		return escapedClosing(s, j+2)
	case s[j] == '"' && q == escapedQuote: // the end of the enclosing string
		return j
	case s[j] == '"':
		b.WriteString(`"` + Marker + `"`)
		return jsonscan.StringEnd(s, j)
	case s[j] == '\'':
		b.WriteString(`'` + Marker + `'`)
		return closing(s, j+1, `'`)
	}
	end := bareEnd(s, j, sep)
	if sep == ':' && (s[j] == '{' || s[j] == '[') {
		end = jsonscan.ValueEnd(s, j)
	}
	if end == j {
		return j
	}
	switch {
	case sep == ':' && q == jsonQuoted:
		b.WriteString(`"` + Marker + `"`)
	case sep == ':' && q == escapedQuote:
		b.WriteString(`\"` + Marker + `\"`)
	default:
		b.WriteString(Marker)
	}
	return end
}

// closing returns the index past the quote that closes a value starting
// at j, or the end of its line when there is none.
func closing(s []byte, j int, quote string) int {
	if end := bytes.Index(s[j:], []byte(quote)); end >= 0 {
		if nl := bytes.IndexByte(s[j:j+end], '\n'); nl < 0 {
			return j + end + len(quote)
		}
	}
	if nl := bytes.IndexByte(s[j:], '\n'); nl >= 0 {
		return j + nl
	}
	return len(s)
}

// escapedClosing returns the index past the escaped quote that closes a
// value starting at j, or that of the quote that ends the enclosing
// string (which stays), or the end of the line.
func escapedClosing(s []byte, j int) int {
	for ; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) && s[j+1] == '"' {
				return j + 2
			}
			j++
		case '"', '\n':
			return j
		}
	}
	return len(s)
}

// bareEnd returns the end of an unquoted value: a form value ends at "&",
// ";", a blank, a quote or markup; a value after ":" also at a JSON
// delimiter.
func bareEnd(s []byte, j int, sep byte) int {
	for end := j; end < len(s); end++ {
		c := s[end]
		if isFormValueEnd(c) || (sep == ':' && strings.IndexByte(",}]", c) >= 0) {
			return end
		}
	}
	return len(s)
}

// redactAuthorization writes the value of an Authorization header that
// starts at j with its credentials replaced by Marker, keeping the scheme
// ("Basic", "Bearer", "DPoP") and whatever encloses the value: the quotes
// of a JSON member or the brackets of a printed http.Header. It returns
// where the credentials end.
func redactAuthorization(b *strings.Builder, s []byte, j int) int {
	for _, open := range []string{`\"`, `"`, `'`, `[`} {
		if bytes.HasPrefix(s[j:], []byte(open)) && !bytes.HasPrefix(s[j:], []byte(Marker)) {
			b.WriteString(open)
			j += len(open)
			break
		}
	}
	scheme := j
	for scheme < len(s) && isNameByte(s[scheme]) && s[scheme] != '\\' && s[scheme] != '%' {
		scheme++
	}
	blank := scheme
	for blank < len(s) && s[blank] == ' ' {
		blank++
	}
	if scheme > j && blank > scheme && blank < len(s) && !isCredentialEnd(s[blank]) {
		b.Write(s[j:blank])
		j = blank
	}
	if bytes.HasPrefix(s[j:], []byte(Marker)) {
		b.WriteString(Marker)
		return j + len(Marker)
	}
	end := j
	for end < len(s) && !isCredentialEnd(s[end]) {
		end++
	}
	if end > j {
		b.WriteString(Marker)
	}
	return end
}

// isCredentialEnd: characters that end the credentials of an
// Authorization header (a token68, RFC 9110 section 11.2, or a scheme's
// own syntax) in the text around it.
func isCredentialEnd(c byte) bool {
	return strings.IndexByte(" \t\r\n\"'\\]<>,;&", c) >= 0
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

// lastName returns the name that ends a decoded run: a run of text can
// hold an escaped line break or a form's "+" before the name
// ("echo:\nrefresh_token=...").
func lastName(decoded string) string {
	for i := len(decoded) - 1; i >= 0; i-- {
		if c := decoded[i]; !isNameByte(c) || c == '%' || c == '+' || c == '\\' {
			return decoded[i+1:]
		}
	}
	return decoded
}

// isNameByte: characters of a member name, escapes included.
func isNameByte(c byte) bool {
	return c == '_' || c == '%' || c == '-' || c == '.' || c == '+' || c == '\\' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// isFormValueEnd: characters that end a bare value after "=".
func isFormValueEnd(c byte) bool {
	return strings.IndexByte("&; \t\r\n\"'\\<>", c) >= 0
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
