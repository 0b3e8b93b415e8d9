package bench

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/jose"
)

// benchRSA is generated once: RSA key generation is slow.
var benchRSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// dpopKeys are the proof keys compared: the default (P-256), Ed25519 and
// RSA-2048 with PS256.
func dpopKeys(tb testing.TB) []struct {
	alg string
	key *jose.Key
} {
	tb.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return []struct {
		alg string
		key *jose.Key
	}{
		{jose.ES256, &jose.Key{Key: ec}},
		{jose.EdDSA, &jose.Key{Key: ed}},
		{jose.PS256, &jose.Key{Key: benchRSA()}},
	}
}

// newDPoPTransport is the oauthkit transport of a session with a
// DPoP-bound token: each request gets a proof (a signature) and the DPoP
// scheme.
func newDPoPTransport(tb testing.TB, base http.RoundTripper, key *jose.Key) http.RoundTripper {
	tb.Helper()
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: "bench", ClientSecret: "secret",
		TokenURL: "https://auth.example.com/token",
		DPoP:     &dpop.Config{Key: key},
	})
	if err != nil {
		tb.Fatalf("NewSession: %v", err)
	}
	s.SetToken(&oauthkit.Token{AccessToken: accessToken, TokenType: "DPoP", ExpiresAt: time.Now().Add(time.Hour)})
	return &oauthkit.Transport{Session: s, Base: base}
}

// BenchmarkDPoP measures what DPoP adds to a protected request: the
// bearer transport, the DPoP transport per key type, a proof alone, and
// the floor of one ES256 proof (a SHA-256 and an ECDSA signature, nothing
// else).
func BenchmarkDPoP(b *testing.B) {
	run := func(b *testing.B, rt http.RoundTripper) {
		req := newAPIRequest(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rt.RoundTrip(req); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("transport/bearer", func(b *testing.B) { run(b, newOauthkitTransport(b, newCannedTransport())) })
	for _, k := range dpopKeys(b) {
		b.Run("transport/dpop-"+k.alg, func(b *testing.B) { run(b, newDPoPTransport(b, newCannedTransport(), k.key)) })
	}
	u, _ := url.Parse("https://api.example.com/v1/items?page=2")
	for _, k := range dpopKeys(b)[:1] {
		p, err := dpop.New(dpop.Config{Key: k.key})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("proof/"+k.alg, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Proof(http.MethodGet, u, accessToken); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("proof/"+k.alg+"-jose.Sign", func(b *testing.B) {
			// The same proof through jose.Sign, which prepares the key
			// and the header on every call.
			jwk, _ := k.key.PublicJWK()
			header := map[string]any{"typ": "dpop+jwt", "jwk": rawJSON(jwk)}
			b.ReportAllocs()
			for b.Loop() {
				claims := map[string]any{"jti": rand.Text(), "htm": "GET", "htu": dpop.TargetURI(u),
					"iat": time.Now().Unix(), "ath": dpop.AccessTokenHash(accessToken)}
				if _, err := jose.Sign(k.key, jose.ES256, header, claims); err != nil {
					b.Fatal(err)
				}
			}
		})
		ec := k.key.Key.(*ecdsa.PrivateKey)
		b.Run("floor/"+k.alg+"-signature", func(b *testing.B) {
			input := make([]byte, 600) // about a proof's signing input
			b.ReportAllocs()
			for b.Loop() {
				sum := sha256.Sum256(input)
				if _, err := ecdsa.SignASN1(rand.Reader, ec, sum[:]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// TestDPoPTransport: the benchmarked DPoP transport sends the DPoP scheme
// and a proof for the request that its own key verifies.
func TestDPoPTransport(t *testing.T) {
	for _, k := range dpopKeys(t) {
		rec := &recordingTransport{cannedTransport: *newCannedTransport()}
		if _, err := newDPoPTransport(t, rec, k.key).RoundTrip(newAPIRequest(t)); err != nil {
			t.Fatal(err)
		}
		if len(rec.reqs) != 1 {
			t.Fatalf("%s: %d requests sent; want 1", k.alg, len(rec.reqs))
		}
		sent := rec.reqs[0]
		if got := sent.Header.Get("Authorization"); got != "DPoP "+accessToken {
			t.Errorf("%s: Authorization = %q", k.alg, got)
		}
		pub := k.key.Public()
		if _, err := jose.Verify(t.Context(), sent.Header.Get("DPoP"), &jose.KeySet{Keys: []*jose.Key{pub}},
			jose.VerifyOptions{Algorithms: []string{k.alg}}); err != nil {
			t.Errorf("%s: proof does not verify: %v", k.alg, err)
		}
	}
}
