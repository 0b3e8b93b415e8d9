package jose

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a manually advanced clock for Config.Now.
type fakeClock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// jwksServer serves a JWK Set whose answer tests can change.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int32

	mu           sync.Mutex // guards the fields below
	status       int
	body         string
	contentType  string
	cacheControl string
}

func newJWKSServer(t *testing.T, keys ...*Key) *jwksServer {
	t.Helper()
	s := &jwksServer{status: http.StatusOK, contentType: "application/json"}
	s.setKeys(t, keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.contentType != "" {
			w.Header().Set("Content-Type", s.contentType)
		}
		if s.cacheControl != "" {
			w.Header().Set("Cache-Control", s.cacheControl)
		}
		w.WriteHeader(s.status)
		_, _ = w.Write([]byte(s.body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) setKeys(t *testing.T, keys ...*Key) {
	t.Helper()
	b, err := KeySet{Keys: keys}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	s.set(http.StatusOK, "application/json", string(b))
}

func (s *jwksServer) set(status int, contentType, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.contentType, s.body = status, contentType, body
}

func (s *jwksServer) setCacheControl(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cacheControl = v
}

func newRemote(t *testing.T, url string, clock *fakeClock) *RemoteKeySet {
	t.Helper()
	r, err := NewRemoteKeySet(RemoteKeySetConfig{URL: url, Now: clock.Now})
	if err != nil {
		t.Fatalf("NewRemoteKeySet(%q) = %v", url, err)
	}
	return r
}

func ecKey(kid string) *Key { return &Key{KeyID: kid, Key: testP256().Public()} }

func TestRemoteKeySet_lazyAndCached(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, ecKey("a"))
	clock := newFakeClock()
	r := newRemote(t, srv.URL, clock)
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("NewRemoteKeySet fetched %d times; want 0", n)
	}
	h := Header{Algorithm: ES256, KeyID: "a"}
	for range 3 {
		if _, err := r.KeysFor(t.Context(), h); err != nil {
			t.Fatalf("KeysFor() = %v", err)
		}
	}
	clock.Advance(59 * time.Minute)
	if _, err := r.KeysFor(t.Context(), h); err != nil {
		t.Fatal(err)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("fetches within default TTL = %d; want 1", n)
	}
	clock.Advance(2 * time.Minute)
	if _, err := r.KeysFor(t.Context(), h); err != nil {
		t.Fatal(err)
	}
	if n := srv.hits.Load(); n != 2 {
		t.Errorf("fetches after default TTL = %d; want 2", n)
	}
}

func TestRemoteKeySet_maxAge(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, ecKey("a"))
	srv.setCacheControl("public, max-age=120")
	clock := newFakeClock()
	r := newRemote(t, srv.URL, clock)
	h := Header{Algorithm: ES256, KeyID: "a"}
	steps := []struct {
		advance  time.Duration
		wantHits int32
	}{{0, 1}, {119 * time.Second, 1}, {2 * time.Second, 2}, {time.Second, 2}}
	for i, s := range steps {
		clock.Advance(s.advance)
		if _, err := r.KeysFor(t.Context(), h); err != nil {
			t.Fatal(err)
		}
		if n := srv.hits.Load(); n != s.wantHits {
			t.Errorf("step %d: fetches = %d; want %d", i, n, s.wantHits)
		}
	}
}

func TestRemoteKeySet_cacheTTL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		header     []string
		minRefresh time.Duration
		want       time.Duration
	}{
		{"none", nil, 0, time.Hour},
		{"max-age", []string{"max-age=600"}, 0, 10 * time.Minute},
		{"among others", []string{"public, must-revalidate, Max-Age=300"}, 0, 5 * time.Minute},
		{"quoted", []string{`max-age="900"`}, 0, 15 * time.Minute},
		{"too short", []string{"max-age=1"}, 0, time.Minute},
		{"zero", []string{"max-age=0"}, 0, time.Minute},
		{"below min refresh", []string{"max-age=120"}, 5 * time.Minute, 5 * time.Minute},
		{"too long", []string{"max-age=99999999999"}, 0, 24 * time.Hour},
		{"no-store", []string{"no-store"}, 0, time.Minute},
		{"no-cache", []string{"max-age=600", "no-cache"}, 0, time.Minute},
		{"invalid", []string{"max-age=soon"}, 0, time.Hour},
		{"negative", []string{"max-age=-5"}, 0, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewRemoteKeySet(RemoteKeySetConfig{URL: "https://idp.example/jwks", MinRefreshInterval: tt.minRefresh})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.cacheTTL(http.Header{"Cache-Control": tt.header}); got != tt.want {
				t.Errorf("cacheTTL(%q) = %v; want %v", tt.header, got, tt.want)
			}
		})
	}
}

// A provider that rotates its key right after the set was fetched: the
// new kid is looked up at once, since the ordinary fetch before it does
// not count against MinRefreshInterval; only refetches for unknown kids
// are rate-limited among themselves.
func TestRemoteKeySet_unknownKIDRefetch(t *testing.T) {
	t.Parallel()
	other := &Key{KeyID: "b", Key: testP384().Public()}
	srv := newJWKSServer(t, ecKey("a"))
	clock := newFakeClock()
	r := newRemote(t, srv.URL, clock)
	ctx := t.Context()
	if _, err := r.KeysFor(ctx, Header{Algorithm: ES256, KeyID: "a"}); err != nil {
		t.Fatal(err)
	}
	// The provider rotates its keys (the set now holds only the new one);
	// a token with the new kid arrives a second later.
	srv.setKeys(t, other)
	clock.Advance(time.Second)
	keys, err := r.KeysFor(ctx, Header{Algorithm: ES384, KeyID: "b"})
	if err != nil || len(keys) != 1 || keys[0].KeyID != "b" {
		t.Fatalf("KeysFor(rotated kid) = %v, %v; want key b", keys, err)
	}
	if n := srv.hits.Load(); n != 2 {
		t.Errorf("fetches = %d; want 2 (the first, then one for the new kid)", n)
	}
	// The next rotation within MinRefreshInterval waits for the interval.
	srv.setKeys(t, other, ecKey("c"))
	if _, err := r.KeysFor(ctx, Header{Algorithm: ES256, KeyID: "c"}); !errors.Is(err, ErrNoMatchingKey) {
		t.Errorf("KeysFor(second new kid) within MinRefreshInterval = %v; want %v", err, ErrNoMatchingKey)
	}
	clock.Advance(30 * time.Second)
	if _, err := r.KeysFor(ctx, Header{Algorithm: ES256, KeyID: "c"}); err != nil {
		t.Errorf("KeysFor(second new kid) after MinRefreshInterval = %v", err)
	}
	if n := srv.hits.Load(); n != 3 {
		t.Errorf("fetches = %d; want 3", n)
	}
}

// Tokens with random unknown kids cost at most one fetch per
// MinRefreshInterval, however many arrive.
func TestRemoteKeySet_unknownKIDFlood(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, ecKey("a"))
	clock := newFakeClock()
	r := newRemote(t, srv.URL, clock)
	ctx := t.Context()
	for i := range 5 * 30 { // five intervals, a token every second
		kid := fmt.Sprintf("random-%d", i)
		if _, err := r.KeysFor(ctx, Header{Algorithm: ES256, KeyID: kid}); !errors.Is(err, ErrNoMatchingKey) {
			t.Fatalf("KeysFor(%q) = %v; want %v", kid, err, ErrNoMatchingKey)
		}
		clock.Advance(time.Second)
	}
	// The first fetch (which found no such kid either), then one refetch
	// per interval.
	if n := srv.hits.Load(); n > 1+5 {
		t.Errorf("fetches = %d; want at most %d", n, 1+5)
	}
}

// A verification that has just fetched the set (the first fetch, or one
// after the set went stale) does not fetch it again for an unknown kid.
func TestRemoteKeySet_unknownKIDJustFetched(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, ecKey("a"))
	clock := newFakeClock()
	r := newRemote(t, srv.URL, clock)
	ctx := t.Context()
	h := Header{Algorithm: ES256, KeyID: "unknown"}
	if _, err := r.KeysFor(ctx, h); !errors.Is(err, ErrNoMatchingKey) {
		t.Fatalf("KeysFor(unknown kid) = %v; want %v", err, ErrNoMatchingKey)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("first verification: fetches = %d; want 1", n)
	}
	clock.Advance(2 * time.Hour) // past the TTL
	if _, err := r.KeysFor(ctx, h); !errors.Is(err, ErrNoMatchingKey) {
		t.Fatalf("KeysFor(unknown kid) = %v; want %v", err, ErrNoMatchingKey)
	}
	if n := srv.hits.Load(); n != 2 {
		t.Errorf("verification after the TTL: fetches = %d; want 2", n)
	}
}

// MaxAge caps the cache lifetime a response asks for.
func TestRemoteKeySet_maxAgeCap(t *testing.T) {
	t.Parallel()
	r, err := NewRemoteKeySet(RemoteKeySetConfig{URL: "https://idp.example/jwks", MaxAge: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, cc := range [][]string{nil, {"max-age=86400"}} {
		if got := r.cacheTTL(http.Header{"Cache-Control": cc}); got != 5*time.Minute {
			t.Errorf("cacheTTL(%q) with MaxAge 5m = %v; want 5m", cc, got)
		}
	}
}

func TestRemoteKeySet_fetchErrors(t *testing.T) {
	t.Parallel()
	const marker = "secret-body-marker"
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
	}{
		{"server error", http.StatusInternalServerError, "application/json", `{"error":"` + marker + `"}`},
		{"not found", http.StatusNotFound, "", marker},
		{"html", http.StatusOK, "text/html; charset=utf-8", "<html>" + marker + "</html>"},
		{"html without content type", http.StatusOK, "", "\n <!DOCTYPE html>" + marker},
		{"invalid json", http.StatusOK, "application/json", `{"keys":[` + marker},
		{"not a jwks", http.StatusOK, "application/json", `{"issuer":"` + marker + `"}`},
		{"too large", http.StatusOK, "application/json", `{"keys":[],"x":"` + strings.Repeat("a", 1<<20) + marker + `"}`},
		{"only secrets", http.StatusOK, "application/json", `{"keys":[{"kty":"oct","k":"` + strings.Repeat("A", 43) + `"}]}`},
		{"no usable keys", http.StatusOK, "application/json", `{"keys":[{"kty":"foo"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newJWKSServer(t)
			srv.set(tt.status, tt.contentType, tt.body)
			r := newRemote(t, srv.URL, newFakeClock())
			checkFetchError(t, r, srv.URL, marker)
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL + "/jwks"
		srv.Close()
		checkFetchError(t, newRemote(t, url, newFakeClock()), url, marker)
	})
}

func checkFetchError(t *testing.T, r *RemoteKeySet, url, marker string) {
	t.Helper()
	_, err := r.KeysFor(t.Context(), Header{Algorithm: ES256})
	if !errors.Is(err, ErrJWKSFetch) {
		t.Fatalf("KeysFor() = %v; want %v", err, ErrJWKSFetch)
	}
	fe, ok := errors.AsType[*FetchError](err)
	if !ok || fe.URL != url {
		t.Errorf("KeysFor() = %#v; want *FetchError for %q", err, url)
	}
	msg := err.Error()
	if !strings.Contains(msg, url) || strings.Contains(msg, marker) || strings.Contains(msg, "\n") ||
		strings.Count(msg, "jose: ") != 1 {
		t.Errorf("error message %q: want one line naming the URL once prefixed, without the body", msg)
	}
}

func TestRemoteKeySet_failureKeepsOldKeys(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, ecKey("a"))
	clock := newFakeClock()
	r := newRemote(t, srv.URL, clock)
	ctx := t.Context()
	h := Header{Algorithm: ES256, KeyID: "a"}
	if _, err := r.KeysFor(ctx, h); err != nil {
		t.Fatal(err)
	}
	srv.set(http.StatusServiceUnavailable, "text/plain", "down")
	if err := r.Refresh(ctx); !errors.Is(err, ErrJWKSFetch) {
		t.Errorf("Refresh() = %v; want %v", err, ErrJWKSFetch)
	}
	if _, err := r.KeysFor(ctx, h); err != nil {
		t.Errorf("KeysFor() after failed refresh = %v", err)
	}
	clock.Advance(2 * time.Hour) // keys are stale now
	if _, err := r.KeysFor(ctx, h); err != nil {
		t.Errorf("KeysFor() with stale keys and failing server = %v", err)
	}
	if _, err := r.KeysFor(ctx, h); err != nil {
		t.Errorf("KeysFor() again = %v", err)
	}
	if n := srv.hits.Load(); n != 3 {
		t.Errorf("fetches = %d; want 3 (retry rate-limited)", n)
	}
	srv.setKeys(t, ecKey("a"))
	clock.Advance(31 * time.Second)
	if _, err := r.KeysFor(ctx, h); err != nil || srv.hits.Load() != 4 {
		t.Errorf("KeysFor() after recovery = %v, fetches %d; want nil, 4", err, srv.hits.Load())
	}
}

func TestRemoteKeySet_initialFailureRateLimited(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t)
	srv.set(http.StatusInternalServerError, "", "")
	clock := newFakeClock()
	r := newRemote(t, srv.URL, clock)
	h := Header{Algorithm: ES256}
	for range 3 {
		if _, err := r.KeysFor(t.Context(), h); !errors.Is(err, ErrJWKSFetch) {
			t.Fatalf("KeysFor() = %v; want %v", err, ErrJWKSFetch)
		}
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("fetches = %d; want 1", n)
	}
	srv.setKeys(t, ecKey("a"))
	clock.Advance(30 * time.Second)
	if _, err := r.KeysFor(t.Context(), h); err != nil {
		t.Errorf("KeysFor() after recovery = %v", err)
	}
}

func TestRemoteKeySet_verify(t *testing.T) {
	t.Parallel()
	key := newTestKey(t, testP256(), "a", "")
	srv := newJWKSServer(t, key)
	r := newRemote(t, srv.URL, newFakeClock())
	tok := signTest(t, key, "", nil, map[string]string{"sub": "x"})
	if _, err := Verify(t.Context(), tok, r, VerifyOptions{Algorithms: []string{ES256}}); err != nil {
		t.Errorf("Verify() = %v", err)
	}
	// An HMAC token whose secret is the served JWKS cannot verify.
	srv.set(http.StatusOK, "application/json", `{"keys":[{"kty":"oct","kid":"h","k":"`+strings.Repeat("A", 43)+`"},`+jwkJSON(t, key.Public())+`]}`)
	if err := r.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	hs := signTest(t, &Key{KeyID: "h", Key: make([]byte, 32)}, HS256, nil, "x")
	if _, err := Verify(t.Context(), hs, r, VerifyOptions{Algorithms: []string{ES256, HS256}}); !errors.Is(err, ErrNoMatchingKey) {
		t.Errorf("Verify(HMAC with remote oct key) = %v; want %v", err, ErrNoMatchingKey)
	}
}

func TestNewRemoteKeySet_url(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url       string
		allowHTTP bool
		ok        bool
	}{
		{"https://idp.example/jwks", false, true},
		{"http://127.0.0.1:8080/jwks", false, true},
		{"http://[::1]/jwks", false, true},
		{"http://localhost/jwks", false, true},
		{"http://idp.example/jwks", false, false},
		{"http://idp.example/jwks", true, true},
		{"", false, false},
		{"/jwks", false, false},
		{"ftp://idp.example/jwks", false, false},
		{"https://%zz", false, false},
	}
	for _, tt := range tests {
		_, err := NewRemoteKeySet(RemoteKeySetConfig{URL: tt.url, InsecureAllowHTTP: tt.allowHTTP})
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrJWKSFetch)) {
			t.Errorf("NewRemoteKeySet(%q, allowHTTP=%v) = %v; want ok %v", tt.url, tt.allowHTTP, err, tt.ok)
		}
	}
}

func TestFetchError_unwrap(t *testing.T) {
	t.Parallel()
	err := error(&FetchError{URL: "u", Reason: "request failed", Err: context.DeadlineExceeded})
	if !errors.Is(err, ErrJWKSFetch) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("FetchError does not match its sentinel and cause: %v", err)
	}
}
