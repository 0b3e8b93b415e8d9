package oauthtest

import (
	"slices"
	"strings"
)

// grantedScope checks a requested scope against the client's registration
// (RFC 6749 §3.3) and returns the scope to grant. An empty request gets the
// client's registered scopes.
func grantedScope(c *Client, requested string) (string, *oauthError) {
	if strings.TrimSpace(requested) == "" {
		return strings.Join(c.Scopes, " "), nil
	}
	var out []string
	for _, sc := range strings.Fields(requested) {
		if !validScopeToken(sc) {
			return "", errorf(errInvalidScope, "malformed scope %q", sc)
		}
		if c.Scopes != nil && !slices.Contains(c.Scopes, sc) {
			return "", errorf(errInvalidScope, "scope %q not allowed for client", sc)
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return strings.Join(out, " "), nil
}

// validScopeToken reports whether sc is a scope-token of RFC 6749 §3.3:
// 1*( %x21 / %x23-5B / %x5D-7E ).
func validScopeToken(sc string) bool {
	for i := 0; i < len(sc); i++ {
		b := sc[i]
		if b < 0x21 || b > 0x7e || b == '"' || b == '\\' {
			return false
		}
	}
	return sc != ""
}

// subScope reports whether every scope in requested is in granted.
func subScope(requested, granted string) bool {
	g := strings.Fields(granted)
	for _, sc := range strings.Fields(requested) {
		if !slices.Contains(g, sc) {
			return false
		}
	}
	return true
}
