package ratelimit

import (
	"fmt"
	"testing"
)

func BenchmarkTakeOne(b *testing.B) {
	l := New(1<<30, nil, nil)
	for i := 0; i < b.N; i++ {
		l.Take("192.0.2.1")
	}
}

func BenchmarkTakeMany(b *testing.B) {
	l := New(1<<30, nil, nil)
	ips := make([]string, 200000)
	for i := range ips {
		ips[i] = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Take(ips[i%len(ips)])
	}
}
