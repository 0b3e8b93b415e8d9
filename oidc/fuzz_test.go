package oidc

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/oauthkit/oauthkit/jose"
)

func FuzzMetadata(f *testing.F) {
	f.Add([]byte(`{"issuer":"https://a","jwks_uri":"https://a/k","scopes_supported":["openid"],"x":{"y":1}}`))
	f.Add([]byte(`{"issuer":42}`))
	f.Add([]byte(`{"issuer":"https://a","authorization_response_iss_parameter_supported":"yes"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Metadata
		if err := json.Unmarshal(data, &m); err != nil {
			return
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("Marshal of a decoded document: %v", err)
		}
		var m2 Metadata
		if err := json.Unmarshal(b, &m2); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		if m2.Issuer != m.Issuer || m2.JWKSURL != m.JWKSURL || len(m2.Extra) != len(m.Extra) {
			t.Fatalf("round trip changed the document: %+v != %+v", m2, m)
		}
		_ = checkDiscoveredIssuer("https://a", m.Issuer, TenantIssuer("https://{tenantid}"))
	})
}

// FuzzVerify_claims signs arbitrary payloads, so that the claim decoding
// and checks see any JSON, and checks that an accepted token is
// consistent.
func FuzzVerify_claims(f *testing.F) {
	good, _ := json.Marshal(baseClaims())
	f.Add(good)
	f.Add([]byte(`{"iss":"https://issuer.example.com","sub":"s","aud":["client-1","x"],"azp":"client-1","exp":1e30,"iat":-1e30}`))
	f.Add([]byte(`{"aud":null,"exp":null,"email_verified":"true","amr":"pwd"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`not json`))
	// Claim names given twice or in another case satisfy no check.
	f.Add([]byte(`{"iss":"https://issuer.example.com","sub":"s","aud":"evil","aud":"client-1","exp":1e12,"iat":1,"nonce":"n-0S6_WzA2Mj"}`))
	f.Add([]byte(`{"iss":"https://issuer.example.com","sub":"s","AUD":"client-1","aud":"evil","exp":1e12,"iat":1,"nonce":"n-0S6_WzA2Mj"}`))
	f.Add([]byte(`{"ISS":"https://issuer.example.com","Sub":"s","Aud":"client-1","EXP":1e12,"iat":1,"Nonce":"n-0S6_WzA2Mj"}`))
	f.Add([]byte(`{"iss":"https://issuer.example.com","sub":"s","\u0061ud":"client-1","aud":"client-1","exp":1e12,"iat":1}`))
	keys := publicSet(testES256())
	f.Fuzz(func(t *testing.T, payload []byte) {
		raw, err := jose.Sign(testES256(), "", nil, payload)
		if err != nil {
			return
		}
		v := newVerifier(keys, VerifierConfig{Algorithms: []string{jose.ES256}})
		tok, err := v.Verify(t.Context(), raw, ExpectNonce("n-0S6_WzA2Mj"))
		if err != nil {
			return
		}
		if tok.Issuer != testIssuer || tok.Subject == "" || tok.Nonce != "n-0S6_WzA2Mj" || tok.Expiry.Before(testNow.Add(-defaultLeeway)) {
			t.Fatalf("accepted an inconsistent token: %+v", tok)
		}
		var m map[string]any
		if err := tok.Claims(&m); err != nil {
			t.Fatalf("Claims() of an accepted token: %v", err)
		}
		// What was checked is what the exact members say.
		var aud audience
		b, _ := json.Marshal(m["aud"])
		if m["iss"] != testIssuer || m["sub"] != tok.Subject || json.Unmarshal(b, &aud) != nil || !slices.Contains(aud, testClientID) {
			t.Fatalf("accepted a token whose exact claims are %v", m)
		}
	})
}

// FuzzVerify_token feeds arbitrary compact tokens to Verify.
func FuzzVerify_token(f *testing.F) {
	for _, c := range []map[string]any{baseClaims(), with(baseClaims(), map[string]any{"aud": 1})} {
		b, _ := json.Marshal(c)
		raw, err := jose.Sign(testES256(), "", nil, b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Add("")
	keys := publicSet(testES256())
	f.Fuzz(func(t *testing.T, raw string) {
		v := newVerifier(keys, VerifierConfig{Algorithms: []string{jose.ES256}})
		tok, err := v.Verify(t.Context(), raw)
		if err == nil && (tok.Issuer != testIssuer || tok.Raw != raw) {
			t.Fatalf("accepted an inconsistent token: %+v", tok)
		}
	})
}
