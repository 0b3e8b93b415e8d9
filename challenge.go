package oauthkit

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error codes a protected resource sends in a WWW-Authenticate challenge
// (RFC 6750 section 3.1, RFC 9449 sections 7.1 and 9), for comparison with
// [Challenge.Error]. ErrorCodeInvalidDPoPProof and ErrorCodeUseDPoPNonce
// also come from the token endpoint (RFC 9449 sections 5 and 8).
const (
	ErrorCodeInvalidToken      = "invalid_token"
	ErrorCodeInsufficientScope = "insufficient_scope"
	ErrorCodeInvalidDPoPProof  = "invalid_dpop_proof"
	ErrorCodeUseDPoPNonce      = "use_dpop_nonce"
)

// ErrMalformedChallenge is wrapped by [ParseWWWAuthenticate] for a header
// that does not follow RFC 9110 section 11.6.1.
var ErrMalformedChallenge = errors.New("oauthkit: malformed WWW-Authenticate challenge")

// Challenge is one challenge of a WWW-Authenticate header (RFC 9110
// section 11.6.1), with the members RFC 6750 section 3 (Bearer) and RFC
// 9449 section 7.1 (DPoP) define decoded.
type Challenge struct {
	// Scheme is the authentication scheme as sent, such as "Bearer" or
	// "DPoP"; schemes are case-insensitive, so compare with [Challenge.Is].
	Scheme string
	// Realm is the realm parameter, if any.
	Realm string
	// Error is the error code, such as [ErrorCodeInvalidToken] or
	// [ErrorCodeUseDPoPNonce]; empty when the request had no credentials.
	Error string
	// ErrorDescription is the error_description parameter, if any.
	ErrorDescription string
	// ErrorURI is the error_uri parameter, if any.
	ErrorURI string
	// Scope is the scope parameter: the scope the resource needs.
	Scope string
	// Algs lists the DPoP signature algorithms the resource accepts (the
	// algs parameter of RFC 9449 section 7.1).
	Algs []string
	// Params holds every auth-param, names lowercased, the ones above
	// included.
	Params map[string]string
	// Token68 is the token68 form of a challenge without parameters, as
	// some schemes send; empty otherwise.
	Token68 string
}

// Is reports whether the challenge's scheme is scheme, ignoring case.
func (c Challenge) Is(scheme string) bool { return strings.EqualFold(c.Scheme, scheme) }

// ParseWWWAuthenticate parses every WWW-Authenticate header of a response
// into its challenges, in order. A header that does not follow the grammar
// is an [ErrMalformedChallenge]; so is a parameter given twice in one
// challenge, which would make its meaning ambiguous. No header gives no
// challenges and no error.
func ParseWWWAuthenticate(h http.Header) ([]Challenge, error) {
	var out []Challenge
	for _, v := range h.Values("Www-Authenticate") {
		cs, err := parseChallenges(v)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// challengeScanner walks one header value.
type challengeScanner struct {
	s string
	i int
}

func (sc *challengeScanner) errorf(format string, a ...any) error {
	return fmt.Errorf("%w: %s at offset %d", ErrMalformedChallenge, fmt.Sprintf(format, a...), sc.i)
}

// parseChallenges parses one header value: 1#challenge, where
// challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ].
func parseChallenges(v string) ([]Challenge, error) {
	sc := &challengeScanner{s: v}
	var out []Challenge
	for {
		sc.skipListSeparators()
		if sc.done() {
			break
		}
		scheme := sc.token()
		if scheme == "" {
			return nil, sc.errorf("expected an auth-scheme")
		}
		c := Challenge{Scheme: scheme}
		if err := sc.challengeBody(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, sc.errorf("no challenge")
	}
	return out, nil
}

// challengeBody reads the token68 or the auth-params after a scheme, up to
// the next challenge.
func (sc *challengeScanner) challengeBody(c *Challenge) error {
	if sc.skipSpace() == 0 || sc.done() || sc.peek() == ',' {
		return nil
	}
	if t, ok := sc.token68(); ok {
		c.Token68 = t
		return nil
	}
	for {
		if err := sc.param(c); err != nil {
			return err
		}
		sc.skipSpace()
		if sc.done() {
			return nil
		}
		if sc.peek() != ',' {
			return sc.errorf("expected a comma")
		}
		sc.skipListSeparators()
		if sc.done() || !sc.paramAhead() {
			return nil // the next challenge, or the end
		}
	}
}

// param reads one auth-param = token BWS "=" BWS ( token / quoted-string ).
func (sc *challengeScanner) param(c *Challenge) error {
	name := strings.ToLower(sc.token())
	if name == "" {
		return sc.errorf("expected a parameter name")
	}
	sc.skipSpace()
	if sc.done() || sc.peek() != '=' {
		return sc.errorf("expected = after %q", name)
	}
	sc.i++
	sc.skipSpace()
	var value string
	if !sc.done() && sc.peek() == '"' {
		v, err := sc.quoted()
		if err != nil {
			return err
		}
		value = v
	} else if value = sc.token(); value == "" {
		return sc.errorf("expected a value for %q", name)
	}
	if _, dup := c.Params[name]; dup {
		return sc.errorf("parameter %q repeated", name)
	}
	if c.Params == nil {
		c.Params = make(map[string]string, 4)
	}
	c.Params[name] = value
	switch name {
	case "realm":
		c.Realm = value
	case "error":
		c.Error = value
	case "error_description":
		c.ErrorDescription = value
	case "error_uri":
		c.ErrorURI = value
	case "scope":
		c.Scope = value
	case "algs":
		c.Algs = strings.Fields(value)
	}
	return nil
}

// paramAhead reports whether the next list element is an auth-param (a
// token followed by "="), not a new challenge.
func (sc *challengeScanner) paramAhead() bool {
	save := sc.i
	defer func() { sc.i = save }()
	if sc.token() == "" {
		return false
	}
	sc.skipSpace()
	return !sc.done() && sc.peek() == '='
}

// token68 reads 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
// *"=" when it is the whole rest of the challenge.
func (sc *challengeScanner) token68() (string, bool) {
	start := sc.i
	j := sc.i
	for j < len(sc.s) && isToken68Char(sc.s[j]) {
		j++
	}
	if j == start {
		return "", false
	}
	for j < len(sc.s) && sc.s[j] == '=' {
		j++
	}
	k := j
	for k < len(sc.s) && (sc.s[k] == ' ' || sc.s[k] == '\t') {
		k++
	}
	if k < len(sc.s) && sc.s[k] != ',' {
		return "", false
	}
	sc.i = k
	return sc.s[start:j], true
}

// quoted reads a quoted-string and returns it unescaped.
func (sc *challengeScanner) quoted() (string, error) {
	sc.i++ // the opening quote
	var b strings.Builder
	for sc.i < len(sc.s) {
		ch := sc.s[sc.i]
		switch {
		case ch == '"':
			sc.i++
			return b.String(), nil
		case ch == '\\':
			if sc.i+1 >= len(sc.s) {
				return "", sc.errorf("unfinished escape")
			}
			sc.i++
			ch = sc.s[sc.i]
			if !isQuotedChar(ch) && ch != '"' && ch != '\\' {
				return "", sc.errorf("invalid escaped character")
			}
		case !isQuotedChar(ch):
			return "", sc.errorf("invalid character in quoted string")
		}
		b.WriteByte(ch)
		sc.i++
	}
	return "", sc.errorf("unterminated quoted string")
}

func (sc *challengeScanner) token() string {
	start := sc.i
	for sc.i < len(sc.s) && isTokenChar(sc.s[sc.i]) {
		sc.i++
	}
	return sc.s[start:sc.i]
}

func (sc *challengeScanner) skipSpace() int {
	start := sc.i
	for sc.i < len(sc.s) && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t') {
		sc.i++
	}
	return sc.i - start
}

func (sc *challengeScanner) skipListSeparators() {
	for sc.i < len(sc.s) && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t' || sc.s[sc.i] == ',') {
		sc.i++
	}
}

func (sc *challengeScanner) done() bool { return sc.i >= len(sc.s) }
func (sc *challengeScanner) peek() byte { return sc.s[sc.i] }

// isTokenChar: tchar of RFC 9110 section 5.6.2.
func isTokenChar(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isToken68Char(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}

// isQuotedChar: qdtext and the characters quoted-pair may escape (HTAB,
// SP, VCHAR, obs-text), less DQUOTE and backslash.
func isQuotedChar(c byte) bool {
	return c == '\t' || c == ' ' || c == 0x21 || (0x23 <= c && c <= 0x5b) || (0x5d <= c && c <= 0x7e) || c >= 0x80
}
