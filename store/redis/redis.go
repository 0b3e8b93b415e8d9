package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/storeerr"
	"github.com/oauthkit/oauthkit/store/internal/sealed"
)

// Defaults used when the corresponding Options field is zero.
const (
	DefaultPrefix   = "oauthkit"
	DefaultName     = "default"
	DefaultLeaseTTL = 30 * time.Second
)

// Options configure a [Store].
type Options struct {
	// ClientID is the OAuth client the token belongs to; it namespaces
	// the keys. Required.
	ClientID string
	// Name tells apart tokens of one client, for instance one per user.
	// Empty means DefaultName.
	Name string
	// Prefix starts every key. Empty means DefaultPrefix. It must not
	// contain braces.
	Prefix string
	// Key, when set, encrypts the stored token with AES-GCM; it must be
	// 16, 24 or 32 bytes. Recommended. Empty: the token is stored as
	// JSON.
	Key []byte
	// LeaseTTL is how long a lease lasts unless released: longer than a
	// refresh takes, short enough that a dead holder's successor does not
	// wait long. Zero means DefaultLeaseTTL.
	LeaseTTL time.Duration
}

// Store is one token in Redis. Create it with [New].
//
// A Store is safe for concurrent use by multiple goroutines.
type Store struct {
	rdb                    goredis.UniversalClient
	tokenKey, leaseKey, ch string
	codec                  *sealed.Codec
	ttl                    time.Duration
}

var _ oauthkit.TokenStore = (*Store)(nil)

// New returns the store of one token in the Redis that rdb reaches. The
// caller keeps ownership of rdb and closes it.
func New(rdb goredis.UniversalClient, opts Options) (*Store, error) {
	var errs []error
	if rdb == nil {
		errs = append(errs, errors.New("redis store: nil client"))
	}
	if opts.ClientID == "" {
		errs = append(errs, errors.New("redis store: empty client id"))
	}
	prefix := cmpOr(opts.Prefix, DefaultPrefix)
	if strings.ContainsAny(prefix, "{}") {
		errs = append(errs, fmt.Errorf("redis store: prefix %q contains a brace", prefix))
	}
	tag := url.QueryEscape(opts.ClientID) + "/" + url.QueryEscape(cmpOr(opts.Name, DefaultName))
	base := prefix + ":{" + tag + "}:"
	codec, err := sealed.NewCodec(opts.Key, base+"token")
	if err != nil {
		errs = append(errs, fmt.Errorf("redis store: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	ttl := opts.LeaseTTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	return &Store{
		rdb: rdb, tokenKey: base + "token", leaseKey: base + "lease", ch: base + "events",
		codec: codec, ttl: ttl,
	}, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Keys returns the names of the token's hash, its lease key and its
// events channel.
func (s *Store) Keys() (token, lease, events string) {
	return s.tokenKey, s.leaseKey, s.ch
}

// Load reads the stored token, or nil when there is none.
func (s *Store) Load(ctx context.Context) (*oauthkit.Token, error) {
	b, err := s.rdb.HGet(ctx, s.tokenKey, "tok").Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redis store: load %s: %w", s.tokenKey, err)
	}
	tok, err := s.codec.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("redis store: %s: %w", s.tokenKey, err)
	}
	return tok, nil
}

// Acquire takes the lease with SET NX PX. The GET option (Redis 7) returns
// the holder's fence: when go-redis sends the command again after a lost
// reply, the second run finds the fence of the first, and the lease is
// the caller's.
func (s *Store) Acquire(ctx context.Context) (oauthkit.Lease, error) {
	fence := sealed.NewFence()
	start := time.Now()
	holder, err := s.rdb.Do(ctx, "SET", s.leaseKey, fence, "NX", "GET", "PX", s.ttl.Milliseconds()).Text()
	switch {
	case errors.Is(err, goredis.Nil): // no holder: set
	case err != nil:
		return oauthkit.Lease{}, fmt.Errorf("redis store: acquire %s: %w", s.leaseKey, err)
	case holder != fence:
		return oauthkit.Lease{}, storeerr.Errorf("redis store: %w", oauthkit.ErrLeaseHeld)
	}
	// The server counts the TTL from when it got the command, after
	// start: the holder's deadline is never later than the key's expiry.
	return oauthkit.Lease{Fence: fence, Deadline: start.Add(s.ttl)}, nil
}

// saveScript writes the token if the lease is the caller's and the
// stored fingerprint is the one expected, then wakes the waiters. Under
// the caller's lease, a stored token that is already the new one was
// written by this same save, sent again by go-redis after a lost reply:
// that is a success, not a conflict.
//
// KEYS: lease, token. ARGV: fence, previous fingerprint ("" for none),
// encoded token, its fingerprint, events channel.
var saveScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local fp = redis.call('HGET', KEYS[2], 'fp') or ''
if fp == ARGV[4] then return 1 end
if fp ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[2], 'tok', ARGV[3], 'fp', ARGV[4])
redis.call('PUBLISH', ARGV[5], 'saved')
return 1
`)

// releaseScript deletes the lease if it is the caller's and wakes the
// waiters. KEYS: lease. ARGV: fence, events channel.
var releaseScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], 'released')
return 1
`)

// Save stores next if l is the current lease and prev the stored token,
// in one script.
func (s *Store) Save(ctx context.Context, l oauthkit.Lease, prev, next *oauthkit.Token) error {
	if !time.Now().Before(l.Deadline) {
		return storeerr.Errorf("redis store: save: %w", oauthkit.ErrLeaseLost)
	}
	b, err := s.codec.Encode(next)
	if err != nil {
		return fmt.Errorf("redis store: %w", err)
	}
	keys := []string{s.leaseKey, s.tokenKey}
	n, err := saveScript.Run(ctx, s.rdb, keys, l.Fence, sealed.Fingerprint(prev), b, sealed.Fingerprint(next), s.ch).Int()
	if err != nil {
		return fmt.Errorf("redis store: save %s: %w", s.tokenKey, err)
	}
	switch n {
	case 0:
		return storeerr.Errorf("redis store: save: %w", oauthkit.ErrLeaseLost)
	case -1:
		return storeerr.Errorf("redis store: save: %w", oauthkit.ErrTokenConflict)
	}
	return nil
}

// Release deletes the lease if it is still l.
func (s *Store) Release(ctx context.Context, l oauthkit.Lease) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.leaseKey}, l.Fence, s.ch).Err(); err != nil {
		return fmt.Errorf("redis store: release %s: %w", s.leaseKey, err)
	}
	return nil
}

// Wait subscribes to the events channel, then returns when the stored
// token is not prev or no lease is held; otherwise at the next event,
// at the lease's expiry, or when ctx ends.
func (s *Store) Wait(ctx context.Context, prev *oauthkit.Token) error {
	ps := s.rdb.Subscribe(ctx, s.ch)
	defer ps.Close()
	// Subscribed before looking: an event after the look is not missed.
	if _, err := ps.Receive(ctx); err != nil {
		return fmt.Errorf("redis store: subscribe %s: %w", s.ch, err)
	}
	var fp *goredis.StringCmd
	var pttl *goredis.DurationCmd
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		fp = p.HGet(ctx, s.tokenKey, "fp")
		pttl = p.PTTL(ctx, s.leaseKey)
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return fmt.Errorf("redis store: wait: %w", err)
	}
	if fp.Val() != sealed.Fingerprint(prev) || pttl.Val() <= 0 {
		return nil
	}
	t := time.NewTimer(pttl.Val())
	defer t.Stop()
	select {
	case <-ps.Channel():
		return nil
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("redis store: wait: %w", context.Cause(ctx))
	}
}
