package oauthtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// FuzzDPoPProof sends arbitrary DPoP headers, and proofs built from
// arbitrary claims, to the token endpoint and the resource: the server
// must never panic, always answer with JSON, and bind a token only to a
// proof it verified.
func FuzzDPoPProof(f *testing.F) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	key, err := jose.NewKey(ec, "", jose.ES256)
	if err != nil {
		f.Fatal(err)
	}
	jwk, err := key.PublicJWK()
	if err != nil {
		f.Fatal(err)
	}
	s := NewUnstartedServer()
	s.URL = "http://auth.example"
	s.RegisterClient(Client{ID: "client", Secret: "secret"})
	h := s.Handler()
	f.Add("x.y.z", `{"htm":"POST","htu":"http://auth.example/token","iat":1,"jti":"j"}`)
	f.Add("", `{"htm":"POST","htu":"http://auth.example/token","jti":"k"}`)
	f.Add("", `{"htm":"POST","htu":"http://AUTH.example/token/","iat":9999999999,"jti":"l","ath":"x"}`)
	f.Add("eyJhbGciOiJub25lIn0.e30.", `[]`)
	f.Fuzz(func(t *testing.T, header, claims string) {
		if header == "" {
			// A proof signed by a real key, with the fuzzer's claims and the
			// current iat when they have none.
			var m map[string]any
			if json.Unmarshal([]byte(claims), &m) == nil && m != nil {
				if _, ok := m["iat"]; !ok {
					m["iat"] = time.Now().Unix()
				}
				header, _ = jose.Sign(key, "", map[string]any{"typ": "dpop+jwt", "jwk": json.RawMessage(jwk)}, m)
			}
		}
		req := httptest.NewRequest(http.MethodPost, "http://auth.example/token", strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("client", "secret")
		req.Header.Set("DPoP", header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("HTTP %d body %q is not JSON: %v", rec.Code, rec.Body.Bytes(), err)
		}
		if rec.Code == http.StatusOK {
			if v["token_type"] != "DPoP" {
				t.Fatalf("a proof was taken for none: %s", rec.Body.Bytes())
			}
			if _, err := jose.Verify(t.Context(), header, &jose.KeySet{Keys: []*jose.Key{key.Public()}},
				jose.VerifyOptions{Algorithms: []string{jose.ES256}}); err != nil {
				t.Fatalf("bound a token to a proof that does not verify: %v", err)
			}
			return
		}
		if v["error"] == nil {
			t.Fatalf("HTTP %d without error code: %s", rec.Code, rec.Body.Bytes())
		}
	})
}
