package oauthkit

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseWWWAuthenticate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		want   []Challenge
	}{
		{
			name:   "rfc 6750 invalid token",
			values: []string{`Bearer realm="example", error="invalid_token", error_description="The access token expired"`},
			want: []Challenge{{Scheme: "Bearer", Realm: "example", Error: ErrorCodeInvalidToken, ErrorDescription: "The access token expired",
				Params: map[string]string{"realm": "example", "error": "invalid_token", "error_description": "The access token expired"}}},
		},
		{
			name:   "no error when no credentials",
			values: []string{`Bearer realm="example"`},
			want:   []Challenge{{Scheme: "Bearer", Realm: "example", Params: map[string]string{"realm": "example"}}},
		},
		{
			name:   "bare scheme",
			values: []string{`Bearer`},
			want:   []Challenge{{Scheme: "Bearer"}},
		},
		{
			name:   "rfc 9449 use_dpop_nonce",
			values: []string{`DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`},
			want: []Challenge{{Scheme: "DPoP", Error: ErrorCodeUseDPoPNonce, ErrorDescription: "Resource server requires nonce in DPoP proof",
				Params: map[string]string{"error": "use_dpop_nonce", "error_description": "Resource server requires nonce in DPoP proof"}}},
		},
		{
			name:   "two schemes in one header, algs and token values",
			values: []string{`Bearer realm="x", scope="a b", DPoP algs="ES256 PS256", error=invalid_dpop_proof`},
			want: []Challenge{
				{Scheme: "Bearer", Realm: "x", Scope: "a b", Params: map[string]string{"realm": "x", "scope": "a b"}},
				{Scheme: "DPoP", Algs: []string{"ES256", "PS256"}, Error: ErrorCodeInvalidDPoPProof,
					Params: map[string]string{"algs": "ES256 PS256", "error": "invalid_dpop_proof"}},
			},
		},
		{
			name:   "two headers",
			values: []string{`Basic realm="r"`, `bearer error="insufficient_scope", scope="admin"`},
			want: []Challenge{
				{Scheme: "Basic", Realm: "r", Params: map[string]string{"realm": "r"}},
				{Scheme: "bearer", Error: ErrorCodeInsufficientScope, Scope: "admin", Params: map[string]string{"error": "insufficient_scope", "scope": "admin"}},
			},
		},
		{
			name:   "escapes, case and spacing",
			values: []string{` Bearer  REALM = "a \"q\" \\ b" ,, Error="invalid_token"  `},
			want: []Challenge{{Scheme: "Bearer", Realm: `a "q" \ b`, Error: "invalid_token",
				Params: map[string]string{"realm": `a "q" \ b`, "error": "invalid_token"}}},
		},
		{
			name:   "token68",
			values: []string{`Negotiate abc+/def==, Bearer`},
			want:   []Challenge{{Scheme: "Negotiate", Token68: "abc+/def=="}, {Scheme: "Bearer"}},
		},
		{
			name:   "schemes without parameters",
			values: []string{`Basic, Bearer, DPoP algs="EdDSA"`},
			want: []Challenge{{Scheme: "Basic"}, {Scheme: "Bearer"},
				{Scheme: "DPoP", Algs: []string{"EdDSA"}, Params: map[string]string{"algs": "EdDSA"}}},
		},
		{name: "no header", values: nil, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{"Www-Authenticate": tt.values}
			got, err := ParseWWWAuthenticate(h)
			if err != nil {
				t.Fatalf("ParseWWWAuthenticate(%q) = %v", tt.values, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseWWWAuthenticate(%q) (-want +got):\n%s", tt.values, diff)
			}
		})
	}
}

func TestParseWWWAuthenticate_malformed(t *testing.T) {
	t.Parallel()
	for _, v := range []string{
		``,
		`,`,
		`"Bearer"`,
		`Bearer realm x`,
		`Bearer a=b=c`,
		`Bearer realm="unterminated`,
		`Bearer realm="bad \`,
		`Bearer error="a", error="b"`,
		`Bearer realm="a" error="b"`,
		`Bearer realm="x", =y`,
		"Bearer realm=\"ctl\x01\"",
		`Bearer error="a";`,
	} {
		_, err := ParseWWWAuthenticate(http.Header{"Www-Authenticate": {v}})
		if !errors.Is(err, ErrMalformedChallenge) {
			t.Errorf("ParseWWWAuthenticate(%q) = %v; want %v", v, err, ErrMalformedChallenge)
		}
	}
}

func TestChallenge_Is(t *testing.T) {
	t.Parallel()
	c := Challenge{Scheme: "dpop"}
	if !c.Is("DPoP") || c.Is("Bearer") {
		t.Errorf("Challenge{dpop}.Is: wrong answer")
	}
}
