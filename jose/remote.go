package jose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/secure"
)

// Defaults and bounds of RemoteKeySet.
const (
	defaultMinRefresh   = 30 * time.Second
	defaultTTL          = time.Hour
	defaultFetchTimeout = 30 * time.Second
	minTTL              = time.Minute
	maxTTL              = 24 * time.Hour
	maxJWKSBytes        = 1 << 20
)

// RemoteKeySetConfig configures a [RemoteKeySet].
type RemoteKeySetConfig struct {
	// URL is the JWK Set URL (for OpenID Connect, the provider's
	// "jwks_uri"). It must be https, or http to a loopback host.
	URL string
	// HTTPClient fetches the set. If nil, [http.DefaultClient] is used.
	// Redirects are followed only to https, or http to loopback (plain
	// http elsewhere with InsecureAllowHTTP, but never down from https),
	// before the client's own CheckRedirect is consulted.
	HTTPClient *http.Client
	// Now returns the current time. If nil, [time.Now] is used.
	Now func() time.Time
	// MinRefreshInterval is the shortest time between two fetches caused
	// by a token with an unknown "kid", or between retries after a failed
	// fetch. Other fetches (the first one, or one after the set went
	// stale) do not count: a kid the provider rotated in just after such
	// a fetch is still looked up at once. [RemoteKeySet.Refresh] ignores
	// it. Zero means 30s.
	MinRefreshInterval time.Duration
	// DefaultTTL is how long a fetched set is used when the response has
	// no Cache-Control max-age. Zero means 1h. A max-age is clamped to
	// [max(1m, MinRefreshInterval), MaxAge].
	DefaultTTL time.Duration
	// MaxAge is the longest a fetched set is used before it is fetched
	// again, whatever the response's Cache-Control or DefaultTTL say.
	// Zero means 24h.
	MaxAge time.Duration
	// FetchTimeout bounds one fetch. Zero means 30s.
	FetchTimeout time.Duration
	// InsecureAllowHTTP allows a plain http URL to a non-loopback host.
	// Anyone on the network path could then substitute keys and forge
	// tokens; use it only in closed test environments.
	InsecureAllowHTTP bool
}

// RemoteKeySet is a [KeySource] backed by a JWK Set fetched over HTTP
// (RFC 7517 section 5). The set is fetched lazily on first use and cached
// for the response's Cache-Control max-age (within bounds) or
// [RemoteKeySetConfig.DefaultTTL]. A token whose "kid" is not in the cache
// triggers one refetch, at most once per MinRefreshInterval, so that key
// rotation is picked up without letting tokens with random key IDs flood
// the server. At most one fetch is in flight at a time: concurrent callers
// wait for it, each until its own context is done, while the fetch itself
// runs under [context.WithoutCancel] with its own timeout and fills the
// cache for later callers. When a refetch fails, the previous keys are
// kept. Fetched "oct" (symmetric) keys are dropped and private keys are
// reduced to their public half, so a remote set can never verify an HMAC
// token.
//
// A RemoteKeySet is safe for concurrent use by multiple goroutines.
type RemoteKeySet struct {
	url        string
	client     *http.Client
	now        func() time.Time
	minRefresh time.Duration
	ttl        time.Duration
	maxAge     time.Duration
	timeout    time.Duration

	mu          sync.Mutex // guards the fields below
	keys        []*Key     // nil until the first successful fetch
	expiry      time.Time  // when keys go stale
	lastFetch   time.Time  // start of the latest fetch
	lastRefetch time.Time  // start of the latest fetch for an unknown kid
	lastErr     error      // error of the latest fetch, or nil
	inflight    *fetchCall // the running fetch, or nil
}

// fetchCall is one fetch that callers wait for.
type fetchCall struct {
	done chan struct{} // closed when the fetch ends
	err  error         // written before done is closed
}

// NewRemoteKeySet returns a RemoteKeySet for cfg. It does not fetch
// anything; the first [RemoteKeySet.KeysFor] or [RemoteKeySet.Refresh] does.
func NewRemoteKeySet(cfg RemoteKeySetConfig) (*RemoteKeySet, error) {
	if err := checkJWKSURL(cfg.URL, cfg.InsecureAllowHTTP); err != nil {
		return nil, &FetchError{URL: cfg.URL, Reason: "invalid url", Err: err}
	}
	r := &RemoteKeySet{
		url:        cfg.URL,
		client:     secure.RedirectPolicy{AllowHTTP: cfg.InsecureAllowHTTP}.Follow(cfg.HTTPClient),
		now:        cfg.Now,
		minRefresh: orDefault(cfg.MinRefreshInterval, defaultMinRefresh),
		ttl:        orDefault(cfg.DefaultTTL, defaultTTL),
		maxAge:     orDefault(cfg.MaxAge, maxTTL),
		timeout:    orDefault(cfg.FetchTimeout, defaultFetchTimeout),
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r, nil
}

// orDefault returns d, or def when d is not positive.
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// checkJWKSURL requires an absolute https URL, or http to a loopback host.
func checkJWKSURL(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Host == "" {
		return errors.New("url has no host")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if allowHTTP || secure.IsLoopback(u.Hostname()) {
			return nil
		}
		return errors.New("http is allowed only for loopback hosts")
	}
	return fmt.Errorf("scheme %q is not https", u.Scheme)
}

// KeysFor returns the cached keys that fit header h (see [KeySet.KeysFor]),
// fetching the set first if it has not been fetched yet or has expired.
// A "kid" not in the cache causes one refetch, unless this call has just
// fetched the set or the last refetch for an unknown kid is less than
// MinRefreshInterval old. Errors are [ErrNoMatchingKey],
// [ErrKeyTypeMismatch], a [*FetchError] when no keys could be fetched at
// all, or ctx's error.
func (r *RemoteKeySet) KeysFor(ctx context.Context, h Header) ([]*Key, error) {
	keys, fetched, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	if h.KeyID == "" || hasKeyID(keys, h.KeyID) || fetched {
		// Known, or unknown to the set just fetched as well.
		return selectKeys(keys, h)
	}
	// Unknown kid: maybe the provider rotated its keys.
	fetched, err = r.refresh(ctx, true)
	if err != nil && ctx.Err() != nil {
		return nil, err
	}
	if fetched && err != nil {
		return nil, errorf(ErrNoMatchingKey, "no key with kid %q (refetch failed: %v)", h.KeyID, err)
	}
	return selectKeys(r.cached(), h)
}

// Refresh fetches the set now, or waits for a fetch already in flight,
// regardless of the cache. On failure the previous keys are kept and the
// error (a [*FetchError] or ctx's error) is returned.
func (r *RemoteKeySet) Refresh(ctx context.Context) error {
	_, err := r.refresh(ctx, false)
	return err
}

// current returns fresh keys, fetching if needed, and whether it waited
// for a fetch. Stale keys are returned when a refetch fails or was tried
// too recently; when there are no keys and the last fetch failed less
// than MinRefreshInterval ago, its error is returned without another
// fetch.
func (r *RemoteKeySet) current(ctx context.Context) ([]*Key, bool, error) {
	r.mu.Lock()
	keys, lastErr, now := r.keys, r.lastErr, r.now()
	fresh := keys != nil && now.Before(r.expiry)
	recent := r.inflight == nil && now.Sub(r.lastFetch) < r.minRefresh
	r.mu.Unlock()
	switch {
	case fresh || (keys != nil && recent):
		return keys, false, nil
	case keys == nil && recent && lastErr != nil:
		return nil, false, lastErr
	}
	_, err := r.refresh(ctx, false)
	if keys = r.cached(); keys != nil {
		return keys, true, nil
	}
	if err == nil {
		err = &FetchError{URL: r.url, Reason: "no keys"}
	}
	return nil, true, err
}

// cached returns the current keys, possibly nil.
func (r *RemoteKeySet) cached() []*Key {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys
}

// refresh joins the fetch in flight or starts one. With unknownKID, the
// fetch is for a kid not in the set: it does not start one within
// MinRefreshInterval of the last such fetch. It reports whether a fetch
// was waited for, and that fetch's error or ctx's error.
func (r *RemoteKeySet) refresh(ctx context.Context, unknownKID bool) (bool, error) {
	r.mu.Lock()
	call := r.inflight
	if call == nil {
		now := r.now()
		if unknownKID {
			if !r.lastRefetch.IsZero() && now.Sub(r.lastRefetch) < r.minRefresh {
				r.mu.Unlock()
				return false, nil
			}
			r.lastRefetch = now
		}
		call = &fetchCall{done: make(chan struct{})}
		r.inflight, r.lastFetch = call, now
		go r.run(context.WithoutCancel(ctx), call)
	}
	r.mu.Unlock()
	select {
	case <-call.done:
		return true, call.err
	case <-ctx.Done():
		return true, fmt.Errorf("jose: waiting for jwks: %w", ctx.Err())
	}
}

// guardedFetch fetches the set and returns when it expires. It runs in
// the goroutine of run, which no caller's recover reaches: a panic of the
// caller's HTTP client or clock becomes the error of the fetch.
func (r *RemoteKeySet) guardedFetch(ctx context.Context) (keys []*Key, expiry time.Time, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &FetchError{URL: r.url, Reason: "panic during fetch", Err: &panicError{value: v, stack: debug.Stack()}}
		}
	}()
	keys, ttl, err := r.fetch(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	return keys, r.now().Add(ttl), nil
}

// panicError is a recovered panic; %+v adds the stack.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// Unwrap returns the panic value when it is an error.
func (e *panicError) Unwrap() error {
	err, _ := e.value.(error)
	return err
}

// Format prints Error, and with %+v the stack after it.
func (e *panicError) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, e.Error())
	if verb == 'v' && f.Flag('+') {
		fmt.Fprintf(f, "\n%s", e.stack)
	}
}

// run performs one fetch and publishes its result.
func (r *RemoteKeySet) run(ctx context.Context, call *fetchCall) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	keys, expiry, err := r.guardedFetch(ctx)
	r.mu.Lock()
	if err == nil {
		r.keys, r.expiry = keys, expiry
	}
	call.err, r.lastErr = err, err
	r.inflight = nil
	r.mu.Unlock()
	close(call.done)
}

// fetch downloads and parses the set.
func (r *RemoteKeySet) fetch(ctx context.Context) ([]*Key, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, 0, &FetchError{URL: r.url, Reason: "request", Err: err}
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, 0, &FetchError{URL: r.url, Reason: "request failed", Err: redact.URLError(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	fail := func(reason string, err error) error {
		return &FetchError{URL: r.url, StatusCode: resp.StatusCode, Reason: reason, Err: err}
	}
	switch {
	case err != nil:
		return nil, 0, fail("reading body", err)
	case resp.StatusCode != http.StatusOK:
		return nil, 0, fail("unexpected status", nil)
	case len(body) > maxJWKSBytes:
		return nil, 0, fail("body exceeds 1 MiB", nil)
	case isHTML(resp.Header.Get("Content-Type"), body):
		return nil, 0, fail("got HTML, not a JWK Set", nil)
	}
	set, err := parseJWKS(body)
	if err != nil {
		return nil, 0, fail("invalid JWK Set", err)
	}
	keys := set.Public().Keys
	if len(keys) == 0 {
		return nil, 0, fail("no usable public keys", nil)
	}
	return keys, r.cacheTTL(resp.Header), nil
}

// isHTML reports whether a response is an HTML page (a login or error page
// served instead of the set).
func isHTML(contentType string, body []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	return bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("<"))
}

// cacheTTL derives the cache lifetime from Cache-Control (RFC 9111
// section 5.2.2.1): max-age within [max(1m, MinRefreshInterval), MaxAge];
// no-store and no-cache mean the lower bound; otherwise DefaultTTL. None
// exceeds MaxAge.
func (r *RemoteKeySet) cacheTTL(h http.Header) time.Duration {
	return min(r.headerTTL(h), r.maxAge)
}

// headerTTL is cacheTTL before MaxAge applies.
func (r *RemoteKeySet) headerTTL(h http.Header) time.Duration {
	lo := max(minTTL, r.minRefresh)
	ttl, found := r.ttl, false
	for _, field := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(field, ",") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-store", "no-cache":
				return lo
			case "max-age":
				if s, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64); err == nil && s >= 0 && !found {
					ttl, found = time.Duration(min(s, int64(maxTTL/time.Second)))*time.Second, true
				}
			}
		}
	}
	if !found {
		return ttl
	}
	return min(max(ttl, lo), maxTTL)
}

// hasKeyID reports whether any key has the given ID.
func hasKeyID(keys []*Key, kid string) bool {
	for _, k := range keys {
		if k != nil && k.KeyID == kid {
			return true
		}
	}
	return false
}
