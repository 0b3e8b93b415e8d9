// Package storetest checks that an [oauthkit.TokenStore] follows the
// store protocol: compare-and-swap saves, exclusive leases with a
// deadline and a fence, and waiters woken by saves and releases.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
)

// Open returns two handles on one new, empty store, as two processes
// would have, whose leases last ttl.
type Open func(t *testing.T, ttl time.Duration) (a, b oauthkit.TokenStore)

// Run runs every check against stores made by open.
func Run(t *testing.T, open Open) {
	checks := []struct {
		name string
		run  func(t *testing.T, open Open)
	}{
		{"empty", testEmpty},
		{"save and load", testSaveLoad},
		{"compare and swap", testConflict},
		{"lease exclusive", testLeaseExclusive},
		{"lease expires", testLeaseExpires},
		{"release", testRelease},
		{"wait woken by save and release", testWaitSave},
		{"wait woken by release", testWaitRelease},
		{"wait ends at deadline", testWaitDeadline},
		{"wait returns at once", testWaitFree},
		{"wait canceled", testWaitCanceled},
		{"one holder at a time", testOneHolder},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { c.run(t, open) })
	}
}

// Token returns a token told apart by n.
func Token(n int) *oauthkit.Token {
	return &oauthkit.Token{
		AccessToken:  fmt.Sprintf("access-%d", n),
		TokenType:    "Bearer",
		RefreshToken: fmt.Sprintf("refresh-%d", n),
		ExpiresAt:    time.Unix(1_900_000_000+int64(n), 0),
		Scope:        "read write",
		Extra:        map[string]any{"n": float64(n)},
	}
}

// Put saves tok in s as the only holder would: under a lease, over
// whatever is stored.
func Put(t *testing.T, s oauthkit.TokenStore, tok *oauthkit.Token) {
	t.Helper()
	l := acquire(t, s)
	defer release(t, s, l)
	save(t, s, l, load(t, s), tok)
}

func acquire(t *testing.T, s oauthkit.TokenStore) oauthkit.Lease {
	t.Helper()
	l, err := s.Acquire(t.Context())
	if err != nil {
		t.Fatalf("Acquire() error = %v", err)
	}
	if l.Fence == "" || l.Deadline.IsZero() {
		t.Fatalf("Acquire() = %+v, want a fence and a deadline", l)
	}
	return l
}

func save(t *testing.T, s oauthkit.TokenStore, l oauthkit.Lease, prev, next *oauthkit.Token) {
	t.Helper()
	if err := s.Save(t.Context(), l, prev, next); err != nil {
		t.Fatalf("Save() error = %v", err)
	}
}

func load(t *testing.T, s oauthkit.TokenStore) *oauthkit.Token {
	t.Helper()
	tok, err := s.Load(t.Context())
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	return tok
}

func release(t *testing.T, s oauthkit.TokenStore, l oauthkit.Lease) {
	t.Helper()
	if err := s.Release(t.Context(), l); err != nil {
		t.Fatalf("Release() error = %v", err)
	}
}

func wantToken(t *testing.T, got, want *oauthkit.Token) {
	t.Helper()
	if got == nil || want == nil {
		if got != want {
			t.Fatalf("token = %v, want %v", got, want)
		}
		return
	}
	if got.AccessToken != want.AccessToken || got.RefreshToken != want.RefreshToken ||
		!got.ExpiresAt.Equal(want.ExpiresAt) || got.Scope != want.Scope || got.TokenType != want.TokenType ||
		fmt.Sprint(got.Extra["n"]) != fmt.Sprint(want.Extra["n"]) {
		t.Fatalf("token = %#v, want %#v", got, want)
	}
}

func testEmpty(t *testing.T, open Open) {
	a, _ := open(t, time.Minute)
	if tok := load(t, a); tok != nil {
		t.Fatalf("Load() on an empty store = %v, want nil", tok)
	}
}

func testSaveLoad(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	l := acquire(t, a)
	save(t, a, l, nil, Token(1))
	wantToken(t, load(t, b), Token(1))
	save(t, a, l, Token(1), Token(2))
	release(t, a, l)
	wantToken(t, load(t, b), Token(2))
	wantToken(t, load(t, a), Token(2))
}

func testConflict(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	l := acquire(t, a)
	save(t, a, l, nil, Token(1))
	for _, prev := range []*oauthkit.Token{nil, Token(7)} {
		err := a.Save(t.Context(), l, prev, Token(2))
		wantSentinel(t, fmt.Sprintf("Save(prev %v) over another token", prev), err, oauthkit.ErrTokenConflict)
	}
	wantToken(t, load(t, b), Token(1))
}

func testLeaseExclusive(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	l := acquire(t, a)
	for name, s := range map[string]oauthkit.TokenStore{"other handle": b, "same handle": a} {
		_, err := s.Acquire(t.Context())
		wantSentinel(t, fmt.Sprintf("Acquire() from the %s while held", name), err, oauthkit.ErrLeaseHeld)
	}
	err := b.Save(t.Context(), oauthkit.Lease{Fence: "forged", Deadline: l.Deadline}, nil, Token(1))
	wantSentinel(t, "Save() with a forged fence", err, oauthkit.ErrLeaseLost)
	if err := b.Release(t.Context(), oauthkit.Lease{Fence: "forged"}); err != nil {
		t.Errorf("Release() of a forged lease: error = %v", err)
	}
	_, err = b.Acquire(t.Context())
	wantSentinel(t, "a forged release freed the lease: Acquire()", err, oauthkit.ErrLeaseHeld)
}

func testLeaseExpires(t *testing.T, open Open) {
	a, b := open(t, 300*time.Millisecond)
	l := acquire(t, a)
	time.Sleep(time.Until(l.Deadline) + 100*time.Millisecond)
	l2 := acquire(t, b)
	err := a.Save(t.Context(), l, nil, Token(1))
	wantSentinel(t, "Save() after the deadline", err, oauthkit.ErrLeaseLost)
	release(t, a, l) // an expired lease: no error, and l2 stays
	save(t, b, l2, nil, Token(2))
	wantToken(t, load(t, a), Token(2))
}

func testRelease(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	l := acquire(t, a)
	release(t, a, l)
	release(t, a, l)
	l2 := acquire(t, b)
	err := a.Save(t.Context(), l, nil, Token(1))
	wantSentinel(t, "Save() with a released lease", err, oauthkit.ErrLeaseLost)
	release(t, b, l2)
}

// wantSentinel checks that err, what the call what returned, matches
// sentinel and carries one prefix, the store's: the sentinel's own
// "oauthkit: " does not come along.
func wantSentinel(t *testing.T, what string, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Errorf("%s: error = %v, want %v", what, err, sentinel)
		return
	}
	if msg := err.Error(); strings.Contains(msg, "oauthkit: ") || strings.Count(msg, "store: ") != 1 {
		t.Errorf("%s: error %q; want the store's prefix once and no other", what, msg)
	}
}

// waitAsync starts s.Wait(prev) and returns a channel with its result.
func waitAsync(t *testing.T, s oauthkit.TokenStore, prev *oauthkit.Token) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- s.Wait(t.Context(), prev) }()
	return ch
}

// wantBlocked checks that a wait has not returned yet.
func wantBlocked(t *testing.T, ch <-chan error) {
	t.Helper()
	select {
	case err := <-ch:
		t.Fatalf("Wait() returned early: %v", err)
	case <-time.After(150 * time.Millisecond):
	}
}

// wantWoken checks that a wait returns well before a lease deadline.
func wantWoken(t *testing.T, ch <-chan error) {
	t.Helper()
	select {
	case err := <-ch:
		if err != nil {
			t.Fatalf("Wait() error = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait() not woken")
	}
}

func testWaitSave(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	l := acquire(t, a)
	save(t, a, l, nil, Token(1))
	ch := waitAsync(t, b, Token(1))
	wantBlocked(t, ch)
	save(t, a, l, Token(1), Token(2))
	release(t, a, l)
	wantWoken(t, ch)
	wantToken(t, load(t, b), Token(2))
}

func testWaitRelease(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	l := acquire(t, a)
	ch := waitAsync(t, b, nil)
	wantBlocked(t, ch)
	release(t, a, l)
	wantWoken(t, ch)
}

func testWaitDeadline(t *testing.T, open Open) {
	a, b := open(t, 500*time.Millisecond)
	l := acquire(t, a)
	ch := waitAsync(t, b, nil)
	select {
	case err := <-ch:
		if err != nil {
			t.Fatalf("Wait() error = %v", err)
		}
		if time.Now().Before(l.Deadline.Add(-100 * time.Millisecond)) {
			t.Fatalf("Wait() returned at %v, before the lease deadline %v", time.Now(), l.Deadline)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait() did not return at the lease deadline")
	}
}

func testWaitFree(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	wantWoken(t, waitAsync(t, b, nil)) // no lease
	l := acquire(t, a)
	save(t, a, l, nil, Token(1))
	wantWoken(t, waitAsync(t, b, nil)) // the token is not prev
	release(t, a, l)
}

func testWaitCanceled(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	l := acquire(t, a)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if err := b.Wait(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait() past its context: error = %v, want DeadlineExceeded", err)
	}
	release(t, a, l)
}

// testOneHolder races goroutines on both handles for the lease: at most
// one holds it at a time, and every holder's save lands.
func testOneHolder(t *testing.T, open Open) {
	a, b := open(t, time.Minute)
	var holders, saves atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for range 3 {
				l, err := s.Acquire(t.Context())
				if errors.Is(err, oauthkit.ErrLeaseHeld) {
					if err := s.Wait(t.Context(), nil); err != nil {
						t.Error(err)
					}
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				if n := holders.Add(1); n != 1 {
					t.Errorf("%d holders at once", n)
				}
				prev, err := s.Load(t.Context())
				if err != nil {
					t.Error(err)
				}
				if err := s.Save(t.Context(), l, prev, Token(int(saves.Add(1)))); err != nil {
					t.Errorf("Save() by the holder: %v", err)
				}
				holders.Add(-1)
				if err := s.Release(t.Context(), l); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if saves.Load() == 0 {
		t.Fatal("no goroutine got the lease")
	}
	wantToken(t, load(t, a), Token(int(saves.Load())))
}
