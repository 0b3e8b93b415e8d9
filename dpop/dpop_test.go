package dpop

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit/jose"
)

var testRSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func newProver(t testing.TB, c Config) *Prover {
	t.Helper()
	p, err := New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// verifyProof checks a proof as a server would, with the key from its own
// header, and returns its header and claims.
func verifyProof(t *testing.T, proof, alg string) (jose.Header, map[string]any) {
	t.Helper()
	h, _, err := jose.UnsafeDecode(proof)
	if err != nil {
		t.Fatalf("decoding proof: %v", err)
	}
	raw, err := json.Marshal(h.Extra["jwk"])
	if err != nil {
		t.Fatal(err)
	}
	key, err := jose.ParseJWK(raw)
	if err != nil {
		t.Fatalf("proof jwk %s: %v", raw, err)
	}
	if key.IsPrivate() {
		t.Fatalf("proof jwk holds a private key: %s", raw)
	}
	v, err := jose.Verify(context.Background(), proof, &jose.KeySet{Keys: []*jose.Key{key}}, jose.VerifyOptions{Algorithms: []string{alg}})
	if err != nil {
		t.Fatalf("verifying proof: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(v.Payload, &c); err != nil {
		t.Fatal(err)
	}
	return v.Header, c
}

func TestProver_Proof(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	p := newProver(t, Config{Now: func() time.Time { return now }})
	u := mustURL(t, "https://Server.Example.com/token?x=1#frag")
	proof, err := p.Proof("POST", u, "")
	if err != nil {
		t.Fatal(err)
	}
	h, c := verifyProof(t, proof, jose.ES256)
	if h.Type != "dpop+jwt" || h.Algorithm != jose.ES256 || h.KeyID != "" {
		t.Errorf("header = %+v; want typ dpop+jwt, alg ES256, no kid", h)
	}
	jti, _ := c["jti"].(string)
	if len(jti) < 22 {
		t.Errorf("jti = %q; want at least 128 bits", jti)
	}
	delete(c, "jti")
	want := map[string]any{"htm": "POST", "htu": "https://server.example.com/token", "iat": float64(now.Unix())}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

// TestProver_Proof_emptyMethod: an empty method is GET, as net/http
// sends a client request without one (RFC 9449 section 4.2: htm is the
// request's method).
func TestProver_Proof_emptyMethod(t *testing.T) {
	t.Parallel()
	p := newProver(t, Config{})
	proof, err := p.Proof("", mustURL(t, "https://rs.example/api"), "at")
	if err != nil {
		t.Fatal(err)
	}
	if _, c := verifyProof(t, proof, jose.ES256); c["htm"] != "GET" {
		t.Errorf("htm = %v; want GET", c["htm"])
	}
}

func TestProver_Proof_athAndNonce(t *testing.T) {
	t.Parallel()
	p := newProver(t, Config{})
	u := mustURL(t, "https://resource.example.org/protectedresource")
	// RFC 9449 section 7.1, the example access token and its ath.
	proof, err := p.ProofWithNonce("GET", u, "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU", "eyJ7S_zG.eyJH0-Z.HX4w-7v")
	if err != nil {
		t.Fatal(err)
	}
	_, c := verifyProof(t, proof, jose.ES256)
	if c["ath"] != "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo" {
		t.Errorf("ath = %v; want the RFC 9449 value", c["ath"])
	}
	if c["nonce"] != "eyJ7S_zG.eyJH0-Z.HX4w-7v" {
		t.Errorf("nonce = %v", c["nonce"])
	}
}

func TestProver_Proof_uniqueJTI(t *testing.T) {
	t.Parallel()
	p := newProver(t, Config{})
	u := mustURL(t, "https://as.example/token")
	seen := map[string]bool{}
	for range 50 {
		proof, err := p.Proof("POST", u, "")
		if err != nil {
			t.Fatal(err)
		}
		_, payload, _ := jose.UnsafeDecode(proof)
		var c claims
		if err := json.Unmarshal(payload, &c); err != nil {
			t.Fatal(err)
		}
		if seen[c.JTI] {
			t.Fatalf("jti %q repeated", c.JTI)
		}
		seen[c.JTI] = true
	}
}

func TestProver_Proof_relativeURL(t *testing.T) {
	t.Parallel()
	p := newProver(t, Config{})
	for _, u := range []*url.URL{nil, {Path: "/token"}} {
		if _, err := p.Proof("POST", u, ""); err == nil {
			t.Errorf("Proof(%v) = nil error; want one", u)
		}
	}
}

func TestTargetURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://server.example.com/token", "https://server.example.com/token"},
		{"HTTPS://Server.Example.COM/Path/To?q=1#f", "https://server.example.com/Path/To"},
		{"https://api.example", "https://api.example/"},
		{"https://api.example:8443/a%20b?x", "https://api.example:8443/a%20b"},
		{"http://127.0.0.1:9000/resource?access_token=no", "http://127.0.0.1:9000/resource"},
		// The scheme's default port is left out (RFC 3986 section 6.2.3),
		// as servers that normalise the URI they compare htu with write it.
		{"https://api.example:443/x", "https://api.example/x"},
		{"HTTPS://API.example:443", "https://api.example/"},
		{"http://api.example:80/x", "http://api.example/x"},
		{"https://api.example:/x", "https://api.example/x"},
		{"https://[::1]:443/x", "https://[::1]/x"},
		{"https://api.example:80/x", "https://api.example:80/x"},
		{"http://api.example:443/x", "http://api.example:443/x"},
		{"https://api.example:4430/x", "https://api.example:4430/x"},
	}
	for _, tt := range tests {
		if got := TargetURI(mustURL(t, tt.in)); got != tt.want {
			t.Errorf("TargetURI(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestNew_keys(t *testing.T) {
	t.Parallel()
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name    string
		key     any
		alg     string
		wantAlg string
	}{
		{"p256 default", nil, "", jose.ES256},
		{"p384", ec384, "", jose.ES384},
		{"ed25519", ed, "", jose.EdDSA},
		{"rsa defaults to PS256", testRSA(), "", jose.PS256},
		{"rsa with RS256", testRSA(), jose.RS256, jose.RS256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Config{Algorithm: tt.alg}
			if tt.key != nil {
				c.Key = &jose.Key{KeyID: "ignored", Key: tt.key}
			}
			p := newProver(t, c)
			if p.Algorithm() != tt.wantAlg {
				t.Errorf("Algorithm() = %q; want %q", p.Algorithm(), tt.wantAlg)
			}
			proof, err := p.Proof("GET", mustURL(t, "https://rs.example/"), "at")
			if err != nil {
				t.Fatal(err)
			}
			verifyProof(t, proof, tt.wantAlg)
			if tp, _ := p.PublicKey().Thumbprint(); tp != p.Thumbprint() || tp == "" {
				t.Errorf("Thumbprint() = %q; want the public key's %q", p.Thumbprint(), tp)
			}
			if p.PublicKey().IsPrivate() {
				t.Error("PublicKey() is private")
			}
		})
	}
}

func TestNew_errors(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tests := []struct {
		name string
		c    Config
	}{
		{"secret", Config{Key: &jose.Key{Key: []byte("0123456789abcdef0123456789abcdef")}}},
		{"hmac alg", Config{Key: &jose.Key{Key: ec}, Algorithm: jose.HS256}},
		{"public key", Config{Key: &jose.Key{Key: &ec.PublicKey}}},
		{"alg does not fit", Config{Key: &jose.Key{Key: ec}, Algorithm: jose.PS256}},
		{"none", Config{Key: &jose.Key{Key: ec}, Algorithm: "none"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(tt.c); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("New() = %v; want %v", err, ErrInvalidKey)
			}
		})
	}
}

func TestNew_generatesAKeyPerProver(t *testing.T) {
	t.Parallel()
	a, b := newProver(t, Config{}), newProver(t, Config{})
	if a.Thumbprint() == b.Thumbprint() {
		t.Error("two provers without a key share one")
	}
}

func TestGenerateKey_roundTrips(t *testing.T) {
	t.Parallel()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	back, err := jose.ParseJWK(b)
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := newProver(t, Config{Key: k}), newProver(t, Config{Key: back})
	if p1.Thumbprint() != p2.Thumbprint() {
		t.Error("a saved key proves a different thumbprint")
	}
}

func TestProver_String_hidesKey(t *testing.T) {
	t.Parallel()
	k, _ := GenerateKey()
	p := newProver(t, Config{Key: k})
	b, _ := json.Marshal(k)
	var m map[string]string
	_ = json.Unmarshal(b, &m)
	if s := p.String(); strings.Contains(s, m["d"]) || !strings.Contains(s, p.Thumbprint()) {
		t.Errorf("String() = %q", s)
	}
}
