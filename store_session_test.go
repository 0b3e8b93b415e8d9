package oauthkit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/store/memory"
)

// storeEnv is an oauthtest server that rotates refresh tokens and
// revokes the grant on reuse, and a memory store that sessions share.
type storeEnv struct {
	srv     *oauthtest.Server
	client  oauthtest.Client
	clock   *faultClock
	store   oauthkit.TokenStore
	mem     *memory.Store
	updates atomic.Int32
}

func newStoreEnv(t *testing.T) *storeEnv {
	t.Helper()
	e := &storeEnv{clock: &faultClock{}, mem: &memory.Store{}}
	e.clock.now.Store(time.Now().UnixNano())
	e.store = e.mem
	e.srv = oauthtest.NewUnstartedServer()
	e.srv.RotateRefreshTokens, e.srv.DetectRefreshTokenReuse = true, true
	e.srv.Now = e.clock.Now
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	e.client = e.srv.RegisterClient(oauthtest.Client{})
	return e
}

func (e *storeEnv) session(t *testing.T, mod func(*oauthkit.Config)) *oauthkit.Session {
	t.Helper()
	cfg := oauthkit.Config{
		ClientID: e.client.ID, ClientSecret: e.client.Secret, TokenURL: e.srv.TokenURL(),
		Store: e.store, Now: e.clock.Now, Retry: oauthkit.RetryPolicy{Disabled: true},
		OnTokenUpdate: func(context.Context, oauthkit.TokenUpdate) error { e.updates.Add(1); return nil },
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// login fetches a token with the password grant through s, which saves
// it to the store.
func (e *storeEnv) login(t *testing.T, s *oauthkit.Session) *oauthkit.Token {
	t.Helper()
	u := oauthtest.DefaultUser()
	tok, err := s.FetchToken(t.Context(), oauthkit.Password(u.Username, u.Password))
	if err != nil {
		t.Fatalf("FetchToken() error = %v", err)
	}
	return tok
}

// grants counts the token requests of one grant type.
func (e *storeEnv) grants(gt string) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Endpoint == oauthtest.TokenEndpoint && r.Form.Get("grant_type") == gt {
			n++
		}
	}
	return n
}

// expire moves the clock past the access token's lifetime.
func (e *storeEnv) expire() { e.clock.Advance(time.Hour + time.Second) }

func stored(t *testing.T, st oauthkit.TokenStore) *oauthkit.Token {
	t.Helper()
	tok, err := st.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// hammer calls ValidToken from goroutines on every session at once and
// returns the access tokens they got.
func hammer(t *testing.T, sessions []*oauthkit.Session, perSession int) map[string]int {
	t.Helper()
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for _, s := range sessions {
		for range perSession {
			wg.Go(func() {
				tok, err := s.ValidToken(t.Context())
				if err != nil {
					t.Errorf("ValidToken() error = %v", err)
					return
				}
				mu.Lock()
				got[tok.AccessToken]++
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	return got
}

func TestSession_Store_oneRefreshPerExpiry(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 4, 16} {
		t.Run(time.Duration(n).String(), func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			sessions := make([]*oauthkit.Session, n)
			for i := range sessions {
				sessions[i] = e.session(t, nil)
			}
			e.login(t, sessions[0])
			for expiry := 1; expiry <= 3; expiry++ {
				e.expire()
				got := hammer(t, sessions, 20)
				if len(got) != 1 {
					t.Fatalf("expiry %d: sessions got %d different tokens, want 1", expiry, len(got))
				}
				if r := e.grants("refresh_token"); r != expiry {
					t.Fatalf("after expiry %d: %d refreshes, want %d", expiry, r, expiry)
				}
			}
			if u := e.updates.Load(); u != 3 {
				t.Errorf("OnTokenUpdate calls = %d, want 3 (one per refresh)", u)
			}
		})
	}
}

func TestSession_Store_clientCredentials(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	var sessions []*oauthkit.Session
	for range 8 {
		sessions = append(sessions, e.session(t, func(c *oauthkit.Config) { c.Grant = oauthkit.ClientCredentials() }))
	}
	for round := 1; round <= 3; round++ {
		if got := hammer(t, sessions, 10); len(got) != 1 {
			t.Fatalf("round %d: %d different tokens, want 1", round, len(got))
		}
		if n := e.grants("client_credentials"); n != round {
			t.Fatalf("round %d: %d client-credentials fetches, want %d", round, n, round)
		}
		e.expire()
	}
}

// countingStore counts the calls that reach a store, and fails them on
// demand.
type countingStore struct {
	oauthkit.TokenStore
	calls     atomic.Int32
	fail      atomic.Bool
	failSaves atomic.Int32 // Saves still to fail
	// beforeAcquire, when set, runs once before the next Acquire.
	beforeAcquire atomic.Pointer[func()]
}

var errDown = errors.New("store down")

func (c *countingStore) call() error {
	c.calls.Add(1)
	if c.fail.Load() {
		return errDown
	}
	return nil
}

func (c *countingStore) Load(ctx context.Context) (*oauthkit.Token, error) {
	if err := c.call(); err != nil {
		return nil, err
	}
	return c.TokenStore.Load(ctx)
}

func (c *countingStore) Acquire(ctx context.Context) (oauthkit.Lease, error) {
	if f := c.beforeAcquire.Swap(nil); f != nil {
		(*f)()
	}
	if err := c.call(); err != nil {
		return oauthkit.Lease{}, err
	}
	return c.TokenStore.Acquire(ctx)
}

func (c *countingStore) Save(ctx context.Context, l oauthkit.Lease, prev, next *oauthkit.Token) error {
	if err := c.call(); err != nil {
		return err
	}
	if c.failSaves.Add(-1) >= 0 {
		return errDown
	}
	return c.TokenStore.Save(ctx, l, prev, next)
}

func TestSession_Store_validTokenSkipsStore(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	cs := &countingStore{TokenStore: e.mem}
	e.store = cs
	s := e.session(t, nil)
	e.login(t, s)
	before := cs.calls.Load()
	for range 1000 {
		if _, err := s.ValidToken(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := cs.calls.Load() - before; n != 0 {
		t.Errorf("1000 requests with a valid token made %d store calls, want 0", n)
	}
}

func TestSession_Store_unavailable(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	cs := &countingStore{TokenStore: e.mem}
	e.store = cs
	s := e.session(t, nil)
	tok := e.login(t, s)
	cs.fail.Store(true)
	e.clock.Advance(time.Hour - 30*time.Second) // due, not expired
	for range 3 {
		got, err := s.ValidToken(t.Context())
		if err != nil || got.AccessToken != tok.AccessToken {
			t.Fatalf("ValidToken() inside the leeway, store down = %v, %v; want the cached token", got, err)
		}
	}
	e.clock.Advance(time.Minute) // expired
	if _, err := s.ValidToken(t.Context()); !errors.Is(err, oauthkit.ErrStoreUnavailable) || !errors.Is(err, errDown) {
		t.Fatalf("ValidToken() expired, store down: error = %v, want ErrStoreUnavailable wrapping the cause", err)
	}
	if n := e.grants("refresh_token"); n != 0 {
		t.Fatalf("%d refreshes without the store, want 0", n)
	}
	cs.fail.Store(false)
	if _, err := s.ValidToken(t.Context()); err != nil {
		t.Fatalf("ValidToken() with the store back: %v", err)
	}
	if n := e.grants("refresh_token"); n != 1 {
		t.Errorf("%d refreshes with the store back, want 1", n)
	}
}

func TestSession_Store_deadHolder(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	e.mem.LeaseTTL = 300 * time.Millisecond
	s := e.session(t, nil)
	e.login(t, s)
	if _, err := e.mem.Acquire(t.Context()); err != nil { // a holder that dies
		t.Fatal(err)
	}
	e.expire()
	start := time.Now()
	if _, err := s.ValidToken(t.Context()); err != nil {
		t.Fatalf("ValidToken() after the holder died: %v", err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("refreshed after %v, before the dead holder's lease ended", d)
	}
	if n := e.grants("refresh_token"); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}

func TestSession_Store_saveFailsNothingLost(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	e.mem.LeaseTTL = 300 * time.Millisecond
	cs := &countingStore{TokenStore: e.mem}
	e.store = cs
	a, b := e.session(t, nil), e.session(t, nil)
	e.login(t, a)
	e.expire()
	cs.failSaves.Store(1 << 20) // until the lease ends
	tok, err := a.Refresh(t.Context())
	if !errors.Is(err, oauthkit.ErrStoreUnavailable) || tok == nil {
		t.Fatalf("Refresh() with failing saves = %v, %v; want the new token and ErrStoreUnavailable", tok, err)
	}
	if got := a.Token(); got.RefreshToken != tok.RefreshToken {
		t.Fatal("the session dropped the token it could not save")
	}
	if got, err := a.ValidToken(t.Context()); err != nil || got.AccessToken != tok.AccessToken {
		t.Fatalf("ValidToken() after the failed save = %v, %v; want the new token", got, err)
	}
	cs.failSaves.Store(0)
	// a's next lease saves it first, then renews from it; b, which
	// never saw it, adopts the successor. Nothing is replayed.
	e.expire()
	if _, err := a.ValidToken(t.Context()); err != nil {
		t.Fatal(err)
	}
	got, err := b.ValidToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if s := stored(t, e.mem); s.AccessToken != got.AccessToken || a.Token().AccessToken != got.AccessToken {
		t.Errorf("sessions and store disagree after the unsaved token was recovered")
	}
	if n := e.grants("refresh_token"); n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}
}

// A session whose cached token is older than the stored one renews from
// the stored one: its own refresh token was spent by another holder.
func TestSession_Store_renewsFromStoredToken(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	a, b := e.session(t, nil), e.session(t, nil)
	b.SetToken(e.login(t, a))
	if _, err := a.Refresh(t.Context()); err != nil { // spends the token b holds
		t.Fatal(err)
	}
	e.expire()
	got, err := b.ValidToken(t.Context())
	if err != nil {
		t.Fatalf("ValidToken() of the session with the older token: %v", err)
	}
	if s := stored(t, e.mem); s.AccessToken != got.AccessToken {
		t.Error("the renewed token was not saved")
	}
}

// Another holder renews the token between a session's Load and its
// Acquire: under the lease, the session reads the store again, finds the
// new token and uses it, renewing nothing.
func TestSession_Store_renewedBeforeAcquire(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	cs := &countingStore{TokenStore: e.mem}
	e.store = cs
	a, b := e.session(t, nil), e.session(t, nil)
	e.login(t, a)
	e.expire()
	var renewed *oauthkit.Token
	other := func() {
		var err error
		if renewed, err = b.Refresh(t.Context()); err != nil {
			t.Errorf("the other holder's Refresh() error = %v", err)
		}
	}
	cs.beforeAcquire.Store(&other)
	got, err := a.ValidToken(t.Context())
	if err != nil {
		t.Fatalf("ValidToken() error = %v", err)
	}
	if renewed == nil || got.AccessToken != renewed.AccessToken {
		t.Errorf("ValidToken() = %v; want the token the other holder saved", got)
	}
	if n := e.grants("refresh_token"); n != 1 {
		t.Errorf("%d refreshes, want 1 (the other holder's)", n)
	}
}

// A session without a token loads the stored one; FetchToken seeded it.
func TestSession_Store_firstUseLoads(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	tok := e.login(t, e.session(t, nil))
	s := e.session(t, nil)
	got, err := s.ValidToken(t.Context())
	if err != nil || got.AccessToken != tok.AccessToken {
		t.Fatalf("ValidToken() of a new session = %v, %v; want the stored token", got, err)
	}
	empty := newStoreEnv(t)
	if _, err := empty.session(t, nil).ValidToken(t.Context()); !errors.Is(err, oauthkit.ErrNoToken) {
		t.Fatalf("ValidToken() with an empty store: error = %v, want ErrNoToken", err)
	}
}

// A renewal stops at its lease deadline: past it, another holder may
// renew, and two refreshes with one refresh token would burn it.
func TestSession_Store_renewalEndsAtLeaseDeadline(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	e.mem.LeaseTTL = 300 * time.Millisecond
	s := e.session(t, nil)
	e.login(t, s)
	e.srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Delay: 10 * time.Second, Times: 1})
	e.expire()
	start := time.Now()
	if _, err := s.ValidToken(t.Context()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ValidToken() with a token endpoint slower than the lease: error = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the renewal ran %v, past its lease", d)
	}
	if _, err := s.ValidToken(t.Context()); err != nil {
		t.Fatalf("ValidToken() once the endpoint answers: %v", err)
	}
}

// OnTokenUpdate runs once the lease is released, so that waiters do not
// wait for it, and with the renewal's context, not one that ended at the
// lease deadline: after saves that failed until then, it is what keeps
// the new token.
func TestSession_Store_onTokenUpdateAfterLease(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		failSaves bool
	}{
		{"saved", false},
		{"saves failed until the deadline", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			e.mem.LeaseTTL = 300 * time.Millisecond
			cs := &countingStore{TokenStore: e.mem}
			e.store = cs
			var reports atomic.Int32
			s := e.session(t, func(c *oauthkit.Config) {
				c.OnTokenUpdate = func(ctx context.Context, u oauthkit.TokenUpdate) error {
					if u.OldRefreshToken == "" {
						return nil // the login
					}
					reports.Add(1)
					if err := ctx.Err(); err != nil {
						t.Errorf("OnTokenUpdate's context ended: %v", err)
					}
					l, err := e.mem.Acquire(ctx)
					if err != nil {
						t.Errorf("OnTokenUpdate runs with the lease held: Acquire() error = %v", err)
						return nil
					}
					return e.mem.Release(ctx, l)
				}
			})
			e.login(t, s)
			e.expire()
			if tt.failSaves {
				cs.failSaves.Store(1 << 20)
			}
			if _, err := s.Refresh(t.Context()); (err != nil) != tt.failSaves {
				t.Fatalf("Refresh() error = %v", err)
			}
			if n := reports.Load(); n != 1 {
				t.Errorf("OnTokenUpdate calls = %d, want 1", n)
			}
		})
	}
}
