package oauthkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/jose"
)

// A key loaded from PEM signs client assertions with the algorithm the
// config names, and a key that cannot is refused by NewSession, before any
// request.
func TestNewSession_clientAssertionAlg(t *testing.T) {
	t.Parallel()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := jose.ParsePrivateKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}))
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(ek)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := jose.ParsePrivateKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	wk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weak := &jose.Key{Key: wk}
	weakOptedIn := &jose.Key{Key: wk, InsecureAllowWeakRSA: true}
	secret := strings.Repeat("s", 48)
	tests := []struct {
		name    string
		cfg     Config
		wantAlg string
		wantErr error
	}{
		{name: "rsa pem RS384", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: rsaKey, ClientAssertionAlg: jose.RS384}, wantAlg: jose.RS384},
		{name: "rsa pem PS256", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: rsaKey, ClientAssertionAlg: jose.PS256}, wantAlg: jose.PS256},
		{name: "rsa pem default", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: rsaKey}, wantAlg: jose.RS256},
		{name: "ec pem ES256", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: ecKey, ClientAssertionAlg: jose.ES256}, wantAlg: jose.ES256},
		{name: "ec key RS256", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: ecKey, ClientAssertionAlg: jose.RS256}, wantErr: jose.ErrKeyTypeMismatch},
		{name: "ec key ES384", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: ecKey, ClientAssertionAlg: jose.ES384}, wantErr: jose.ErrKeyTypeMismatch},
		{name: "rsa key HS256", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: rsaKey, ClientAssertionAlg: jose.HS256}, wantErr: jose.ErrKeyTypeMismatch},
		{name: "weak rsa key", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: weak}, wantErr: jose.ErrKeyTypeMismatch},
		{name: "weak rsa key opted in", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: weakOptedIn}, wantAlg: jose.RS256},
		{name: "unknown alg", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: rsaKey, ClientAssertionAlg: "RS999"}, wantErr: jose.ErrUnsupportedAlgorithm},
		{name: "secret HS384", cfg: Config{AuthMethod: ClientSecretJWT, ClientSecret: secret, ClientAssertionAlg: jose.HS384}, wantAlg: jose.HS384},
		{name: "secret RS256", cfg: Config{AuthMethod: ClientSecretJWT, ClientSecret: secret, ClientAssertionAlg: jose.RS256}, wantErr: jose.ErrKeyTypeMismatch},
		{name: "secret too short for HS512", cfg: Config{AuthMethod: ClientSecretJWT, ClientSecret: secret, ClientAssertionAlg: jose.HS512}, wantErr: jose.ErrKeyTypeMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tokenJSON("a", "", 0))
			cfg := tt.cfg
			cfg.ClientID, cfg.TokenURL = "cid", srv.URL+"/token"
			s, err := NewSession(cfg)
			if tt.wantErr != nil {
				if !errors.Is(err, ErrInvalidConfig) || !errors.Is(err, tt.wantErr) {
					t.Errorf("NewSession() = %v; want %v and %v", err, ErrInvalidConfig, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewSession() = %v", err)
			}
			if _, err := s.FetchToken(t.Context(), nil); err != nil {
				t.Fatalf("FetchToken() = %v", err)
			}
			h, _, err := jose.UnsafeDecode(srv.last(t).Form.Get("client_assertion"))
			if err != nil || h.Algorithm != tt.wantAlg {
				t.Errorf("assertion alg = %q, %v; want %q", h.Algorithm, err, tt.wantAlg)
			}
		})
	}
}
