package assertion

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

var testKey = sync.OnceValue(func() *jose.Key {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	key, err := jose.NewKey(k, "", jose.ES256)
	if err != nil {
		panic(err)
	}
	return key
})

// tokenServer is a token endpoint that verifies JWT-bearer assertions
// with key and records what it received.
type tokenServer struct {
	*httptest.Server
	key *jose.Key

	mu       sync.Mutex
	forms    []map[string][]string
	headers  []jose.Header
	claims   []map[string]any
	authz    []string
	verifyOK []bool
}

func newTokenServer(t *testing.T, key *jose.Key, expiresIn int) *tokenServer {
	t.Helper()
	ts := &tokenServer{key: key}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/resource" {
			fmt.Fprint(w, r.Header.Get("Authorization"))
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		pub := *key.Public()
		pub.KeyID = "k1"
		v, err := jose.Verify(r.Context(), r.PostForm.Get("assertion"), &jose.KeySet{Keys: []*jose.Key{key.Public(), &pub}},
			jose.VerifyOptions{Algorithms: []string{jose.ES256}})
		var claims map[string]any
		if err == nil {
			_ = json.Unmarshal(v.Payload, &claims)
		}
		ts.mu.Lock()
		ts.forms = append(ts.forms, r.PostForm)
		ts.authz = append(ts.authz, r.Header.Get("Authorization"))
		ts.verifyOK = append(ts.verifyOK, err == nil)
		if err == nil {
			ts.headers = append(ts.headers, v.Header)
			ts.claims = append(ts.claims, claims)
		}
		n := len(ts.forms)
		ts.mu.Unlock()
		if err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":"invalid_grant","error_description":%q}`, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"at-%d","token_type":"Bearer","expires_in":%d}`, n, expiresIn)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestNewSession_fetchesWithFreshAssertions(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, testKey(), 3600)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, err := NewSession(Config{
		TokenURL: ts.URL + "/token", Issuer: "svc@example.com", Key: testKey(),
		Claims: map[string]any{"scope": "read write", "iss": "ignored", "aud": "ignored"},
		Header: map[string]any{"kid": "k1"}, Scopes: []string{"read"}, Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		resp, err := s.Get(t.Context(), ts.URL+"/resource")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	resp, err := s.Get(t.Context(), ts.URL+"/resource")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.forms) != 2 {
		t.Fatalf("token requests = %d, want 2 (first use, then after expiry)", len(ts.forms))
	}
	want := map[string]any{
		"iss": "svc@example.com", "aud": ts.URL + "/token", "scope": "read write",
		"iat": float64(now.Add(-2 * time.Hour).Unix()), "exp": float64(now.Add(-time.Hour).Unix()),
	}
	got := ts.claims[0]
	jti0, jti1 := got["jti"], ts.claims[1]["jti"]
	delete(got, "jti")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assertion claims mismatch (-want +got):\n%s", diff)
	}
	if jti0 == nil || jti0 == jti1 {
		t.Errorf("jti = %v then %v, want two different values", jti0, jti1)
	}
	if ts.headers[0].KeyID != "k1" || ts.headers[0].Algorithm != jose.ES256 {
		t.Errorf("header = %+v, want kid k1, alg ES256", ts.headers[0])
	}
	f := ts.forms[0]
	if f["grant_type"][0] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || f["scope"][0] != "read" {
		t.Errorf("form = %v", f)
	}
	if _, ok := f["client_id"]; ok || ts.authz[0] != "" {
		t.Errorf("client authentication sent without a client id: form %v, Authorization %q", f, ts.authz[0])
	}
}

func TestNewSession_clientAuth(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, testKey(), 3600)
	s, err := NewSession(Config{
		TokenURL: ts.URL + "/token", Issuer: "svc", Subject: "user@example.com", Audience: "https://aud.example",
		Key: testKey(), ClientID: "c1", ClientSecret: "s1", Lifetime: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Get(t.Context(), ts.URL+"/resource")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if !strings.HasPrefix(ts.authz[0], "Basic ") {
		t.Errorf("Authorization = %q, want Basic client authentication", ts.authz[0])
	}
	c := ts.claims[0]
	if c["sub"] != "user@example.com" || c["aud"] != "https://aud.example" || c["exp"].(float64)-c["iat"].(float64) != 60 {
		t.Errorf("claims = %v", c)
	}
	if _, ok := ts.forms[0]["scope"]; ok {
		t.Errorf("scope sent without Scopes: %v", ts.forms[0])
	}
}

func TestNewSession_invalidConfig(t *testing.T) {
	t.Parallel()
	pub := testKey().Public()
	tests := []struct {
		name string
		cfg  Config
		want int // number of problems
	}{
		{"empty", Config{}, 4},
		{"public key", Config{TokenURL: "https://t", Issuer: "i", Key: pub}, 1},
		{"lifetime too long", Config{TokenURL: "https://t", Issuer: "i", Key: testKey(), Lifetime: 2 * time.Hour}, 1},
		{"negative lifetime", Config{TokenURL: "https://t", Issuer: "i", Key: testKey(), Lifetime: -time.Second}, 1},
		{"alg not a string", Config{TokenURL: "https://t", Issuer: "i", Key: testKey(), Header: map[string]any{"alg": 1}}, 1},
		{"http token url", Config{TokenURL: "http://t.example", Issuer: "i", Key: testKey()}, 1},
	}
	for _, tc := range tests {
		_, err := NewSession(tc.cfg)
		if err == nil {
			t.Errorf("%s: NewSession() succeeded", tc.name)
			continue
		}
		if n := strings.Count(err.Error(), "\n") + 1; n != tc.want {
			t.Errorf("%s: NewSession() = %d problems, want %d: %v", tc.name, n, tc.want, err)
		}
	}
	if _, err := NewSession(Config{}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("NewSession(empty) = %v, want ErrInvalidConfig", err)
	}
	// One name, one meaning: the root package's sentinel matches too, as
	// it does for the web and oidc packages.
	if _, err := NewSession(Config{}); !errors.Is(err, oauthkit.ErrInvalidConfig) {
		t.Errorf("NewSession(empty) = %v, want oauthkit.ErrInvalidConfig", err)
	}
	if _, err := (&ServiceAccount{}).Config(); !errors.Is(err, oauthkit.ErrInvalidConfig) {
		t.Errorf("incomplete ServiceAccount.Config() = %v, want oauthkit.ErrInvalidConfig", err)
	}
}

func TestJWTBearer_TokenParams(t *testing.T) {
	t.Parallel()
	claims := map[string]any{"scope": "a"}
	g := JWTBearer(Config{TokenURL: "https://t", Issuer: "i", Key: testKey(), Claims: claims})
	claims["scope"] = "changed"
	v, err := g.TokenParams(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_, payload, err := jose.UnsafeDecode(v.Get("assertion"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(payload), `"scope":"a"`) {
		t.Errorf("payload %s: the grant did not copy Claims", payload)
	}
	if _, err := JWTBearer(Config{}).TokenParams(t.Context()); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("TokenParams(empty config) = %v, want ErrInvalidConfig", err)
	}
	if _, err := JWTBearer(Config{TokenURL: "https://t", Issuer: "i", Key: testKey(), Header: map[string]any{"alg": "RS256"}}).TokenParams(t.Context()); err == nil {
		t.Error("TokenParams with an alg that does not fit the key succeeded")
	}
	if s := fmt.Sprint(g); !strings.Contains(s, `Issuer:"i"`) {
		t.Errorf("grant String() = %s", s)
	}
}
