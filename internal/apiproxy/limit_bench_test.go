package apiproxy

import (
	"fmt"
	"testing"
	"time"
)

func BenchmarkTakeOne(b *testing.B) {
	l := limiter{buckets: NewMemoryBuckets(MaxClients), limit: 1 << 30, now: time.Now}
	for i := 0; i < b.N; i++ {
		l.take("192.0.2.1")
	}
}

func BenchmarkTakeMany(b *testing.B) {
	l := limiter{buckets: NewMemoryBuckets(MaxClients), limit: 1 << 30, now: time.Now}
	ips := make([]string, 200000)
	for i := range ips {
		ips[i] = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.take(ips[i%len(ips)])
	}
}
