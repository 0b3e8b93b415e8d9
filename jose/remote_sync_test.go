package jose

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// gateTransport answers every request with a JWK Set once release is
// closed, or fails when the request's context ends first. It keeps the
// goroutines of a synctest bubble durably blocked while it waits.
type gateTransport struct {
	calls   atomic.Int32
	release chan struct{}
	body    []byte
}

func newGateTransport(t *testing.T, keys ...*Key) *gateTransport {
	t.Helper()
	b, err := KeySet{Keys: keys}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return &gateTransport{release: make(chan struct{}), body: b}
}

func (g *gateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	g.calls.Add(1)
	select {
	case <-g.release:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(g.body)),
		Request:    req,
	}, nil
}

func newGatedRemote(t *testing.T, g *gateTransport) *RemoteKeySet {
	t.Helper()
	r, err := NewRemoteKeySet(RemoteKeySetConfig{
		URL:        "https://idp.example/jwks",
		HTTPClient: &http.Client{Transport: g},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRemoteKeySet_singleFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newGateTransport(t, ecKey("a"))
		r := newGatedRemote(t, g)
		const n = 100
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			kid := "a"
			if i%2 == 1 {
				kid = "unknown" // would trigger a refetch if not joined
			}
			wg.Go(func() {
				_, errs[i] = r.KeysFor(context.Background(), Header{Algorithm: ES256, KeyID: kid})
			})
		}
		synctest.Wait()
		if c := g.calls.Load(); c != 1 {
			t.Errorf("fetches in flight = %d; want 1", c)
		}
		close(g.release)
		wg.Wait()
		for i, err := range errs {
			if i%2 == 0 && err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
			if i%2 == 1 && !errors.Is(err, ErrNoMatchingKey) {
				t.Errorf("caller %d: %v; want %v", i, err, ErrNoMatchingKey)
			}
		}
		if c := g.calls.Load(); c != 1 {
			t.Errorf("fetches = %d; want 1", c)
		}
	})
}

func TestRemoteKeySet_cancelledWaiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newGateTransport(t, ecKey("a"))
		r := newGatedRemote(t, g)
		h := Header{Algorithm: ES256, KeyID: "a"}

		ctx, cancel := context.WithCancel(context.Background())
		cancelled := make(chan error, 1)
		go func() {
			_, err := r.KeysFor(ctx, h)
			cancelled <- err
		}()
		patient := make(chan error, 1)
		go func() {
			_, err := r.KeysFor(context.Background(), h)
			patient <- err
		}()
		synctest.Wait()
		cancel()
		synctest.Wait()
		select {
		case err := <-cancelled:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled waiter: %v; want %v", err, context.Canceled)
			}
		default:
			t.Fatal("cancelled waiter still blocked")
		}
		select {
		case err := <-patient:
			t.Fatalf("other waiter returned early: %v", err)
		default:
		}
		// The fetch was not cancelled with the first caller.
		close(g.release)
		if err := <-patient; err != nil {
			t.Errorf("other waiter: %v", err)
		}
		if _, err := r.KeysFor(context.Background(), h); err != nil || g.calls.Load() != 1 {
			t.Errorf("KeysFor() after fetch = %v, fetches %d; want nil, 1", err, g.calls.Load())
		}
	})
}

func TestRemoteKeySet_fetchTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newGateTransport(t, ecKey("a")) // never released
		r := newGatedRemote(t, g)
		start := time.Now()
		_, err := r.KeysFor(context.Background(), Header{Algorithm: ES256})
		if !errors.Is(err, ErrJWKSFetch) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("KeysFor() = %v; want %v wrapping %v", err, ErrJWKSFetch, context.DeadlineExceeded)
		}
		if d := time.Since(start); d != defaultFetchTimeout {
			t.Errorf("fetch gave up after %v; want %v", d, defaultFetchTimeout)
		}
	})
}
