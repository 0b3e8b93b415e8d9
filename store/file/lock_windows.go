//go:build windows

package file

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// tryLock takes an exclusive or shared lock on f without blocking and
// reports whether it got it.
func tryLock(f *os.File, exclusive bool) (bool, error) {
	err := lockFile(f, exclusive, windows.LOCKFILE_FAIL_IMMEDIATELY)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}

// lock takes a lock on f, blocking until it is granted.
func lock(f *os.File, exclusive bool) error {
	return lockFile(f, exclusive, 0)
}

func lockFile(f *os.File, exclusive bool, flags uint32) error {
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, new(windows.Overlapped))
}

func unlock(f *os.File) {
	windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
}

// syncDir does nothing: Windows has no directory sync.
func syncDir(string) {}
