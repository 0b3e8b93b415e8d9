// Package jsonscan reads the plain parts of JSON documents without
// reflection, for the fast paths of decoders that fall back to
// encoding/json for everything else. Each function reads one token at an
// index and reports false for anything it does not take as is; none of
// them allocates.
package jsonscan

import (
	"bytes"
	"math"
	"unicode/utf8"
)

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace (RFC 8259 section 2).
func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// String reads the JSON string at b[i] when it needs no decoding: no
// escapes, no control characters, valid UTF-8, so that its contents are
// b[start:end] as they are. next is the index after the closing quote.
func String(b []byte, i int) (start, end, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, 0, i, false
	}
	n := bytes.IndexByte(b[i+1:], '"')
	if n < 0 {
		return 0, 0, i, false
	}
	start, end = i+1, i+1+n
	ascii := true
	for _, c := range b[start:end] {
		if notPlain[c] {
			if c < utf8.RuneSelf {
				return 0, 0, i, false // a control character or an escape
			}
			ascii = false
		}
	}
	return start, end, end + 1, ascii || utf8.Valid(b[start:end])
}

// notPlain marks the bytes of a JSON string that String looks at
// closely: control characters and the backslash, which it refuses, and
// the bytes of non-ASCII characters, which must be valid UTF-8.
var notPlain = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

// Int reads the JSON integer at b[i] (RFC 8259 section 6: an optional
// minus, no leading zero, no fraction or exponent) that fits an int64.
// next is the index after it.
func Int(b []byte, i int) (n int64, next int, ok bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	digits := i
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
	return n, i, true
}

// Literal reports whether the JSON literal lit ("true", "false", "null")
// is at b[i], and returns the index after it.
func Literal(b []byte, i int, lit string) (next int, ok bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// ValueEnd returns the index just past the JSON value at b[i], in a
// document that [encoding/json.Valid] has accepted: it finds the end of a
// value, it does not check it.
func ValueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return StringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = StringEnd(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && !isDelimiter(b[j]) {
		j++
	}
	return j
}

// StringEnd returns the index just past the JSON string at b[i], escapes
// and all, or len(b) when it does not end.
func StringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// isDelimiter reports whether c ends a number or a literal.
func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}
