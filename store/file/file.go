package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/storeerr"
	"github.com/oauthkit/oauthkit/store/internal/sealed"
)

// DefaultLeaseTTL is the lease lifetime when Options.LeaseTTL is zero.
const DefaultLeaseTTL = 30 * time.Second

// Options configure a [Store]. The zero value is a plain, unencrypted
// file with the default lease.
type Options struct {
	// Key, when set, encrypts the stored token with AES-GCM; it must be
	// 16, 24 or 32 bytes. The ciphertext is bound to the file's name: one
	// copied over another token file does not decrypt, and a renamed file
	// does not either. Empty: the token is stored as JSON, protected by
	// the file mode 0600 only. A store with a key refuses to read a plain
	// file, and one without a key an encrypted file.
	Key []byte
	// LeaseTTL is how long a lease lasts unless released. Zero means
	// DefaultLeaseTTL.
	LeaseTTL time.Duration
}

// Store is a token stored in one file, shared by the processes of one
// machine. Create it with [New].
//
// A Store is safe for concurrent use by multiple goroutines.
type Store struct {
	path, lockPath string
	codec          *sealed.Codec
	ttl            time.Duration

	mu   sync.Mutex // guards cur; held across a Save's check and write
	cur  *held      // this handle's lease, if any
	dirs sync.Once  // creates the directory once
}

// held is a lease this handle holds: the locked file and its expiry.
type held struct {
	lease oauthkit.Lease
	f     *os.File
	timer *time.Timer
}

var _ oauthkit.TokenStore = (*Store)(nil)

// New returns the store of the token file at path. Neither the file nor
// its directory needs to exist yet; they are created, with modes 0600
// and 0700, by the first Save or Acquire.
func New(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("file store: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	// The name, not the directory: processes may see one directory at
	// different paths (container mounts).
	codec, err := sealed.NewCodec(opts.Key, "oauthkit file token "+filepath.Base(abs))
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	ttl := opts.LeaseTTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	return &Store{path: abs, lockPath: abs + ".lock", codec: codec, ttl: ttl}, nil
}

// Path returns the token file's absolute path.
func (s *Store) Path() string { return s.path }

// Load reads the token file; it returns nil when the file does not
// exist.
func (s *Store) Load(ctx context.Context) (*oauthkit.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("file store: load: %w", err)
	}
	return s.read()
}

func (s *Store) read() (*oauthkit.Token, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	tok, err := s.codec.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("file store: %s: %w", s.path, err)
	}
	return tok, nil
}

// Acquire takes the lock on the lock file without waiting for it.
func (s *Store) Acquire(ctx context.Context) (oauthkit.Lease, error) {
	if err := ctx.Err(); err != nil {
		return oauthkit.Lease{}, fmt.Errorf("file store: acquire: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil {
		return oauthkit.Lease{}, storeerr.Errorf("file store: %w (this process)", oauthkit.ErrLeaseHeld)
	}
	f, err := s.openLock()
	if err != nil {
		return oauthkit.Lease{}, err
	}
	ok, err := tryLock(f, true)
	if err != nil || !ok {
		f.Close()
		if err != nil {
			return oauthkit.Lease{}, fmt.Errorf("file store: lock %s: %w", s.lockPath, err)
		}
		return oauthkit.Lease{}, storeerr.Errorf("file store: %w", oauthkit.ErrLeaseHeld)
	}
	h := &held{lease: oauthkit.Lease{Fence: sealed.NewFence(), Deadline: time.Now().Add(s.ttl)}, f: f}
	h.timer = time.AfterFunc(s.ttl, func() { s.end(h.lease.Fence) })
	s.cur = h
	return h.lease, nil
}

func (s *Store) openLock() (*os.File, error) {
	if err := s.mkdir(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(s.lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	return f, nil
}

func (s *Store) mkdir() error {
	var err error
	s.dirs.Do(func() { err = os.MkdirAll(filepath.Dir(s.path), 0o700) })
	if err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	return nil
}

// end unlocks the lease with fence, if this handle still holds it.
func (s *Store) end(fence string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.cur
	if h == nil || h.lease.Fence != fence {
		return
	}
	s.cur = nil
	h.timer.Stop()
	unlock(h.f)
	h.f.Close()
}

// Release unlocks the lock file if l is this handle's lease.
func (s *Store) Release(ctx context.Context, l oauthkit.Lease) error {
	s.end(l.Fence)
	return nil
}

// Save writes next atomically if l is this handle's current lease and
// the file holds prev.
func (s *Store) Save(ctx context.Context, l oauthkit.Lease, prev, next *oauthkit.Token) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("file store: save: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil || s.cur.lease.Fence != l.Fence || !time.Now().Before(s.cur.lease.Deadline) {
		return storeerr.Errorf("file store: save: %w", oauthkit.ErrLeaseLost)
	}
	cur, err := s.read()
	if err != nil {
		return err
	}
	if !sealed.Same(cur, prev) {
		return storeerr.Errorf("file store: save: %w", oauthkit.ErrTokenConflict)
	}
	b, err := s.codec.Encode(next)
	if err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	return s.write(b)
}

// write replaces the token file with b: a temporary file in the same
// directory, synced, renamed over the old one, and the directory synced.
func (s *Store) write(b []byte) error {
	if err := s.mkdir(); err != nil {
		return err
	}
	dir := filepath.Dir(s.path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, s.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("file store: write %s: %w", s.path, err)
	}
	syncDir(dir)
	return nil
}

// Wait returns when the file no longer holds prev, or when no process
// holds the lock: it blocks on a shared lock, which the kernel grants
// when the holder unlocks, exits or dies.
func (s *Store) Wait(ctx context.Context, prev *oauthkit.Token) error {
	if cur, err := s.read(); err != nil || !sealed.Same(cur, prev) {
		return err
	}
	f, err := s.openLock()
	if err != nil {
		return err
	}
	if ok, err := tryLock(f, false); err != nil || ok {
		unlock(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("file store: lock %s: %w", s.lockPath, err)
		}
		return nil
	}
	done := make(chan error, 1)
	go func() {
		// A blocked lock cannot be interrupted: when ctx ends first, this
		// goroutine lingers until the holder lets go, at its deadline at
		// the latest.
		err := lock(f, false)
		unlock(f)
		f.Close()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("file store: lock %s: %w", s.lockPath, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("file store: wait: %w", context.Cause(ctx))
	}
}

// Remove deletes the token file, under the lock so that a renewal in
// progress in another process cannot write it back; it waits for the
// lock until ctx ends. The lock file stays: a process that has it open
// keeps its lock on it, and were it deleted, a newer process would lock a
// new file of the same name and both would renew. Removing a token that
// does not exist is not an error.
func (s *Store) Remove(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil { // this handle holds no lease: take the lock
		f, err := s.openLock()
		if err != nil {
			return err
		}
		defer f.Close()
		if err := s.lockPolling(ctx, f); err != nil {
			return err
		}
		defer unlock(f)
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("file store: remove: %w", err)
	}
	syncDir(filepath.Dir(s.path))
	return nil
}

// lockPolling takes the exclusive lock on f, trying again until ctx
// ends: a blocked flock cannot be interrupted, and a removal is rare
// enough for polling.
func (s *Store) lockPolling(ctx context.Context, f *os.File) error {
	for delay := time.Millisecond; ; delay = min(2*delay, 50*time.Millisecond) {
		ok, err := tryLock(f, true)
		if err != nil {
			return fmt.Errorf("file store: lock %s: %w", s.lockPath, err)
		}
		if ok {
			return nil
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("file store: remove: waiting for the lock: %w", context.Cause(ctx))
		}
	}
}
