package oidc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// A provider that rotates its signing key between two logins, a second
// apart, keeps its users logged in; tokens with random kids still cost at
// most one key fetch per JWKSMinRefreshInterval.
func TestProvider_oauthtest_keyRotation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	// A clock the test moves by hand.
	var offset atomic.Int64
	start := time.Now()
	now := func() time.Time { return start.Add(time.Duration(offset.Load())) }
	advance := func(d time.Duration) { offset.Add(int64(d)) }
	srv.Now = now
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{Now: now, Algorithms: []string{jose.RS256, jose.ES256}, JWKSMinRefreshInterval: 10 * time.Second, JWKSMaxAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret,
		RedirectURL: "https://app.example/cb", Scopes: []string{"openid"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := &oidcLogin{srv: srv, p: p, s: s}
	if _, err := l.login(t); err != nil {
		t.Fatalf("first login: %v", err)
	}
	srv.RotateKeys()
	srv.RemoveOldKeys() // the JWKS holds only the new key
	advance(time.Second)
	if _, err := l.login(t); err != nil {
		t.Fatalf("login a second after the key rotation: %v", err)
	}
	if n := srv.RequestCount(oauthtest.JWKSEndpoint); n != 2 {
		t.Errorf("JWKS fetches = %d; want 2", n)
	}

	// A flood of tokens under random kids, one every 100ms for a minute.
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	v := p.Verifier(client.ID)
	before := srv.RequestCount(oauthtest.JWKSEndpoint)
	for i := range 600 {
		key := &jose.Key{KeyID: fmt.Sprintf("random-%d", i), Key: k}
		raw, err := jose.Sign(key, jose.ES256, nil, map[string]any{"iss": srv.URL, "sub": "x", "aud": client.ID,
			"iat": now().Unix(), "exp": now().Add(time.Hour).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(ctx, raw); !errors.Is(err, jose.ErrNoMatchingKey) {
			t.Fatalf("Verify(random kid) = %v; want %v", err, jose.ErrNoMatchingKey)
		}
		advance(100 * time.Millisecond)
	}
	if n := srv.RequestCount(oauthtest.JWKSEndpoint) - before; n > 6 {
		t.Errorf("JWKS fetches during a minute of random kids = %d; want at most 6", n)
	}
}
