// Package ratelimit is the per-client limit of the server side's paths
// (the proxy's /v2/account, the sign-in's /oauth/*): a token bucket per
// client address, kept in this process.
package ratelimit

import (
	"crypto/sha256"
	"math"
	"strconv"
	"sync"
	"time"

	"sipgate-account/internal/clientaddr"
)

// Bucket is one client's allowance: Tokens left at Updated. A request takes
// one token; tokens refill evenly, Limit per minute, up to Limit.
type Bucket struct {
	Tokens  float64
	Updated time.Time
}

// Buckets stores the allowances by client. The limiter calls Get and then Put
// for one client at a time (under its own lock, in one process).
//
// A store keeps its size bounded without ever forgetting everyone at once:
// Put drops clients idle for IdleAfter (their allowance is full again, so
// they are no different from new ones) and, past its bound, the client idle
// the longest. Both happen at the old end of an order by last use, so each
// request costs the same however many clients are tracked.
type Buckets interface {
	Get(client string) (Bucket, bool)
	Put(client string, b Bucket)
}

const (
	// IdleAfter is how long a client may be silent before it is forgotten:
	// a minute refills any allowance.
	IdleAfter = time.Minute
	// MaxClients is the default bound of a store (in this process about
	// 120 bytes a client).
	MaxClients = 50_000
)

// Counter counts a client's requests against its allowance: a Limiter in
// this process, or (the edge Worker) Cloudflare's Rate Limiting binding,
// whose answer the Worker gets before Go decides.
type Counter interface {
	// Take spends one request of the client at address ip; when none is
	// left it says how long until there is one.
	Take(ip string) (wait time.Duration, ok bool)
	// Limit is the requests a minute each client may send.
	Limit() int
}

// Limiter spends the allowances of clients: limit requests a minute each,
// as a burst or spread out; the allowance refills evenly over the minute.
type Limiter struct {
	mu      sync.Mutex
	buckets Buckets
	limit   int
	now     func() time.Time
}

// New returns a limiter of limit requests a minute per client, keeping its
// state in buckets (nil: in this process, for MaxClients clients at most)
// and reading the clock now (nil: time.Now).
func New(limit int, buckets Buckets, now func() time.Time) *Limiter {
	if buckets == nil {
		buckets = NewMemoryBuckets(MaxClients)
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{buckets: buckets, limit: limit, now: now}
}

// Limit is the requests a minute each client may send.
func (l *Limiter) Limit() int { return l.limit }

// Take spends one token of the allowance of the client at address ip (see
// clientaddr.Key). When none is left it says how long until there is one.
func (l *Limiter) Take(ip string) (wait time.Duration, ok bool) {
	client := clientaddr.Key(ip)
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

// RetryAfter is a wait as the Retry-After header says it: whole seconds,
// rounded up.
func RetryAfter(wait time.Duration) string {
	return strconv.Itoa(int(math.Ceil(wait.Seconds())))
}

// MemoryBuckets keeps allowances in this process, in order of last use.
//
// It holds nothing the garbage collector must scan: fixed-size keys, and
// the order kept as indices in one array. With pointers in each of tens of
// thousands of entries, marking them would cost every request a share.
type MemoryBuckets struct {
	mu    sync.Mutex
	max   int
	index map[slotKey]int32 // the client's slot
	slots []slot            // a list by last use, linked by index
	// newest and oldest are the ends of the list, free a list of slots
	// given back; -1 for none.
	newest, oldest, free int32
}

// slotKey is a client's name, or for an unusually long one its SHA-256.
type slotKey [32]byte

type slot struct {
	key        slotKey
	tokens     float64
	updated    int64 // Unix nanoseconds
	prev, next int32 // towards newest, towards oldest
}

func keyOf(client string) slotKey {
	var k slotKey
	if len(client) <= len(k)-1 {
		copy(k[1:], client)
		k[0] = byte(len(client))
		return k
	}
	return sha256.Sum256([]byte(client)) // first byte may equal a length; the rest will not match
}

// NewMemoryBuckets returns an empty store that holds at most max clients.
func NewMemoryBuckets(max int) *MemoryBuckets {
	return &MemoryBuckets{max: max, index: map[slotKey]int32{}, newest: -1, oldest: -1, free: -1}
}

func (s *MemoryBuckets) Get(client string) (Bucket, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[keyOf(client)]
	if !ok {
		return Bucket{}, false
	}
	return Bucket{Tokens: s.slots[i].tokens, Updated: time.Unix(0, s.slots[i].updated)}, true
}

func (s *MemoryBuckets) Put(client string, b Bucket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := keyOf(client)
	i, ok := s.index[k]
	if ok {
		s.unlink(i)
	} else {
		i = s.alloc()
		s.index[k] = i
	}
	s.slots[i] = slot{key: k, tokens: b.Tokens, updated: b.Updated.UnixNano(), prev: -1, next: s.newest}
	if s.newest >= 0 {
		s.slots[s.newest].prev = i
	}
	s.newest = i
	if s.oldest < 0 {
		s.oldest = i
	}
	idle := b.Updated.Add(-IdleAfter).UnixNano()
	for o := s.oldest; o != i && (len(s.index) > s.max || s.slots[o].updated <= idle); o = s.oldest {
		delete(s.index, s.slots[o].key)
		s.unlink(o)
		s.slots[o].next, s.free = s.free, o
	}
}

// alloc returns a slot given back before, or a new one.
func (s *MemoryBuckets) alloc() int32 {
	if s.free >= 0 {
		i := s.free
		s.free = s.slots[i].next
		return i
	}
	s.slots = append(s.slots, slot{})
	return int32(len(s.slots) - 1)
}

// unlink takes slot i out of the list by last use.
func (s *MemoryBuckets) unlink(i int32) {
	sl := &s.slots[i]
	if sl.prev >= 0 {
		s.slots[sl.prev].next = sl.next
	} else {
		s.newest = sl.next
	}
	if sl.next >= 0 {
		s.slots[sl.next].prev = sl.prev
	} else {
		s.oldest = sl.prev
	}
}

// Len is how many clients the store holds.
func (s *MemoryBuckets) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.index)
}
