package oauthtest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// PKCE code challenge methods (RFC 7636 §4.2).
const (
	pkceS256  = "S256"
	pkcePlain = "plain"
)

// validPKCEString reports whether s is 43 to 128 unreserved characters, the
// syntax of both code_verifier (RFC 7636 §4.1) and code_challenge (§4.2).
func validPKCEString(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		ok := b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' ||
			b == '-' || b == '.' || b == '_' || b == '~'
		if !ok {
			return false
		}
	}
	return true
}

// checkChallenge validates the PKCE parameters of an authorization request
// and returns the method, defaulting to plain (RFC 7636 §4.3).
func checkChallenge(c *Client, challenge, method string) (string, *oauthError) {
	if challenge == "" {
		if method != "" {
			return "", errorf(errInvalidRequest, "code_challenge_method without code_challenge")
		}
		if c.requirePKCE() {
			return "", errorf(errInvalidRequest, "code_challenge required")
		}
		return "", nil
	}
	if method == "" {
		method = pkcePlain
	}
	if method != pkceS256 && method != pkcePlain {
		// RFC 7636 §4.4.1.
		return "", errorf(errInvalidRequest, "unsupported code_challenge_method %q", method)
	}
	if !validPKCEString(challenge) {
		return "", errorf(errInvalidRequest, "malformed code_challenge")
	}
	return method, nil
}

// verifyPKCE checks a code_verifier against the stored challenge
// (RFC 7636 §4.6). A verifier sent for a code issued without a challenge is
// refused too, to prevent PKCE downgrade (RFC 9700 §2.1.1).
func verifyPKCE(challenge, method, verifier string) *oauthError {
	switch {
	case challenge == "" && verifier == "":
		return nil
	case challenge == "":
		return errorf(errInvalidGrant, "code_verifier sent but no code_challenge was")
	case verifier == "":
		return errorf(errInvalidGrant, "code_verifier required")
	case !validPKCEString(verifier):
		return errorf(errInvalidGrant, "malformed code_verifier")
	}
	want := verifier
	if method == pkceS256 {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) != 1 {
		return errorf(errInvalidGrant, "code_verifier does not match code_challenge")
	}
	return nil
}
