package oauthkit

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseWWWAuthenticate feeds arbitrary WWW-Authenticate values to the
// parser: it must never panic, and what it accepts must survive being
// written back out and parsed again unchanged.
func FuzzParseWWWAuthenticate(f *testing.F) {
	f.Add(`Bearer realm="example", error="invalid_token", error_description="The access token expired"`)
	f.Add(`DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`)
	f.Add(`Bearer realm="x", scope="a b", DPoP algs="ES256 PS256", error=invalid_dpop_proof`)
	f.Add(`Negotiate abc+/def==, Basic, Bearer`)
	f.Add(` Bearer  REALM = "a \"q\" \\ b" ,, Error="invalid_token"  `)
	f.Add(`Bearer error="a", error="b"`)
	f.Fuzz(func(t *testing.T, v string) {
		got, err := ParseWWWAuthenticate(http.Header{"Www-Authenticate": {v}})
		if err != nil {
			if got != nil {
				t.Fatalf("challenges %v with error %v", got, err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatalf("no challenges and no error for %q", v)
		}
		again, err := ParseWWWAuthenticate(http.Header{"Www-Authenticate": {formatChallenges(got)}})
		if err != nil || !reflect.DeepEqual(got, again) {
			t.Fatalf("round trip of %q: %+v, then %+v (%v)", v, got, again, err)
		}
		for _, c := range got {
			if c.Scheme == "" || c.Params["error"] != c.Error || c.Params["realm"] != c.Realm {
				t.Fatalf("inconsistent challenge %+v", c)
			}
		}
	})
}

// formatChallenges writes challenges back in a canonical form.
func formatChallenges(cs []Challenge) string {
	var parts []string
	for _, c := range cs {
		s := c.Scheme
		switch {
		case c.Token68 != "":
			s += " " + c.Token68
		case len(c.Params) > 0:
			var ps []string
			for k, v := range c.Params {
				ps = append(ps, k+"="+quoteParam(v))
			}
			s += " " + strings.Join(ps, ", ")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func quoteParam(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}
