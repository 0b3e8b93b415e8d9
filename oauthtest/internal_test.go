package oauthtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
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

func TestTokenHash(t *testing.T) {
	t.Parallel()
	tests := []struct{ alg, value, want string }{
		// OpenID Connect Core 1.0 Appendix A.3 and A.4.
		{"RS256", "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "77QmUPtjPfzWtF2AnpK9RQ"},
		{"RS256", "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", "LDktKdoQak3Pk0cnXxCltA"},
	}
	for _, tc := range tests {
		if got := tokenHash(tc.alg, tc.value); got != tc.want {
			t.Errorf("tokenHash(%s, %q) = %q; want %q", tc.alg, tc.value, got, tc.want)
		}
	}
	// Lengths: half of SHA-256, SHA-384 and SHA-512, base64url.
	for alg, n := range map[string]int{"ES256": 22, "PS384": 32, "ES512": 43, "EdDSA": 43, "RS512": 43} {
		if got := tokenHash(alg, "x"); len(got) != n {
			t.Errorf("len(tokenHash(%s)) = %d; want %d", alg, len(got), n)
		}
	}
}

func TestParseResponseType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   responseType
		wantOK bool
	}{
		{"code", responseType{code: true}, true},
		{"id_token token", responseType{token: true, idToken: true}, true},
		{"token code id_token", responseType{true, true, true}, true},
		{"", responseType{}, false},
		{"code code", responseType{}, false},
		{"code ", responseType{}, false},
		{"Code", responseType{}, false},
		{"none", responseType{}, false},
	}
	for _, tc := range tests {
		got, ok := parseResponseType(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("parseResponseType(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestAudience_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    audience
		wantErr bool
	}{
		{`"a"`, audience{"a"}, false},
		{`["a","b"]`, audience{"a", "b"}, false},
		{`[]`, audience{}, false},
		{`1`, nil, true},
		{`["a",1]`, nil, true},
	}
	for _, tc := range tests {
		var got audience
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.wantErr || (!tc.wantErr && !slices.Equal(got, tc.want)) {
			t.Errorf("unmarshal %s = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestUseJTI_forgetsExpired(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewUnstartedServer()
	s.Now = func() time.Time { return now }
	if !s.useJTI("a", "1", now.Add(time.Minute)) || s.useJTI("a", "1", now.Add(time.Minute)) {
		t.Fatalf("useJTI did not detect the replay")
	}
	if !s.useJTI("b", "1", now.Add(time.Minute)) {
		t.Errorf("jti of another issuer refused")
	}
	now = now.Add(time.Minute)
	if !s.useJTI("a", "1", now.Add(time.Minute)) || len(s.jtis) != 1 {
		t.Errorf("expired jti not forgotten: %v", s.jtis)
	}
}
