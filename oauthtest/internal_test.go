package oauthtest

import (
	"net/http"
	"strings"
	"testing"
)

func TestValidPKCEString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{strings.Repeat("a", 42), false},
		{strings.Repeat("a", 43), true},
		{strings.Repeat("-._~", 32), true},
		{strings.Repeat("a", 129), false},
		{strings.Repeat("a", 42) + "+", false},
		{strings.Repeat("a", 42) + "=", false},
	}
	for _, tc := range tests {
		if got := validPKCEString(tc.in); got != tc.want {
			t.Errorf("validPKCEString(%q) = %v; want %v", tc.in, got, tc.want)
		}
	}
}

func TestVerifyPKCE_rfc7636Vector(t *testing.T) {
	t.Parallel()
	// RFC 7636 Appendix B.
	const (
		verifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
		challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	)
	if e := verifyPKCE(challenge, pkceS256, verifier); e != nil {
		t.Errorf("verifyPKCE(S256) = %v; want nil", e)
	}
	if e := verifyPKCE(challenge, pkcePlain, verifier); e == nil || e.code != errInvalidGrant {
		t.Errorf("verifyPKCE(plain, wrong) = %v; want invalid_grant", e)
	}
}

func TestGrantedScope(t *testing.T) {
	t.Parallel()
	c := &Client{Scopes: []string{"a", "b"}}
	tests := []struct {
		requested string
		want      string
		wantCode  string
	}{
		{"", "a b", ""},
		{"b a b", "b a", ""},
		{"c", "", errInvalidScope},
		{"a\x7f", "", errInvalidScope},
	}
	for _, tc := range tests {
		got, e := grantedScope(c, tc.requested)
		code := ""
		if e != nil {
			code = e.code
		}
		if got != tc.want || code != tc.wantCode {
			t.Errorf("grantedScope(%q) = %q, %q; want %q, %q", tc.requested, got, code, tc.want, tc.wantCode)
		}
	}
}

func TestNewUserCode(t *testing.T) {
	t.Parallel()
	code := newUserCode()
	if len(code) != 9 || code[4] != '-' || strings.ContainsAny(code, "AEIOUY0123456789") {
		t.Errorf("newUserCode() = %q; want XXXX-XXXX of consonants", code)
	}
	if got := normalizeUserCode(" bcdf-ghjk "); got != "BCDFGHJK" {
		t.Errorf("normalizeUserCode = %q", got)
	}
}

func TestBasicCredentials(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest(http.MethodPost, "/", nil)
	req.SetBasicAuth("my%20app", "s%2Bcret")
	cr, e := basicCredentials(req)
	if e != nil || cr.id != "my app" || cr.secret != "s+cret" {
		t.Errorf("basicCredentials = %+v, %v; want decoded id and secret", cr, e)
	}
	req.SetBasicAuth("bad%zz", "x")
	if _, e := basicCredentials(req); e == nil || e.code != errInvalidClient {
		t.Errorf("basicCredentials(bad escape) = %v; want invalid_client", e)
	}
}
