package oidc

import "testing"

// TestScanIDClaims checks which claims sets the scan reads itself and
// which it leaves to jose.DecodeClaims (FuzzScanIDClaims checks that what
// it reads, it reads right).
func TestScanIDClaims(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		payload string
		want    bool
	}{
		{`{"iss":"i","aud":"c","sub":"s","exp":1772370000,"iat":1772366340}`, true},
		{`{"iss":"i","aud":["c","d"],"azp":"c","sub":"s","exp":1.5,"iat":1,"amr":["pwd"],"email_verified":"true","custom":{"x":[1,"\u0041"]}}`, true},
		{`{"sub":"s","SUB":"t"}`, true}, // "SUB" binds nothing, here as there
		{`{"s\u0075b":"s"}`, false},     // an escaped name
		{`{"sub":"s","sub":"t"}`, false},
		{`{"iss":"a\"b"}`, false},
		{`{"exp":"1"}`, false},
		{`{"email_verified":1}`, false},
		{`{"aud":["a",1]}`, false},
		{`{"iss":"i",}`, false}, // not JSON
	} {
		var c idClaims
		if got := scanIDClaims([]byte(tt.payload), &c); got != tt.want {
			t.Errorf("scanIDClaims(%s) = %v, want %v", tt.payload, got, tt.want)
		}
	}
}
