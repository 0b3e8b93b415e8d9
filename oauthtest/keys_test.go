package oauthtest_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

func newES256(t *testing.T, kid string) *jose.Key {
	t.Helper()
	pk, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := jose.NewKey(pk, kid, jose.ES256)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newEdDSA(t *testing.T, kid string) *jose.Key {
	t.Helper()
	_, pk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := jose.NewKey(pk, kid, jose.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// passwordIDToken fetches an ID token with the password grant.
func passwordIDToken(t *testing.T, srv *oauthtest.Server, c oauthtest.Client) string {
	t.Helper()
	r := post(t, srv, srv.TokenURL(), c, url.Values{
		"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}, "scope": {"openid"},
	})
	if r.str("id_token") == "" {
		t.Fatalf("no id_token in %s", short(r.raw))
	}
	return r.str("id_token")
}

func TestJWKSEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		maxAge    time.Duration
		wantCache string
	}{
		{"default", 0, "public, max-age=300"},
		{"configured", 30 * time.Second, "public, max-age=30"},
		{"negative", -1, "no-store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(s *oauthtest.Server) { s.JWKSMaxAge = tc.maxAge })
			r := get(t, srv, srv.JWKSURL(), "")
			if got := r.header.Get("Cache-Control"); got != tc.wantCache {
				t.Errorf("Cache-Control = %q; want %q", got, tc.wantCache)
			}
			keys, _ := r.body["keys"].([]any)
			if len(keys) != 1 {
				t.Fatalf("JWKS = %s; want one key", short(r.raw))
			}
			k, _ := keys[0].(map[string]any)
			if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["kid"] == "" || k["d"] != nil {
				t.Errorf("JWKS key = %v; want a public RSA key for RS256 signatures with a kid", k)
			}
		})
	}
	srv := newServer(t, nil)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.JWKSURL(), nil)
	if r := do(t, srv, req); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /jwks = HTTP %d; want 405", r.status)
	}
	if srv.RequestCount(oauthtest.JWKSEndpoint) != 1 {
		t.Errorf("RequestCount(JWKSEndpoint) = %d; want 1", srv.RequestCount(oauthtest.JWKSEndpoint))
	}
}

func TestServer_RotateKeys(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.IDTokenAlg = jose.ES256 })
	c := srv.RegisterClient(oauthtest.Client{})
	old := passwordIDToken(t, srv, c)
	oldHeader, _ := unverified(t, old)

	srv.RotateKeys()
	keys := fetchJWKS(t, srv).Keys
	if len(keys) != 2 || keys[0].KeyID != oldHeader.KeyID || keys[1].KeyID == oldHeader.KeyID {
		t.Fatalf("JWKS after rotation = %v; want the old key then a new one", keys)
	}
	fresh := passwordIDToken(t, srv, c)
	if h, _ := verifyJWT(t, srv, fresh, jose.ES256); h.KeyID != keys[1].KeyID {
		t.Errorf("new ID token kid = %q; want the new key %q", h.KeyID, keys[1].KeyID)
	}
	verifyJWT(t, srv, old, jose.ES256) // still published

	srv.RemoveOldKeys()
	ks := fetchJWKS(t, srv)
	if len(ks.Keys) != 1 || ks.Keys[0].KeyID != keys[1].KeyID {
		t.Fatalf("JWKS after RemoveOldKeys = %v; want the current key only", ks.Keys)
	}
	_, err := jose.Verify(t.Context(), old, ks, jose.VerifyOptions{Algorithms: []string{jose.ES256}})
	if !errors.Is(err, jose.ErrNoMatchingKey) {
		t.Errorf("Verify(old token) = %v; want ErrNoMatchingKey", err)
	}
	verifyJWT(t, srv, fresh, jose.ES256)
}

func TestServer_RotateKeys_rsa(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	srv.RotateKeys()
	keys := srv.PublicKeys().Keys
	if len(keys) != 2 || keys[0].KeyID == keys[1].KeyID || keys[1].Algorithm != jose.RS256 {
		t.Errorf("PublicKeys() after rotation = %v; want two RS256 keys", keys)
	}
	c := srv.RegisterClient(oauthtest.Client{})
	if h, _ := verifyJWT(t, srv, passwordIDToken(t, srv, c), jose.RS256); h.KeyID != keys[1].KeyID {
		t.Errorf("kid = %q; want %q", h.KeyID, keys[1].KeyID)
	}
}

func TestServer_Keys(t *testing.T) {
	t.Parallel()
	first, current := newEdDSA(t, "first"), newEdDSA(t, "")
	srv := newServer(t, func(s *oauthtest.Server) { s.Keys = []*jose.Key{first, current} })
	if current.KeyID != "" {
		t.Errorf("server wrote into the caller's key: KeyID %q", current.KeyID)
	}
	keys := srv.PublicKeys().Keys
	if len(keys) != 2 || keys[0].KeyID != "first" || keys[1].KeyID == "" || keys[1].IsPrivate() {
		t.Fatalf("PublicKeys() = %v; want both public keys, the second with a generated kid", keys)
	}
	c := srv.RegisterClient(oauthtest.Client{})
	tok := passwordIDToken(t, srv, c)
	own := &jose.KeySet{Keys: []*jose.Key{{KeyID: keys[1].KeyID, Key: current.Public().Key}}}
	if _, err := jose.Verify(t.Context(), tok, own, jose.VerifyOptions{Algorithms: []string{jose.EdDSA}}); err != nil {
		t.Errorf("ID token does not verify with the current key: %v", err)
	}
	srv.RotateKeys()
	if keys := srv.PublicKeys().Keys; len(keys) != 3 || keys[2].Algorithm != jose.EdDSA {
		t.Errorf("PublicKeys() after rotation = %v; want a third EdDSA key", keys)
	}
}

func TestServer_Keys_panics(t *testing.T) {
	t.Parallel()
	secret, err := jose.NewKey([]byte(strings.Repeat("s", 32)), "", jose.HS256)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		configure func(*oauthtest.Server)
	}{
		{"HMAC key", func(s *oauthtest.Server) { s.Keys = []*jose.Key{secret} }},
		{"public key", func(s *oauthtest.Server) { s.Keys = []*jose.Key{newES256(t, "").Public()} }},
		{"nil key", func(s *oauthtest.Server) { s.Keys = []*jose.Key{nil} }},
		{"HMAC algorithm", func(s *oauthtest.Server) { s.IDTokenAlg = jose.HS256 }},
		{"unknown algorithm", func(s *oauthtest.Server) { s.IDTokenAlg = "XS256" }},
		{"algorithm does not fit key", func(s *oauthtest.Server) {
			s.Keys = []*jose.Key{newEdDSA(t, "")}
			s.IDTokenAlg = jose.ES256
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := oauthtest.NewUnstartedServer()
			defer srv.Close()
			tc.configure(srv)
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "oauthtest: ") {
					t.Errorf("Start panic = %q; want an oauthtest: panic", msg)
				}
			}()
			srv.Start()
		})
	}
}
