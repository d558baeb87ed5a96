package main

import "sync"

// A new goroutine starts on the runtime's smallest stack, and a call's way
// through net/http and syscall/js grows it, copying the stack each time it
// doubles, on every call. A goroutine that finished a call waits here for
// the next one instead, with the stack it grew (the copying measured about
// 2 % of a call). A few wait; the rest of a burst ends.
const maxIdle = 4

var pool = workers{work: make(chan func())}

type workers struct {
	mu   sync.Mutex
	idle int // goroutines waiting on work
	work chan func()
}

// spawn runs f on a waiting goroutine, or on a new one.
func (w *workers) spawn(f func()) {
	select {
	case w.work <- f:
	default:
		go w.run(f)
	}
}

// run runs f, then the work it is handed while it waits, until enough
// others wait.
func (w *workers) run(f func()) {
	for {
		f()
		w.mu.Lock()
		if w.idle >= maxIdle {
			w.mu.Unlock()
			return
		}
		w.idle++
		w.mu.Unlock()
		f = <-w.work
		w.mu.Lock()
		w.idle--
		w.mu.Unlock()
	}
}
