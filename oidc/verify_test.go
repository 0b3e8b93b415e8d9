package oidc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// verifyTest is one case of TestVerifier_Verify: a token built from
// baseClaims with changes, verified with opts.
type verifyTest struct {
	name    string
	changes map[string]any // nil value: delete the claim
	key     func() *jose.Key
	tamper  func(string) string
	cfg     VerifierConfig
	opts    []VerifyOption
	wantErr error
}

func (tc verifyTest) run(t *testing.T) {
	t.Parallel()
	key := testES256
	if tc.key != nil {
		key = tc.key
	}
	raw := sign(t, key(), with(baseClaims(), tc.changes))
	if tc.tamper != nil {
		raw = tc.tamper(raw)
	}
	cfg := tc.cfg
	if cfg.Algorithms == nil {
		cfg.Algorithms = []string{jose.ES256, jose.RS256, jose.EdDSA}
	}
	v := newVerifier(publicSet(testES256(), testRS256(), testEdDSA()), cfg)
	tok, err := v.Verify(t.Context(), raw, tc.opts...)
	if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
		t.Fatalf("Verify() error = %v, want %v", err, tc.wantErr)
	}
	if err != nil {
		if !strings.HasPrefix(err.Error(), "oidc: ") || strings.Count(err.Error(), "oidc: ") != 1 {
			t.Errorf("error %q does not carry the oidc prefix once", err)
		}
		return
	}
	if tok.Subject != "user-1" || tok.Raw != raw {
		t.Errorf("Verify() = sub %q raw %v, want user-1 and the token", tok.Subject, tok.Raw == raw)
	}
}

func TestVerifier_Verify(t *testing.T) {
	t.Parallel()
	at := "jHkWEdUXMU1BwAsC4vtUsZwnNJx4d9ld"
	code := "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"
	atHash := func(alg string) string { return tokenHash(t, alg, at) }
	hour := testNow.Add(-time.Hour).Unix()
	tests := []verifyTest{
		{name: "valid es256"},
		{name: "valid rs256", key: testRS256},
		{name: "valid eddsa", key: testEdDSA},
		{name: "tampered payload", tamper: func(s string) string {
			p := strings.Split(s, ".")
			p[1] = strings.TrimSuffix(p[1], p[1][len(p[1])-2:]) + "AA"
			return strings.Join(p, ".")
		}, wantErr: ErrInvalidSignature},
		{name: "flipped signature", tamper: func(s string) string {
			return s[:len(s)-4] + flip(s[len(s)-4:])
		}, wantErr: jose.ErrInvalidSignature},
		{name: "unknown key", key: testES256b, wantErr: ErrInvalidSignature},
		{name: "algorithm not allowed", cfg: VerifierConfig{Algorithms: []string{jose.RS256}}, wantErr: jose.ErrAlgorithmNotAllowed},
		{name: "default allow-list is rs256", cfg: VerifierConfig{Algorithms: []string{}}, wantErr: ErrInvalidSignature},
		{name: "missing iss", changes: map[string]any{"iss": nil}, wantErr: ErrMissingClaim},
		{name: "missing sub", changes: map[string]any{"sub": nil}, wantErr: ErrMissingClaim},
		{name: "missing aud", changes: map[string]any{"aud": nil}, wantErr: ErrMissingClaim},
		{name: "missing exp", changes: map[string]any{"exp": nil}, wantErr: ErrMissingClaim},
		{name: "missing iat", changes: map[string]any{"iat": nil}, wantErr: ErrMissingClaim},
		{name: "wrong issuer", changes: map[string]any{"iss": testIssuer + "/"}, wantErr: ErrInvalidIssuer},
		{name: "wrong audience", changes: map[string]any{"aud": "client-2"}, wantErr: ErrInvalidAudience},
		{name: "audience array", changes: map[string]any{"aud": []string{testClientID}}},
		{name: "several audiences without azp", changes: map[string]any{"aud": []string{testClientID, "api"}}, wantErr: ErrInvalidAuthorizedParty},
		{name: "several audiences with azp", changes: map[string]any{"aud": []string{testClientID, "api"}, "azp": testClientID}},
		{name: "wrong azp", changes: map[string]any{"azp": "client-2"}, wantErr: ErrInvalidAuthorizedParty},
		{name: "expired", changes: map[string]any{"exp": testNow.Add(-2 * time.Minute).Unix()}, wantErr: ErrIDTokenExpired},
		{name: "expired within leeway", changes: map[string]any{"exp": testNow.Add(-30 * time.Second).Unix()}},
		{name: "expired without leeway", changes: map[string]any{"exp": testNow.Add(-time.Second).Unix()}, cfg: VerifierConfig{Leeway: -1}, wantErr: ErrIDTokenExpired},
		{name: "issued in future", changes: map[string]any{"iat": testNow.Add(2 * time.Minute).Unix()}, wantErr: ErrIssuedInFuture},
		{name: "not yet valid", changes: map[string]any{"nbf": testNow.Add(2 * time.Minute).Unix()}, wantErr: ErrIDTokenNotYetValid},
		{name: "nbf passed", changes: map[string]any{"nbf": testNow.Add(-time.Minute).Unix()}},
		{name: "nonce matches", opts: []VerifyOption{ExpectNonce("n-0S6_WzA2Mj")}},
		{name: "nonce mismatch", opts: []VerifyOption{ExpectNonce("other")}, wantErr: ErrInvalidNonce},
		{name: "nonce missing", changes: map[string]any{"nonce": nil}, opts: []VerifyOption{ExpectNonce("n-0S6_WzA2Mj")}, wantErr: ErrInvalidNonce},
		{name: "nonce not sent", changes: map[string]any{"nonce": "anything"}},
		{name: "at_hash matches", changes: map[string]any{"at_hash": atHash(jose.ES256)}, opts: []VerifyOption{ExpectAccessToken(at)}},
		{name: "at_hash wrong", changes: map[string]any{"at_hash": atHash(jose.ES384)}, opts: []VerifyOption{ExpectAccessToken(at)}, wantErr: ErrInvalidAtHash},
		{name: "at_hash eddsa uses sha-512", key: testEdDSA, changes: map[string]any{"at_hash": atHash(jose.ES256)}, opts: []VerifyOption{ExpectAccessToken(at)}, wantErr: ErrInvalidAtHash},
		{name: "at_hash missing in code flow", opts: []VerifyOption{ExpectAccessToken(at)}},
		{name: "at_hash missing in implicit flow", opts: []VerifyOption{ExpectAccessToken(at), ExpectResponseType("id_token token")}, wantErr: ErrMissingAtHash},
		{name: "at_hash missing in hybrid flow", changes: map[string]any{"c_hash": tokenHash(t, jose.ES256, code)},
			opts: []VerifyOption{ExpectAccessToken(at), ExpectCode(code), ExpectResponseType("code id_token token")}, wantErr: ErrMissingAtHash},
		{name: "id_token only needs no at_hash", opts: []VerifyOption{ExpectResponseType("id_token")}},
		{name: "c_hash matches", changes: map[string]any{"c_hash": tokenHash(t, jose.ES256, code)}, opts: []VerifyOption{ExpectCode(code), ExpectResponseType("code id_token")}},
		{name: "c_hash wrong", changes: map[string]any{"c_hash": tokenHash(t, jose.ES256, "x")}, opts: []VerifyOption{ExpectCode(code)}, wantErr: ErrInvalidCHash},
		{name: "c_hash missing in hybrid flow", opts: []VerifyOption{ExpectCode(code), ExpectResponseType("code id_token")}, wantErr: ErrMissingCHash},
		{name: "auth_time required by max_age", opts: []VerifyOption{ExpectMaxAge(time.Hour)}, wantErr: ErrAuthTimeRequired},
		{name: "auth_time required by config", cfg: VerifierConfig{RequireAuthTime: true}, wantErr: ErrAuthTimeRequired},
		{name: "auth_time recent", changes: map[string]any{"auth_time": hour}, opts: []VerifyOption{ExpectMaxAge(time.Hour)}},
		{name: "auth_time too old", changes: map[string]any{"auth_time": hour - 120}, opts: []VerifyOption{ExpectMaxAge(time.Hour)}, wantErr: ErrAuthTooOld},
		{name: "subject matches", opts: []VerifyOption{ExpectSubject("user-1")}},
		{name: "subject mismatch", opts: []VerifyOption{ExpectSubject("user-2")}, wantErr: ErrSubjectMismatch},
		{name: "aud of wrong type", changes: map[string]any{"aud": 7}, wantErr: ErrMalformedClaims},
		{name: "exp of wrong type", changes: map[string]any{"exp": "tomorrow"}, wantErr: ErrMalformedClaims},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

// flip changes the first character of a base64url string.
func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func TestVerifier_Verify_claims(t *testing.T) {
	t.Parallel()
	claims := with(baseClaims(), map[string]any{
		"aud": []string{testClientID, "api"}, "azp": testClientID, "email_verified": "true",
		"auth_time": testNow.Add(-time.Hour).Unix(), "nbf": 1772366340.5, "amr": []string{"pwd", "otp"},
		"acr": "urn:mace:incommon:iap:silver", "name": "Alice", "given_name": "A", "family_name": "L",
		"preferred_username": "alice", "picture": "https://p", "locale": "en", "custom": map[string]any{"k": 1},
	})
	raw := sign(t, testES256(), claims)
	tok, err := newVerifier(publicSet(testES256()), VerifierConfig{Algorithms: []string{jose.ES256}}).Verify(t.Context(), raw)
	if err != nil {
		t.Fatal(err)
	}
	want := &IDToken{
		Issuer: testIssuer, Subject: "user-1", Audience: []string{testClientID, "api"}, AuthorizedParty: testClientID,
		Expiry: testNow.Add(time.Hour), IssuedAt: testNow.Add(-time.Minute), NotBefore: time.Unix(1772366340, 5e8),
		AuthTime: testNow.Add(-time.Hour), Nonce: "n-0S6_WzA2Mj", ACR: "urn:mace:incommon:iap:silver",
		AMR: []string{"pwd", "otp"}, Raw: raw,
		Profile: Profile{Email: "alice@example.com", EmailVerified: true, Name: "Alice",
			GivenName: "A", FamilyName: "L", PreferredUsername: "alice", Picture: "https://p", Locale: "en"},
	}
	if diff := cmp.Diff(want, tok, cmpopts.IgnoreUnexported(IDToken{}), cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("Verify() mismatch (-want +got):\n%s", diff)
	}
	var custom struct {
		Custom struct{ K int } `json:"custom"`
	}
	if err := tok.Claims(&custom); err != nil || custom.Custom.K != 1 {
		t.Errorf("Claims() = %v, custom %+v", err, custom)
	}
	var all map[string]any
	if err := tok.Claims(&all); err != nil || all["sub"] != "user-1" {
		t.Errorf("Claims(map) = %v, %v", err, all)
	}
}

func TestTokenHash(t *testing.T) {
	t.Parallel()
	// The c_hash of OpenID Connect Core 1.0 appendix A.4; the at_hash was
	// computed with another SHA-256 implementation.
	tests := []struct{ alg, value, want string }{
		{jose.RS256, "jHkWEdUXMU1BwAsC4vtUsZwnNJx4d9ld", "6Tu4I7s3wzFqoqlsbK4a1Q"},
		{jose.RS256, "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", "LDktKdoQak3Pk0cnXxCltA"},
	}
	for _, tc := range tests {
		if got, err := TokenHash(tc.alg, tc.value); err != nil || got != tc.want {
			t.Errorf("TokenHash(%q, %q) = %q, %v; want %q", tc.alg, tc.value, got, err, tc.want)
		}
	}
	lengths := map[string]int{jose.ES256: 22, jose.PS384: 32, jose.HS512: 43, jose.EdDSA: 43}
	for alg, n := range lengths {
		if got, err := TokenHash(alg, "x"); err != nil || len(got) != n {
			t.Errorf("TokenHash(%q) = %q, %v; want %d characters", alg, got, err, n)
		}
	}
	if _, err := TokenHash("none", "x"); err == nil {
		t.Error("TokenHash(none) succeeded")
	}
}

func TestVerifier_ValidateIDToken(t *testing.T) {
	t.Parallel()
	at := "access-1"
	v := newVerifier(publicSet(testES256()), VerifierConfig{Algorithms: []string{jose.ES256}})
	withHash := sign(t, testES256(), with(baseClaims(), map[string]any{"at_hash": tokenHash(t, jose.ES256, at)}))
	noHash := sign(t, testES256(), baseClaims())
	tests := []struct {
		name    string
		raw     string
		check   oauthkit.IDTokenCheck
		wantErr error
	}{
		{"code flow", noHash, oauthkit.IDTokenCheck{GrantType: oauthkit.GrantTypeAuthorizationCode, Nonce: "n-0S6_WzA2Mj"}, nil},
		{"code flow nonce mismatch", noHash, oauthkit.IDTokenCheck{GrantType: oauthkit.GrantTypeAuthorizationCode, Nonce: "x"}, ErrInvalidNonce},
		{"code flow max_age", noHash, oauthkit.IDTokenCheck{GrantType: oauthkit.GrantTypeAuthorizationCode, MaxAge: "0"}, ErrAuthTimeRequired},
		{"bad max_age", noHash, oauthkit.IDTokenCheck{GrantType: oauthkit.GrantTypeAuthorizationCode, MaxAge: "soon"}, oauthkit.ErrInvalidConfig},
		{"refresh ignores nonce", noHash, oauthkit.IDTokenCheck{GrantType: oauthkit.GrantTypeRefreshToken, Nonce: "x"}, nil},
		{"implicit with at_hash", withHash, oauthkit.IDTokenCheck{GrantType: "implicit", ResponseType: "id_token token"}, nil},
		{"implicit without at_hash", noHash, oauthkit.IDTokenCheck{GrantType: "implicit", ResponseType: "id_token token"}, ErrMissingAtHash},
		{"hybrid without c_hash", noHash, oauthkit.IDTokenCheck{GrantType: "implicit", ResponseType: "code id_token", Code: "c"}, ErrMissingCHash},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			claims, err := v.ValidateIDToken(t.Context(), &oauthkit.Token{AccessToken: at, IDToken: tc.raw}, tc.check)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("ValidateIDToken() = %v, want %v", err, tc.wantErr)
			}
			if idt, ok := claims.(*IDToken); err == nil && (!ok || idt.Subject != "user-1" || idt.Raw != tc.raw) {
				t.Errorf("ValidateIDToken() claims = %#v; want the verified *IDToken", claims)
			}
		})
	}
}

// An ID token that follows another (a refresh, OpenID Connect Core 12.2;
// the token endpoint's after the front channel's, 3.3.3.6) has the same
// iss and sub; a refreshed one keeps aud with the client and does not
// move auth_time backwards.
func TestVerifier_ValidateIDToken_previous(t *testing.T) {
	t.Parallel()
	auth := testNow.Add(-time.Hour).Unix()
	prev := sign(t, testES256(), with(baseClaims(), map[string]any{"auth_time": auth}))
	// A previous token from another issuer, as if the verifier had
	// accepted it under a tenant validator.
	prevOtherIss := sign(t, testES256(), with(baseClaims(), map[string]any{"iss": "https://other.example.com"}))
	refresh := oauthkit.GrantTypeRefreshToken
	code := oauthkit.GrantTypeAuthorizationCode
	tests := []struct {
		name     string
		changes  map[string]any
		grant    string
		previous string
		wantErr  error
	}{
		{name: "refresh same subject", changes: map[string]any{"auth_time": auth}, grant: refresh, previous: prev},
		{name: "refresh later auth_time", changes: map[string]any{"auth_time": auth + 60}, grant: refresh, previous: prev},
		{name: "refresh without auth_time", grant: refresh, previous: prev},
		{name: "refresh other subject", changes: map[string]any{"sub": "user-2"}, grant: refresh, previous: prev, wantErr: ErrSubjectMismatch},
		{name: "refresh other issuer", grant: refresh, previous: prevOtherIss, wantErr: ErrInvalidIssuer},
		{name: "refresh earlier auth_time", changes: map[string]any{"auth_time": auth - 1}, grant: refresh, previous: prev, wantErr: ErrAuthTimeMismatch},
		{name: "refresh aud without the client", changes: map[string]any{"aud": "client-2"}, grant: refresh, previous: prev, wantErr: ErrInvalidAudience},
		{name: "refresh previous not a jwt", grant: refresh, previous: "garbage", wantErr: ErrMalformedClaims},
		{name: "hybrid same subject", grant: code, previous: prev},
		{name: "hybrid other subject", changes: map[string]any{"sub": "user-2"}, grant: code, previous: prev, wantErr: ErrSubjectMismatch},
		{name: "hybrid other issuer", grant: code, previous: prevOtherIss, wantErr: ErrInvalidIssuer},
		{name: "hybrid earlier auth_time is the same login", changes: map[string]any{"auth_time": auth - 1}, grant: code, previous: prev},
	}
	v := newVerifier(publicSet(testES256()), VerifierConfig{Algorithms: []string{jose.ES256}})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := sign(t, testES256(), with(baseClaims(), tc.changes))
			c := oauthkit.IDTokenCheck{GrantType: tc.grant, PreviousIDToken: tc.previous}
			_, err := v.ValidateIDToken(t.Context(), &oauthkit.Token{AccessToken: "a", IDToken: raw}, c)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("ValidateIDToken() = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestVerifier_misconfigured(t *testing.T) {
	t.Parallel()
	raw := sign(t, testES256(), baseClaims())
	for _, v := range []*Verifier{
		NewVerifier("", testClientID, publicSet(testES256()), VerifierConfig{}),
		NewVerifier(testIssuer, "", publicSet(testES256()), VerifierConfig{}),
		NewVerifier(testIssuer, testClientID, nil, VerifierConfig{}),
	} {
		if _, err := v.Verify(t.Context(), raw); !errors.Is(err, oauthkit.ErrInvalidConfig) {
			t.Errorf("Verify() = %v, want oauthkit.ErrInvalidConfig", err)
		}
	}
}

// failingKeys is a KeySource that fails like a JWKS fetch.
type failingKeys struct{ err error }

func (f failingKeys) KeysFor(context.Context, jose.Header) ([]*jose.Key, error) { return nil, f.err }

func TestVerifier_keyErrors(t *testing.T) {
	t.Parallel()
	raw := sign(t, testES256(), baseClaims())
	cfg := VerifierConfig{Algorithms: []string{jose.ES256}}
	_, err := newVerifier(failingKeys{jose.ErrJWKSFetch}, cfg).Verify(t.Context(), raw)
	if !errors.Is(err, jose.ErrJWKSFetch) || errors.Is(err, ErrInvalidSignature) {
		t.Errorf("fetch failure: Verify() = %v, want ErrJWKSFetch and not ErrInvalidSignature", err)
	}
	_, err = newVerifier(failingKeys{context.Canceled}, cfg).Verify(t.Context(), raw)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrInvalidSignature) {
		t.Errorf("cancelled: Verify() = %v, want context.Canceled", err)
	}
}
