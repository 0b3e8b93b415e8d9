package oidc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// jarmClaimsAt returns valid response JWT claims at testNow.
func jarmClaimsAt() map[string]any {
	return map[string]any{
		"iss": testIssuer, "aud": testClientID, "exp": testNow.Add(5 * time.Minute).Unix(),
		"iat": testNow.Unix(), "code": "c1", "state": "s1", "expires_in": 3600,
	}
}

func TestJARMVerifier_VerifyResponseJWT(t *testing.T) {
	t.Parallel()
	key := testES256()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	dec, _ := jose.NewEncryptionKey(ec, "rp-enc", "")
	encrypt := func(t *testing.T, tok string) string {
		t.Helper()
		jwe, err := jose.Encrypt(dec.Public(), "", "", map[string]any{"cty": "JWT"}, []byte(tok))
		if err != nil {
			t.Fatal(err)
		}
		return jwe
	}
	tests := []struct {
		name     string
		response func(t *testing.T) string
		noKeys   bool
		wantErr  error
	}{
		{name: "valid", response: func(t *testing.T) string { return sign(t, key, jarmClaimsAt()) }},
		{name: "encrypted", response: func(t *testing.T) string { return encrypt(t, sign(t, key, jarmClaimsAt())) }},
		{name: "encrypted, no key", noKeys: true, response: func(t *testing.T) string { return encrypt(t, sign(t, key, jarmClaimsAt())) }, wantErr: ErrResponseDecryption},
		{name: "other key", response: func(t *testing.T) string { return sign(t, testES256b(), jarmClaimsAt()) }, wantErr: ErrInvalidSignature},
		{name: "hmac", response: func(t *testing.T) string {
			k, _ := jose.NewKey([]byte("0123456789abcdef0123456789abcdef"), "", jose.HS256)
			return sign(t, k, jarmClaimsAt())
		}, wantErr: ErrInvalidSignature},
		{name: "wrong iss", response: func(t *testing.T) string {
			return sign(t, key, with(jarmClaimsAt(), map[string]any{"iss": "https://evil.example"}))
		}, wantErr: ErrInvalidIssuer},
		{name: "wrong aud", response: func(t *testing.T) string {
			return sign(t, key, with(jarmClaimsAt(), map[string]any{"aud": []string{"other"}}))
		}, wantErr: ErrInvalidAudience},
		{name: "expired", response: func(t *testing.T) string {
			return sign(t, key, with(jarmClaimsAt(), map[string]any{"exp": testNow.Add(-2 * time.Minute).Unix()}))
		}, wantErr: ErrResponseExpired},
		{name: "no exp", response: func(t *testing.T) string { return sign(t, key, with(jarmClaimsAt(), map[string]any{"exp": nil})) }, wantErr: ErrMissingClaim},
		{name: "object member", response: func(t *testing.T) string {
			return sign(t, key, with(jarmClaimsAt(), map[string]any{"code": map[string]any{"x": 1}}))
		}, wantErr: ErrMalformedClaims},
		{name: "garbage", response: func(*testing.T) string { return "not-a-jwt" }, wantErr: ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := JARMConfig{Algorithms: []string{jose.ES256, jose.HS256}, Now: fixedNow, DecryptionKeys: []*jose.Key{dec}}
			if tt.noKeys {
				cfg.DecryptionKeys = nil
			}
			v := NewJARMVerifier(testIssuer, testClientID, publicSet(key), cfg)
			params, err := v.VerifyResponseJWT(t.Context(), tt.response(t))
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("VerifyResponseJWT = %v; want %v", err, tt.wantErr)
			}
			if err != nil {
				if params != nil {
					t.Error("parameters returned with the error")
				}
				return
			}
			if params.Get("code") != "c1" || params.Get("state") != "s1" || params.Get("iss") != testIssuer || params.Get("expires_in") != "3600" || params.Has("aud") || params.Has("exp") {
				t.Errorf("params = %v; want code, state, iss and expires_in, no aud or exp", params)
			}
		})
	}
}

func TestJARMVerifier_config(t *testing.T) {
	t.Parallel()
	v := NewJARMVerifier("", testClientID, publicSet(testES256()), JARMConfig{})
	if _, err := v.VerifyResponseJWT(t.Context(), sign(t, testES256(), jarmClaimsAt())); !errors.Is(err, oauthkit.ErrInvalidConfig) {
		t.Errorf("VerifyResponseJWT without an issuer = %v; want ErrInvalidConfig", err)
	}
}
