package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

func TestMemoryBucketsForgetIdleClients(t *testing.T) {
	s := NewMemoryBuckets(100)
	start := time.Unix(1_700_000_000, 0)
	for i := 0; i < 50; i++ {
		s.Put(fmt.Sprint(i), Bucket{Tokens: 1, Updated: start.Add(time.Duration(i) * time.Second)})
	}
	// 30 s after the last: the first 20 have been idle for a minute or more.
	s.Put("late", Bucket{Tokens: 1, Updated: start.Add(79 * time.Second)})
	if n := s.Len(); n != 31 {
		t.Errorf("%d clients kept, want the 30 active ones and the new one", n)
	}
	if _, ok := s.Get("19"); ok {
		t.Error("a client idle for a minute is still kept")
	}
	if _, ok := s.Get("20"); !ok {
		t.Error("a client idle for 59 s was forgotten")
	}
}

func TestMemoryBucketsEvictOnlyTheOldestWhenFull(t *testing.T) {
	s := NewMemoryBuckets(100)
	now := time.Unix(1_700_000_000, 0)
	s.Put("limited", Bucket{Tokens: 0, Updated: now})
	// A flood of new addresses within one second, while "limited" keeps
	// coming back: it is never the oldest, so it keeps its empty allowance.
	for i := 0; i < 1000; i++ {
		s.Put(fmt.Sprint("flood-", i), Bucket{Tokens: 59, Updated: now})
		if i%50 == 0 {
			b, _ := s.Get("limited")
			s.Put("limited", b)
		}
	}
	if n := s.Len(); n != 100 {
		t.Errorf("the store holds %d clients, want its maximum of 100", n)
	}
	if b, ok := s.Get("limited"); !ok || b.Tokens != 0 {
		t.Errorf("the limited client's allowance was reset during the flood: %+v, %v", b, ok)
	}
	if _, ok := s.Get("flood-0"); ok {
		t.Error("the oldest client was kept although the store is full")
	}
	if _, ok := s.Get("flood-999"); !ok {
		t.Error("the newest client was evicted")
	}
}
