package oidc

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// An ID token whose claims come twice, or under another case, satisfies
// no check: what is checked is what the issuer's exact members say.
func TestVerifier_Verify_strictClaimNames(t *testing.T) {
	t.Parallel()
	const rest = `"iss":"https://issuer.example.com","sub":"user-1","exp":%d,"iat":%d`
	exp, iat := testNow.Add(time.Hour).Unix(), testNow.Unix()
	tests := []struct {
		name    string
		claims  string
		wantErr error
	}{
		{"exact", `{"aud":"client-1",` + rest + `}`, nil},
		{"aud twice", `{"aud":"client-1","aud":"client-1",` + rest + `}`, ErrMalformedClaims},
		{"aud twice, wrong first", `{"aud":"evil","aud":"client-1",` + rest + `}`, ErrMalformedClaims},
		{"aud twice, escaped", `{"aud":"evil","\u0061ud":"client-1",` + rest + `}`, ErrMalformedClaims},
		{"upper-case AUD only", `{"AUD":"client-1",` + rest + `}`, ErrMissingClaim},
		{"AUD after a wrong aud", `{"aud":"evil","AUD":"client-1",` + rest + `}`, ErrInvalidAudience},
		{"Aud before a wrong aud", `{"Aud":"client-1","aud":"evil",` + rest + `}`, ErrInvalidAudience},
		{"unicode-folded sub", `{"aud":"client-1","ſub":"user-1","iss":"https://issuer.example.com","exp":%d,"iat":%d}`, ErrMissingClaim},
		{"nonce in another case", `{"aud":"client-1","NONCE":"n-0S6_WzA2Mj",` + rest + `}`, ErrInvalidNonce},
	}
	v := newVerifier(publicSet(testES256()), VerifierConfig{Algorithms: []string{jose.ES256}})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := sign(t, testES256(), []byte(fmt.Sprintf(tc.claims, exp, iat)))
			opts := []VerifyOption{}
			if tc.wantErr == ErrInvalidNonce {
				opts = append(opts, ExpectNonce("n-0S6_WzA2Mj"))
			}
			_, err := v.Verify(t.Context(), raw, opts...)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("Verify(%s) = %v; want %v", tc.claims, err, tc.wantErr)
			}
		})
	}
}

// A userinfo answer with sub twice, or only under another case, does
// not pass the subject check.
func TestProvider_UserInfo_strictClaimNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body    string
		wantErr error
	}{
		{`{"sub":"user-2","sub":"user-1"}`, ErrMalformedClaims},
		{`{"SUB":"user-1"}`, ErrMissingClaim},
		{`{"sub":"user-2","Sub":"user-1"}`, ErrSubjectMismatch},
	} {
		srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(tc.body))
		}))
		p, err := NewProviderFromMetadata(&Metadata{Issuer: srv.URL, UserInfoEndpoint: srv.URL + "/userinfo"}, ProviderConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UserInfo(t.Context(), &oauthkit.Token{AccessToken: "a"}, "user-1"); !errors.Is(err, tc.wantErr) {
			t.Errorf("UserInfo(%s) = %v; want %v", tc.body, err, tc.wantErr)
		}
	}
}

// ID tokens signed with RSA keys under 2048 bits are refused unless the
// verifier opts in.
func TestVerifier_weakRSA(t *testing.T) {
	t.Parallel()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weak := &jose.Key{KeyID: "weak", Key: k, InsecureAllowWeakRSA: true}
	raw := sign(t, weak, baseClaims())
	keys := &jose.KeySet{Keys: []*jose.Key{{KeyID: "weak", Key: &k.PublicKey}}}
	_, err = newVerifier(keys, VerifierConfig{}).Verify(t.Context(), raw)
	if !errors.Is(err, ErrInvalidSignature) || !errors.Is(err, jose.ErrKeyTypeMismatch) {
		t.Errorf("Verify(1024-bit RSA) = %v; want %v and %v", err, ErrInvalidSignature, jose.ErrKeyTypeMismatch)
	}
	if _, err := newVerifier(keys, VerifierConfig{InsecureAllowWeakRSA: true}).Verify(t.Context(), raw); err != nil {
		t.Errorf("Verify(1024-bit RSA, InsecureAllowWeakRSA) = %v", err)
	}
}
