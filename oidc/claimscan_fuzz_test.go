package oidc

import (
	"reflect"
	"testing"

	"github.com/oauthkit/oauthkit/jose"
)

// FuzzScanIDClaims checks the reflection-free claims reader against
// jose.DecodeClaims: whatever the scan accepts, DecodeClaims accepts and
// decodes the same way.
func FuzzScanIDClaims(f *testing.F) {
	for _, payload := range []string{
		`{"iss":"https://issuer.example.com","aud":"client-1","sub":"248289761001","exp":1772370000,"iat":1772366340}`,
		`{"iss":"i","aud":["a","b"],"azp":"a","sub":"s","exp":1.5,"iat":-2,"nbf":null,"auth_time":1e3,"nonce":"n","amr":["pwd","otp"],"acr":"1"}`,
		`{"sub":"s","email":"e@example.com","email_verified":"true","name":"Jané","picture":null,"extra":{"a":[1,{"b":"\u0041"}]},"x":true}`,
		`{"sub":"s","email_verified":"yes"}`,
		`{"sub":"s","SUB":"t","ſub":"u"}`,
		`{"s\u0075b":"s"}`,
		`{"sub":"s","sub":"t"}`,
		`{"x":1,"x":2}`,
		`{"aud":[],"amr":null,"exp":"1"}`,
		`{"aud":["a\"b"]}`,
		`{"exp":1e400}`,
		`{}`,
		`[]`,
		`{"sub":"\xff"}`,
	} {
		f.Add(payload)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		var fast idClaims
		if !scanIDClaims([]byte(payload), &fast) {
			return
		}
		var slow idClaims
		if err := jose.DecodeClaims([]byte(payload), &slow); err != nil {
			t.Fatalf("scan accepted %q, DecodeClaims: %v", payload, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("scan read %+v, DecodeClaims %+v", fast, slow)
		}
	})
}
