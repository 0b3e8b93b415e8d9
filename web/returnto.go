package web

import (
	"net/url"
	"strings"
)

// maxReturnTo bounds the length of a return-to path.
const maxReturnTo = 2048

// SafeReturnTo returns target when it is a local path of this site, such
// as "/profile?tab=1", and "/" otherwise, so that a return-to parameter
// cannot send the user to another site (an open redirect). A local path
// starts with one "/" and has no scheme, no host, no backslash (browsers
// read "/\evil.example" as "//evil.example"), no control characters or
// spaces (browsers drop tabs and newlines, so "/\t/evil.example" would
// become "//evil.example"), none of these percent-encoded at the start
// ("/%5Cevil.example", "/%2F%2Fevil.example") and at most 2048 bytes.
func SafeReturnTo(target string) string {
	if isLocalPath(target) {
		return target
	}
	return "/"
}

func isLocalPath(s string) bool {
	if len(s) == 0 || len(s) > maxReturnTo || s[0] != '/' {
		return false
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// A path that decodes to "//host", "/\host" or "/<tab>/host" would
	// leave the site once a server or proxy unescapes it.
	return !strings.HasPrefix(strings.Map(browserView, u.Path), "//")
}

// browserView maps a character of a path as browsers read it: they drop
// tabs and newlines and take a backslash for a slash (WHATWG URL).
func browserView(r rune) rune {
	switch r {
	case '\t', '\n', '\r':
		return -1
	case '\\':
		return '/'
	}
	return r
}
