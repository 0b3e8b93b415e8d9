package oauthkit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// GenerateCodeVerifier returns a new PKCE code verifier: 32 bytes from
// crypto/rand, base64url-encoded to 43 characters (RFC 7636 section 4.1).
func GenerateCodeVerifier() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CodeChallengeS256 returns the S256 code challenge of verifier (RFC 7636
// section 4.2).
func CodeChallengeS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// checkCodeVerifier enforces RFC 7636 section 4.1: 43 to 128 characters
// from the unreserved set [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
func checkCodeVerifier(v string) error {
	if len(v) < 43 || len(v) > 128 {
		return fmt.Errorf("%w: length %d, want 43 to 128", ErrInvalidCodeVerifier, len(v))
	}
	for i := 0; i < len(v); i++ {
		if !isUnreserved(v[i]) {
			return fmt.Errorf("%w: character %q at %d is not unreserved", ErrInvalidCodeVerifier, v[i], i)
		}
	}
	return nil
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
