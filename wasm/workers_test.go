package main

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// waitIdle waits until n goroutines wait for work.
func waitIdle(t *testing.T, w *workers, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; runtime.Gosched() {
		w.mu.Lock()
		idle := w.idle
		w.mu.Unlock()
		if idle == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines wait for work, want %d", idle, n)
		}
	}
}

// A call runs on a goroutine that ran one before, when one waits; a burst
// runs every call at once, and afterwards only maxIdle goroutines wait.
func TestWorkers(t *testing.T) {
	w := &workers{work: make(chan func())}
	base := runtime.NumGoroutine()
	done := make(chan struct{})
	w.spawn(func() { done <- struct{}{} })
	<-done
	waitIdle(t, w, 1)

	ran := make(chan int, 1)
	w.spawn(func() { ran <- runtime.NumGoroutine() })
	if n := <-ran; n != base+1 {
		t.Errorf("%d goroutines while the second call ran, want %d: the waiting one should have run it", n, base+1)
	}
	waitIdle(t, w, 1)

	const burst = 50
	var started sync.WaitGroup
	started.Add(burst)
	release := make(chan struct{})
	var finished sync.WaitGroup
	finished.Add(burst)
	for range burst {
		w.spawn(func() {
			started.Done()
			<-release // every call is running at once
			finished.Done()
		})
	}
	started.Wait()
	close(release)
	finished.Wait()
	waitIdle(t, w, maxIdle)
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() != base+maxIdle; runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after the burst, want %d", runtime.NumGoroutine(), base+maxIdle)
		}
	}
}
