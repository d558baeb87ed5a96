package apiproxy

import (
	"sync"
	"time"
)

// Bucket is one client's allowance: Tokens left at Updated. A request takes
// one token; tokens refill evenly, Limit per minute, up to Limit.
type Bucket struct {
	Tokens  float64
	Updated time.Time
}

// Buckets stores the allowances by client. The proxy calls Get and then Put
// for one client at a time (under its own lock, in one process).
type Buckets interface {
	Get(client string) (Bucket, bool)
	Put(client string, b Bucket)
}

type limiter struct {
	mu      sync.Mutex
	buckets Buckets
	limit   int
	now     func() time.Time
}

// take spends one token of client's allowance. When none is left it says
// how long until there is one.
func (l *limiter) take(client string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := float64(l.limit) / float64(time.Minute) // tokens per nanosecond
	b, found := l.buckets.Get(client)
	if !found {
		b = Bucket{Tokens: float64(l.limit), Updated: now}
	}
	if elapsed := now.Sub(b.Updated); elapsed > 0 {
		b.Tokens = min(float64(l.limit), b.Tokens+float64(elapsed)*rate)
	}
	b.Updated = now
	if b.Tokens < 1 {
		l.buckets.Put(client, b)
		return time.Duration((1 - b.Tokens) / rate), false
	}
	b.Tokens--
	l.buckets.Put(client, b)
	return 0, true
}

// MemoryBuckets keeps allowances in this process. It forgets clients whose
// allowance is full again once it holds many, so its size stays bounded.
type MemoryBuckets struct {
	mu sync.Mutex
	m  map[string]Bucket
}

// maxTracked is when MemoryBuckets starts forgetting idle clients.
const maxTracked = 10000

func NewMemoryBuckets() *MemoryBuckets { return &MemoryBuckets{m: map[string]Bucket{}} }

func (s *MemoryBuckets) Get(client string) (Bucket, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[client]
	return b, ok
}

func (s *MemoryBuckets) Put(client string, b Bucket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxTracked {
		// A minute without a request refills any allowance: such a client
		// is indistinguishable from a new one.
		for k, old := range s.m {
			if b.Updated.Sub(old.Updated) > time.Minute {
				delete(s.m, k)
			}
		}
	}
	s.m[client] = b
}
