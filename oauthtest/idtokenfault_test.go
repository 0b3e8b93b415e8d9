package oauthtest_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// faultResult is an ID token issued under a fault, in a "code id_token
// token" response.
type faultResult struct {
	srv       *oauthtest.Server
	client    oauthtest.Client
	now       time.Time
	params    url.Values // the authorization response
	token     string
	header    jose.Header // unverified
	claims    map[string]any
	verifyErr error // verifying with the published JWKS and RS256
}

type faultCase struct {
	name  string
	fault oauthtest.IDTokenFault
	check func(t *testing.T, r faultResult)
}

func (tc faultCase) run(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	srv.InjectIDTokenFault(tc.fault)
	q := fragment(t, authorize(t, srv, oidcParams(c, "code id_token token")))
	r := faultResult{srv: srv, client: c, now: clk.Now(), params: q, token: q.Get("id_token")}
	r.header, r.claims = unverified(t, r.token)
	_, r.verifyErr = jose.Verify(t.Context(), r.token, fetchJWKS(t, srv), jose.VerifyOptions{Algorithms: []string{jose.RS256}})
	tc.check(t, r)
}

// signed checks that the token's signature is good and that claim is
// want; nil want means the claim is absent.
func signed(claim string, want func(r faultResult) any) func(*testing.T, faultResult) {
	return func(t *testing.T, r faultResult) {
		t.Helper()
		if r.verifyErr != nil {
			t.Fatalf("signature check failed: %v", r.verifyErr)
		}
		got, ok := r.claims[claim]
		w := want(r)
		switch {
		case w == nil && ok:
			t.Errorf("claim %s = %v; want none", claim, got)
		case w != nil && !equalJSON(got, w):
			t.Errorf("claim %s = %v; want %v", claim, got, w)
		}
	}
}

func equalJSON(a, b any) bool {
	if al, ok := a.([]any); ok {
		bl, _ := b.([]any)
		return slices.Equal(al, bl)
	}
	return a == b
}

func verifyFails(want error) func(*testing.T, faultResult) {
	return func(t *testing.T, r faultResult) {
		t.Helper()
		if !errors.Is(r.verifyErr, want) {
			t.Errorf("Verify() = %v; want %v", r.verifyErr, want)
		}
	}
}

func constant(v any) func(faultResult) any { return func(faultResult) any { return v } }

func TestIDTokenFault(t *testing.T) {
	t.Parallel()
	tests := []faultCase{
		{name: "bad signature", fault: oauthtest.IDTokenFault{BadSignature: true}, check: verifyFails(jose.ErrInvalidSignature)},
		{name: "alg none", fault: oauthtest.IDTokenFault{AlgNone: true}, check: func(t *testing.T, r faultResult) {
			if r.verifyErr == nil {
				t.Errorf("Verify() accepted an unsecured token")
			}
			if r.header.Algorithm != "none" || !strings.HasSuffix(r.token, ".") || r.claims["sub"] != "user-1" {
				t.Errorf("token %q; want an unsecured JWT", r.token)
			}
		}},
		{name: "HMAC with public key", fault: oauthtest.IDTokenFault{HMACWithPublicKey: true}, check: checkHMACConfusion},
		{name: "no kid", fault: oauthtest.IDTokenFault{NoKeyID: true}, check: func(t *testing.T, r faultResult) {
			if r.header.KeyID != "" || r.verifyErr != nil {
				t.Errorf("kid %q, Verify() = %v; want no kid and a good signature", r.header.KeyID, r.verifyErr)
			}
		}},
		{name: "unpublished key", fault: oauthtest.IDTokenFault{SignWithUnpublishedKey: true}, check: func(t *testing.T, r faultResult) {
			verifyFails(jose.ErrNoMatchingKey)(t, r)
			if r.header.KeyID == "" || r.header.Algorithm != jose.RS256 {
				t.Errorf("header %+v; want RS256 with a kid", r.header)
			}
		}},
		{name: "wrong issuer", fault: oauthtest.IDTokenFault{WrongIssuer: true},
			check: signed("iss", func(r faultResult) any { return r.srv.URL + "/wrong" })},
		{name: "wrong audience", fault: oauthtest.IDTokenFault{WrongAudience: true}, check: signed("aud", constant("wrong-client"))},
		{name: "extra audience", fault: oauthtest.IDTokenFault{ExtraAudience: "other"}, check: func(t *testing.T, r faultResult) {
			signed("aud", func(r faultResult) any { return []any{r.client.ID, "other"} })(t, r)
			signed("azp", func(r faultResult) any { return r.client.ID })(t, r)
		}},
		{name: "extra audience without azp", fault: oauthtest.IDTokenFault{ExtraAudience: "other", OmitClaims: []string{"azp"}},
			check: signed("azp", constant(nil))},
		{name: "wrong azp", fault: oauthtest.IDTokenFault{WrongAZP: true}, check: signed("azp", constant("wrong-client"))},
		{name: "wrong nonce", fault: oauthtest.IDTokenFault{WrongNonce: true}, check: signed("nonce", constant("wrong-value"))},
		{name: "omit nonce", fault: oauthtest.IDTokenFault{OmitNonce: true}, check: signed("nonce", constant(nil))},
		{name: "wrong at_hash", fault: oauthtest.IDTokenFault{WrongAtHash: true}, check: signed("at_hash", constant(leftHash("RS256", "wrong-value")))},
		{name: "omit at_hash", fault: oauthtest.IDTokenFault{OmitAtHash: true}, check: signed("at_hash", constant(nil))},
		{name: "wrong c_hash", fault: oauthtest.IDTokenFault{WrongCHash: true}, check: signed("c_hash", constant(leftHash("RS256", "wrong-value")))},
		{name: "omit c_hash", fault: oauthtest.IDTokenFault{OmitCHash: true}, check: signed("c_hash", constant(nil))},
		{name: "expired", fault: oauthtest.IDTokenFault{Expired: true},
			check: signed("exp", func(r faultResult) any { return unix(r.now.Add(-time.Hour)) })},
		{name: "issued in future", fault: oauthtest.IDTokenFault{IssuedInFuture: true},
			check: signed("iat", func(r faultResult) any { return unix(r.now.Add(time.Hour)) })},
		{name: "old auth_time", fault: oauthtest.IDTokenFault{OldAuthTime: true},
			check: signed("auth_time", func(r faultResult) any { return unix(r.now.Add(-30 * 24 * time.Hour)) })},
		{name: "omit claims", fault: oauthtest.IDTokenFault{OmitClaims: []string{"iat", "sub"}}, check: func(t *testing.T, r faultResult) {
			signed("iat", constant(nil))(t, r)
			signed("sub", constant(nil))(t, r)
			signed("exp", func(r faultResult) any { return unix(r.now.Add(time.Hour)) })(t, r)
		}},
		{name: "set claims", fault: oauthtest.IDTokenFault{SetClaims: map[string]any{"sub": "mallory", "extra": "x"}},
			check: func(t *testing.T, r faultResult) {
				signed("sub", constant("mallory"))(t, r)
				signed("extra", constant("x"))(t, r)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

// checkHMACConfusion checks a token signed with HS256 keyed with the PEM
// public key: refused by a correct verifier, accepted by a naive one.
func checkHMACConfusion(t *testing.T, r faultResult) {
	verifyFails(jose.ErrAlgorithmNotAllowed)(t, r)
	pub := r.srv.PublicKeys().Keys[0]
	if r.header.Algorithm != jose.HS256 || r.header.KeyID != pub.KeyID {
		t.Errorf("header %+v; want HS256 with the RSA key's kid", r.header)
	}
	_, err := jose.Verify(t.Context(), r.token, fetchJWKS(t, r.srv), jose.VerifyOptions{Algorithms: []string{jose.RS256, jose.HS256}})
	if !errors.Is(err, jose.ErrKeyTypeMismatch) {
		t.Errorf("Verify(HS256 allowed) = %v; want ErrKeyTypeMismatch", err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub.Key)
	if err != nil {
		t.Fatal(err)
	}
	naive := &jose.KeySet{Keys: []*jose.Key{{KeyID: pub.KeyID, Key: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})}}}
	if _, err := jose.Verify(t.Context(), r.token, naive, jose.VerifyOptions{Algorithms: []string{jose.HS256}}); err != nil {
		t.Errorf("token does not verify with the PEM public key as HMAC secret: %v", err)
	}
}

func TestIDTokenFault_times(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	srv.InjectIDTokenFault(oauthtest.IDTokenFault{WrongAudience: true, Times: 1})
	srv.InjectIDTokenFault(oauthtest.IDTokenFault{WrongIssuer: true})
	auds := []any{}
	for range 3 {
		_, claims := verifyJWT(t, srv, passwordIDToken(t, srv, c), jose.RS256)
		auds = append(auds, claims["aud"], claims["iss"] == srv.URL)
	}
	want := []any{"wrong-client", true, c.ID, false, c.ID, false}
	if !slices.Equal(auds, want) {
		t.Errorf("aud, iss ok = %v; want %v", auds, want)
	}
	srv.ClearIDTokenFaults()
	if _, claims := verifyJWT(t, srv, passwordIDToken(t, srv, c), jose.RS256); claims["iss"] != srv.URL {
		t.Errorf("iss = %v after ClearIDTokenFaults; want %q", claims["iss"], srv.URL)
	}
}

func TestIDTokenFault_refreshNonce(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	srv.InjectIDTokenFault(oauthtest.IDTokenFault{WrongNonce: true, WrongCHash: true})
	_, claims := verifyJWT(t, srv, passwordIDToken(t, srv, c), jose.RS256)
	if claims["nonce"] != "wrong-value" || claims["c_hash"] != leftHash("RS256", "wrong-value") {
		t.Errorf("claims = %v; want a nonce and c_hash added", claims)
	}
}
