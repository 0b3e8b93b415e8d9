package web

import (
	"context"
	"slices"
	"sync"
	"time"
)

// MemoryFlowStore is a [FlowStore] in the memory of one process, for
// single-instance apps and tests; flows do not survive a restart. The
// zero value is ready to use. Expired flows are dropped as new ones are
// saved, once there are a few hundred.
//
// A MemoryFlowStore is safe for concurrent use by multiple goroutines.
type MemoryFlowStore struct {
	// Now is the clock that expiry is checked with. Nil: [time.Now].
	Now func() time.Time

	mu sync.Mutex // guards m
	m  map[string]storedFlow
}

type storedFlow struct {
	value   []byte
	expires time.Time
}

func (s *MemoryFlowStore) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Save implements [FlowStore].
func (s *MemoryFlowStore) Save(_ context.Context, key string, value []byte, expires time.Time) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]storedFlow)
	}
	if len(s.m) >= 256 {
		for k, f := range s.m {
			if !now.Before(f.expires) {
				delete(s.m, k)
			}
		}
	}
	s.m[key] = storedFlow{value: slices.Clone(value), expires: expires}
	return nil
}

// Take implements [FlowStore].
func (s *MemoryFlowStore) Take(_ context.Context, key string) ([]byte, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.m[key]
	delete(s.m, key)
	if !ok || !now.Before(f.expires) {
		return nil, ErrFlowNotFound
	}
	return f.value, nil
}
