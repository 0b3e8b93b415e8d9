package file_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/store/file"
	"github.com/oauthkit/oauthkit/store/internal/storetest"
)

// Two handles on one path lock like two processes: flock belongs to the
// open file, not to the process.
func TestStore_removeKeepsTheLock(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "token.json")
	renewer, remover := newStore(t, path, file.Options{}), newStore(t, path, file.Options{})
	storetest.Put(t, renewer, storetest.Token(1))

	l, err := renewer.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if err := remover.Remove(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Remove during a renewal = %v, want it to wait for the lock until the deadline", err)
	}
	if tok, err := remover.Load(ctx); err != nil || tok == nil {
		t.Fatalf("token after a Remove that timed out = %v, %v; want it kept", tok, err)
	}
	// The renewal saves, and only then does the removal go through.
	if err := renewer.Save(ctx, l, storetest.Token(1), storetest.Token(2)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- remover.Remove(ctx) }()
	if err := renewer.Release(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Remove after the release = %v", err)
	}
	if tok, err := renewer.Load(ctx); err != nil || tok != nil {
		t.Errorf("Load after Remove = %v, %v; want nil, nil", tok, err)
	}
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Errorf("lock file after Remove: %v; want it kept", err)
	}

	// A handle opened before the removal and one opened after lock the
	// same file: one lease at a time.
	l, err = renewer.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	later := newStore(t, path, file.Options{})
	if _, err := later.Acquire(ctx); !errors.Is(err, oauthkit.ErrLeaseHeld) {
		t.Errorf("Acquire by a handle opened after Remove = %v, want ErrLeaseHeld", err)
	}
	// The holder of the lease may remove the token itself.
	if err := renewer.Save(ctx, l, nil, storetest.Token(3)); err != nil {
		t.Fatal(err)
	}
	if err := renewer.Remove(ctx); err != nil {
		t.Errorf("Remove by the lease holder = %v", err)
	}
	if err := renewer.Release(ctx, l); err != nil {
		t.Fatal(err)
	}
	if tok, err := later.Load(ctx); err != nil || tok != nil {
		t.Errorf("Load after the holder's Remove = %v, %v; want nil, nil", tok, err)
	}
	if err := later.Remove(ctx); err != nil {
		t.Errorf("Remove of a missing token = %v, want nil", err)
	}
}
