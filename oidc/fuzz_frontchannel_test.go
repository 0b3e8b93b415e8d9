package oidc

import (
	"encoding/json"
	"testing"
)

// FuzzJARMClaims feeds the response JWT claim parser any JSON and checks
// that what it accepts is consistent: required claims present, and no
// claim that is not a response parameter among the parameters.
func FuzzJARMClaims(f *testing.F) {
	good, _ := json.Marshal(jarmClaimsAt())
	f.Add(good)
	f.Add([]byte(`{"iss":"https://a","aud":["c","d"],"exp":1e300,"error":"access_denied","state":"s"}`))
	f.Add([]byte(`{"iss":"https://a","aud":"c","exp":"soon"}`))
	f.Add([]byte(`{"iss":"https://a","aud":"c","exp":1,"code":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		c, params, err := parseJARMClaims(payload)
		if err != nil {
			if c != nil || params != nil {
				t.Fatal("claims returned with an error")
			}
			return
		}
		if c.Iss == "" || len(c.Aud) == 0 || !c.Exp.set {
			t.Fatalf("accepted %s without iss, aud or exp", payload)
		}
		for _, k := range []string{"aud", "exp", "iat", "nbf", "jti"} {
			if params.Has(k) {
				t.Fatalf("parameter %q from %s", k, payload)
			}
		}
		if params.Get("iss") != c.Iss {
			t.Fatalf("iss parameter %q, claim %q", params.Get("iss"), c.Iss)
		}
	})
}

// FuzzJARMVerifier_VerifyResponseJWT signs arbitrary payloads, so that the
// whole verification sees any claims, and checks an accepted response.
func FuzzJARMVerifier_VerifyResponseJWT(f *testing.F) {
	good, _ := json.Marshal(jarmClaimsAt())
	f.Add(good)
	f.Add([]byte(`{"iss":"https://issuer.example.com","aud":"client-1","exp":1e12}`))
	key := testES256()
	v := NewJARMVerifier(testIssuer, testClientID, publicSet(key), JARMConfig{Algorithms: []string{"ES256"}, Now: fixedNow})
	f.Fuzz(func(t *testing.T, payload []byte) {
		tok := sign(t, key, json.RawMessage(payload))
		params, err := v.VerifyResponseJWT(t.Context(), tok)
		if err != nil {
			return
		}
		if params.Get("iss") != testIssuer {
			t.Fatalf("accepted a response of issuer %q", params.Get("iss"))
		}
	})
}

// FuzzLogoutClaims feeds the logout token claim parser any JSON and
// checks that what it accepts is a logout token: iss, aud, iat, jti, sub
// or sid, the event, and no nonce.
func FuzzLogoutClaims(f *testing.F) {
	good, _ := json.Marshal(logoutClaimsAt())
	f.Add(good)
	f.Add([]byte(`{"iss":"i","aud":["a"],"iat":1,"jti":"j","sid":"s","events":{"http://schemas.openid.net/event/backchannel-logout":{}},"nonce":null}`))
	f.Add([]byte(`{"iss":"i","aud":"a","iat":1,"jti":"j","sub":"s","events":{"http://schemas.openid.net/event/backchannel-logout":[]}}`))
	f.Add([]byte(`{"events":null}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		c, err := parseLogoutClaims(payload)
		if err != nil {
			if c != nil {
				t.Fatal("claims returned with an error")
			}
			return
		}
		if c.Iss == "" || len(c.Aud) == 0 || !c.Iat.set || c.Jti == "" || (c.Sub == "" && c.Sid == "") || c.Nonce != nil {
			t.Fatalf("accepted %s", payload)
		}
		if !isJSONObject(c.Events[BackChannelLogoutEvent]) {
			t.Fatalf("accepted %s without the event", payload)
		}
	})
}

// FuzzLogoutTokenVerifier_Verify signs arbitrary payloads and checks that
// an accepted token names the issuer, the client and a user or session.
func FuzzLogoutTokenVerifier_Verify(f *testing.F) {
	good, _ := json.Marshal(logoutClaimsAt())
	f.Add(good)
	key := testES256()
	f.Fuzz(func(t *testing.T, payload []byte) {
		v := newLogoutVerifier()
		lt, err := v.Verify(t.Context(), sign(t, key, json.RawMessage(payload)))
		if err != nil {
			return
		}
		if lt.Issuer != testIssuer || (lt.Subject == "" && lt.SessionID == "") {
			t.Fatalf("accepted %+v", lt)
		}
		if _, err := v.Verify(t.Context(), lt.Raw); err == nil {
			t.Fatal("the same token accepted twice")
		}
	})
}
