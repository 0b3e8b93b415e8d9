package oauthkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/jose"
)

func TestClientAuth_jwt(t *testing.T) {
	t.Parallel()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := jose.NewKey(ec, "kid-1", jose.ES256)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.Repeat("s", 32)
	hmacKey, _ := jose.NewKey([]byte(secret), "", jose.HS256)
	tests := []struct {
		name    string
		cfg     Config
		verify  *jose.Key
		alg     string
		wantKID string
	}{
		{name: "client_secret_jwt", cfg: Config{AuthMethod: ClientSecretJWT, ClientSecret: secret}, verify: hmacKey, alg: jose.HS256},
		{name: "private_key_jwt", cfg: Config{AuthMethod: PrivateKeyJWT, ClientKey: priv}, verify: priv.Public(), alg: jose.ES256, wantKID: "kid-1"},
		{name: "registered value", cfg: Config{ClientAuth: &JWTAuth{Key: priv, Audience: "https://as.example"}}, verify: priv.Public(), alg: jose.ES256, wantKID: "kid-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tokenJSON("a", "", 0))
			cfg := tt.cfg
			cfg.ClientID, cfg.TokenURL = "cid", srv.URL+"/token"
			s := mustSession(t, cfg)
			var jtis []string
			for range 2 {
				if _, err := s.FetchToken(t.Context(), nil); err != nil {
					t.Fatal(err)
				}
				r := srv.last(t)
				if r.Form.Get("client_assertion_type") != clientAssertionType || r.Header.Get("Authorization") != "" || r.Form.Has("client_secret") {
					t.Fatalf("form = %v", r.Form)
				}
				v, err := jose.Verify(t.Context(), r.Form.Get("client_assertion"), &jose.KeySet{Keys: []*jose.Key{tt.verify}}, jose.VerifyOptions{Algorithms: []string{tt.alg}})
				if err != nil {
					t.Fatalf("assertion does not verify: %v", err)
				}
				if v.Header.KeyID != tt.wantKID {
					t.Errorf("kid = %q, want %q", v.Header.KeyID, tt.wantKID)
				}
				var c struct {
					Iss, Sub, Aud, Jti string
					Iat, Exp           int64
				}
				if err := json.Unmarshal(v.Payload, &c); err != nil {
					t.Fatal(err)
				}
				wantAud := cmpOr(tt.cfg.ClientAssertionAudience, srv.URL+"/token")
				if a, ok := tt.cfg.ClientAuth.(*JWTAuth); ok {
					wantAud = a.Audience
				}
				if c.Iss != "cid" || c.Sub != "cid" || c.Aud != wantAud || c.Jti == "" || c.Exp-c.Iat != 120 {
					t.Errorf("claims = %+v", c)
				}
				jtis = append(jtis, c.Jti)
			}
			if jtis[0] == jtis[1] {
				t.Error("jti repeated")
			}
		})
	}
}

func TestClientAuth_jwtConfigErrors(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pub, _ := jose.NewKey(&ec.PublicKey, "", jose.ES256)
	for _, cfg := range []Config{
		{ClientID: "c", AuthMethod: PrivateKeyJWT},
		{ClientID: "c", AuthMethod: PrivateKeyJWT, ClientKey: pub},
		{ClientID: "c", AuthMethod: ClientSecretJWT},
	} {
		if _, err := NewSession(cfg); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewSession(%v) err = %v, want ErrInvalidConfig", cfg, err)
		}
	}
}
