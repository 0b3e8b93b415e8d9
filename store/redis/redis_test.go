package redis_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/redisserver"
	"github.com/oauthkit/oauthkit/store/internal/storetest"
	"github.com/oauthkit/oauthkit/store/redis"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func client(t *testing.T, addr string) *goredis.Client {
	t.Helper()
	rdb := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func newStore(t *testing.T, rdb goredis.UniversalClient, opts redis.Options) *redis.Store {
	t.Helper()
	s, err := redis.New(rdb, opts)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	var n atomic.Int32
	for _, key := range [][]byte{nil, bytes.Repeat([]byte{7}, 32)} {
		t.Run(map[bool]string{false: "plain", true: "encrypted"}[key != nil], func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T, ttl time.Duration) (a, b oauthkit.TokenStore) {
				opts := redis.Options{ClientID: "client", Name: "t" + string(rune('a'+n.Add(1))), Key: key, LeaseTTL: ttl}
				return newStore(t, client(t, srv.Addr), opts), newStore(t, client(t, srv.Addr), opts)
			})
		})
	}
}

func TestStore_keys(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	rdb := client(t, srv.Addr)
	a := newStore(t, rdb, redis.Options{ClientID: "app/1 {x}", Name: "alice"})
	b := newStore(t, rdb, redis.Options{ClientID: "app/1 {x}", Name: "bob"})
	c := newStore(t, rdb, redis.Options{ClientID: "app2", Prefix: "svc"})
	tok, lease, events := a.Keys()
	want := []string{"oauthkit:{app%2F1+%7Bx%7D/alice}:token", "oauthkit:{app%2F1+%7Bx%7D/alice}:lease", "oauthkit:{app%2F1+%7Bx%7D/alice}:events"}
	if got := []string{tok, lease, events}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Keys() = %q, want %q", got, want)
	}
	if tok, _, _ := c.Keys(); tok != "svc:{app2/default}:token" {
		t.Errorf("Keys() with a prefix and no name = %q", tok)
	}
	storetest.Put(t, a, storetest.Token(1))
	for _, s := range []*redis.Store{b, c} {
		if got, err := s.Load(t.Context()); got != nil || err != nil {
			t.Errorf("Load() of another token's store = %v, %v; want nil", got, err)
		}
		l, err := s.Acquire(t.Context())
		if err != nil {
			t.Errorf("Acquire() of another token's lease: %v", err)
		}
		s.Release(t.Context(), l)
	}
}

func TestStore_encryption(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	rdb := client(t, srv.Addr)
	key := bytes.Repeat([]byte{3}, 32)
	s := newStore(t, rdb, redis.Options{ClientID: "c", Key: key})
	storetest.Put(t, s, storetest.Token(1))
	tokKey, _, _ := s.Keys()
	raw, err := rdb.HGetAll(t.Context(), tokKey).Result()
	if err != nil {
		t.Fatal(err)
	}
	for field, v := range raw {
		for _, secret := range []string{storetest.Token(1).AccessToken, storetest.Token(1).RefreshToken} {
			if strings.Contains(v, secret) {
				t.Errorf("field %q holds a token in clear: %q", field, v)
			}
		}
	}
	// The same ciphertext under another token's key does not decrypt.
	other := newStore(t, rdb, redis.Options{ClientID: "c", Name: "other", Key: key})
	otherKey, _, _ := other.Keys()
	if err := rdb.HSet(t.Context(), otherKey, "tok", raw["tok"], "fp", raw["fp"]).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Load(t.Context()); err == nil || !strings.Contains(err.Error(), "does not decrypt") {
		t.Errorf("Load() of a ciphertext moved from another key: error = %v", err)
	}
	if _, err := newStore(t, rdb, redis.Options{ClientID: "c"}).Load(t.Context()); err == nil {
		t.Error("Load() without the key of an encrypted token: no error")
	}
}

func TestNew_errors(t *testing.T) {
	t.Parallel()
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	_, err := redis.New(nil, redis.Options{Prefix: "a{b", Key: []byte("short")})
	for _, want := range []string{"nil client", "empty client id", "brace", "16, 24 or 32 bytes"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New() error = %v, want it to say %q", err, want)
		}
	}
	if _, err := redis.New(rdb, redis.Options{ClientID: "c"}); err != nil {
		t.Errorf("New() with a client id: %v", err)
	}
}

// TestStore_restart: the token survives a restart, and while the server
// is down every call fails rather than hangs.
func TestStore_restart(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	s := newStore(t, client(t, srv.Addr), redis.Options{ClientID: "c"})
	storetest.Put(t, s, storetest.Token(1))
	srv.Stop()
	if _, err := s.Load(t.Context()); err == nil {
		t.Error("Load() with the server down: no error")
	}
	if _, err := s.Acquire(t.Context()); err == nil || errors.Is(err, oauthkit.ErrLeaseHeld) {
		t.Errorf("Acquire() with the server down: error = %v, want a connection error", err)
	}
	if err := s.Wait(t.Context(), storetest.Token(1)); err == nil {
		t.Error("Wait() with the server down: no error")
	}
	srv.Restart(t)
	got, err := s.Load(t.Context())
	if err != nil || got == nil || got.RefreshToken != storetest.Token(1).RefreshToken {
		t.Fatalf("Load() after a restart = %v, %v; want the saved token", got, err)
	}
}

// replyDropper is a TCP proxy to a Redis server that, when armed, lets
// the next command through and drops the connection instead of passing
// its reply back: the client sees the connection fail after the server
// ran the command, and go-redis sends it again on a new connection.
type replyDropper struct {
	ln     net.Listener
	target string
	armed  atomic.Bool
	wg     sync.WaitGroup
}

func newReplyDropper(t *testing.T, target string) *replyDropper {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &replyDropper{ln: ln, target: target}
	p.wg.Go(p.serve)
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *replyDropper) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.wg.Go(func() { io.Copy(s, c); s.Close() })
		p.wg.Go(func() {
			defer c.Close()
			buf := make([]byte, 64<<10)
			for {
				n, err := s.Read(buf)
				if err != nil {
					return
				}
				if p.armed.CompareAndSwap(true, false) {
					return // the reply is lost
				}
				if _, err := c.Write(buf[:n]); err != nil {
					return
				}
			}
		})
	}
}

// TestStore_lostReply: the server ran Acquire's SET or Save's script but
// the reply was lost, and go-redis sent the command again. The second
// run finds the first one's work, and must take it as done: the lease is
// the caller's, and the token is saved.
func TestStore_lostReply(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	p := newReplyDropper(t, srv.Addr)
	rdb := goredis.NewClient(&goredis.Options{Addr: p.ln.Addr().String(), DialTimeout: time.Second})
	t.Cleanup(func() { rdb.Close() })
	s := newStore(t, rdb, redis.Options{ClientID: "c"})
	storetest.Put(t, s, storetest.Token(1)) // the scripts loaded, a connection in the pool
	p.armed.Store(true)
	l, err := s.Acquire(t.Context())
	if err != nil {
		t.Fatalf("Acquire() whose first reply was lost: error = %v, want the lease", err)
	}
	p.armed.Store(true)
	if err := s.Save(t.Context(), l, storetest.Token(1), storetest.Token(2)); err != nil {
		t.Fatalf("Save() whose first reply was lost: error = %v, want nil", err)
	}
	if got, err := s.Load(t.Context()); err != nil || got == nil || got.AccessToken != storetest.Token(2).AccessToken {
		t.Fatalf("Load() = %v, %v; want the saved token", got, err)
	}
	if err := s.Release(t.Context(), l); err != nil {
		t.Fatal(err)
	}
}
