package oauthkit

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/oauthkit/oauthkit/jose"
)

func TestConfig_defaultAuthMethod(t *testing.T) {
	t.Parallel()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := jose.NewKey(ec, "k1", jose.ES256)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		want string // what the token request carries
	}{
		{name: "no secret, no key: none", cfg: Config{}, want: "client_id only"},
		{name: "secret: basic", cfg: Config{ClientSecret: "s"}, want: "basic"},
		{name: "key, no secret: private_key_jwt", cfg: Config{ClientKey: key}, want: "assertion"},
		{name: "explicit basic without secret", cfg: Config{AuthMethod: ClientSecretBasic}, want: "basic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tokenJSON("a", "", 0))
			cfg := tt.cfg
			cfg.TokenURL = srv.URL
			s := mustSession(t, cfg)
			if _, err := s.FetchToken(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			r := srv.last(t)
			_, _, basic := basicAuthOf(r.Header)
			got := ""
			switch {
			case basic:
				got = "basic"
			case r.Form.Has("client_assertion"):
				got = "assertion"
			case r.Form.Get("client_id") == "client" && !r.Form.Has("client_secret"):
				got = "client_id only"
			}
			if got != tt.want {
				t.Errorf("token request authenticated with %q (form %v, Authorization %q), want %q", got, r.Form, r.Header.Get("Authorization"), tt.want)
			}
		})
	}
}

func TestJWTAuth_keepsGivenJTI(t *testing.T) {
	t.Parallel()
	srv := newFake(t, tokenJSON("a", "", 0))
	secret := "0123456789abcdef0123456789abcdef"
	s := mustSession(t, Config{TokenURL: srv.URL, ClientSecret: secret, ClientAuth: &JWTAuth{
		Claims: map[string]any{"jti": "fixed-jti", "tenant": "t1"},
		Header: map[string]any{"typ": "client-authentication+jwt", "x-tenant": "t1"},
	}})
	if _, err := s.FetchToken(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	hmacKey, _ := jose.NewKey([]byte(secret), "", jose.HS256)
	v, err := jose.Verify(t.Context(), srv.last(t).Form.Get("client_assertion"), &jose.KeySet{Keys: []*jose.Key{hmacKey}}, jose.VerifyOptions{Algorithms: []string{jose.HS256}})
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(v.Payload, &c); err != nil {
		t.Fatal(err)
	}
	if c["jti"] != "fixed-jti" || c["tenant"] != "t1" {
		t.Errorf("claims = %v, want the given jti and tenant", c)
	}
	if v.Header.Type != "client-authentication+jwt" || v.Header.Extra["x-tenant"] != "t1" {
		t.Errorf("header = %+v, want the extra members", v.Header)
	}
}

func TestClientAuthRequest_method(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"active": true, "access_token": "a", "token_type": "Bearer",
			"device_code": "d", "user_code": "u", "verification_uri": "https://as.example/device"})
	})
	var seen []string
	auth := ClientAuthFunc(func(_ context.Context, r *ClientAuthRequest) error {
		seen = append(seen, r.Endpoint+" "+r.Method)
		return nil
	})
	u := srv.URL
	s := mustSession(t, Config{TokenURL: u, IntrospectionURL: u, RevocationURL: u, DeviceAuthURL: u, ClientAuth: auth})
	if _, err := s.FetchToken(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Introspect(t.Context(), "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeviceAuthorization(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(t.Context(), "x"); err != nil {
		t.Fatal(err)
	}
	want := []string{"token POST", "introspection POST", "device authorization POST", "revocation POST"}
	if len(seen) != len(want) {
		t.Fatalf("client auth saw %q, want %q", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("client auth saw %q, want %q", seen, want)
			break
		}
	}
}
