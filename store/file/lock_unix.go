//go:build unix

package file

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive or shared flock on f without blocking and
// reports whether it got it.
func tryLock(f *os.File, exclusive bool) (bool, error) {
	err := flock(f, exclusive, syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// lock takes a flock on f, blocking until it is granted.
func lock(f *os.File, exclusive bool) error {
	return flock(f, exclusive, 0)
}

func flock(f *os.File, exclusive bool, flags int) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|flags)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func unlock(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
