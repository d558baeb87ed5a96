//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"sync"
	"syscall/js"
	"time"
)

// JavaScript globals, looked up once at start-up rather than on every call.
var (
	jsObject  = js.Global().Get("Object")
	jsArray   = js.Global().Get("Array")
	jsPromise = js.Global().Get("Promise")
	jsError   = js.Global().Get("Error")
	jsJSON    = js.Global().Get("JSON")
	jsReflect = js.Global().Get("Reflect")
	jsSymbol  = js.Global().Get("Symbol")
	// The event loop's timer, for the calls' timeouts.
	jsSetTimeout = js.Global().Get("setTimeout")
	// abortSignalProto tells AbortSignals apart (see isAbortSignal).
	abortSignalProto = js.Global().Get("AbortSignal").Get("prototype")
	// pageOrigin is what a baseURL that is a path (like /v2) resolves
	// against: the page's or worker's location.origin ("null" for a page
	// from a file), "" where there is no location. No page changes its
	// origin, so it is read once.
	pageOrigin = func() string {
		if o := js.Global().Get("location"); o.Type() == js.TypeObject && o.Get("origin").Type() == js.TypeString {
			return o.Get("origin").String()
		}
		return ""
	}()
)

// newPromise returns a new pending Promise and the functions that settle it.
// Promise.withResolvers hands out all three without calling back into Go,
// which a Promise executor does, and each such call makes the Go program
// stop and resume; engines without it (before 2024) get the executor.
func newPromise() (promise, resolve, reject js.Value) {
	if withResolvers {
		r := jsPromise.Call("withResolvers")
		return r.Get("promise"), r.Get("resolve"), r.Get("reject")
	}
	promise = jsPromise.New(executor)
	resolve, reject = slotResolve, slotReject
	slotResolve, slotReject = js.Undefined(), js.Undefined()
	return promise, resolve, reject
}

var withResolvers = jsPromise.Get("withResolvers").Type() == js.TypeFunction

// The Promise executor is one long-lived function instead of one per call:
// the Promise constructor calls it synchronously, so newPromise can take the
// resolve and reject functions out of these slots right after constructing.
// The Go program runs on one thread, so nothing else can touch them between.
var (
	slotResolve, slotReject js.Value
	executor                = js.FuncOf(func(this js.Value, args []js.Value) any {
		slotResolve, slotReject = args[0], args[1]
		return nil
	})
)

// rejected returns a Promise already rejected with reason.
func rejected(reason js.Value) js.Value {
	return jsPromise.Call("reject", reason)
}

// registered is Symbol.for(key): the keys the module shares with the
// loader on globalThis, which no page's own names can clash with.
func registered(key string) js.Value { return jsSymbol.Call("for", key) }

// newObject returns a new empty plain object.
func newObject() js.Value { return jsObject.New() }

// typeUnknown is the type of values syscall/js has no Type for: a BigInt
// reaches Go without a type flag, and Value.Type panics on it.
const typeUnknown js.Type = -1

// try calls fn and returns what it returns, or, when it panics, the panic
// as an error: a JavaScript exception (a throwing getter or Proxy trap,
// which syscall/js turns into a panic) or a bug. It is the one place here
// that recovers (hack-pad/safejs's catch.Try is the model).
func try[T any](fn func() T) (result T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicked{r}
		}
	}()
	return fn(), nil
}

// panicked is a recovered panic as an error.
type panicked struct{ value any }

// Error renders the panic, most often a js.Error thrown by JavaScript.
func (p panicked) Error() string {
	if e, ok := p.value.(js.Error); ok {
		return e.Error()
	}
	return fmt.Sprint(p.value)
}

// typeOf is v.Type() for a caller's value, without the panic.
func typeOf(v js.Value) js.Type {
	t, err := try(v.Type)
	if err != nil {
		return typeUnknown
	}
	return t
}

// getProp reads obj[key] from a caller's object. A getter or Proxy trap may
// throw: through Value.Get that exception would unwind the Go stack (the
// runtime's valueGet does not catch), so the read goes through a call to
// Reflect.get, whose exception syscall/js turns into a panic recovered here.
//
// key is a JavaScript string made once (optionKeys, keyAborted): a Go
// string would be copied into a new JavaScript string on every read.
func getProp(obj js.Value, key js.Value) (js.Value, error) {
	v, err := try(func() js.Value { return jsReflect.Call("get", obj, key) })
	if err != nil {
		return v, fmt.Errorf("reading it threw %w", err)
	}
	return v, nil
}

// isAbortSignal reports whether v is an AbortSignal, safely for the same
// reason as getProp (instanceof runs Proxy traps too).
func isAbortSignal(v js.Value) bool {
	ok, err := try(func() bool { return typeOf(v) == js.TypeObject && abortSignalProto.Call("isPrototypeOf", v).Bool() })
	return err == nil && ok
}

// stringLength is the length of the string v in UTF-16 units. syscall/js
// reads properties of objects only, and Object(v).length makes a String
// wrapper, a JavaScript value Go must track until it is collected; the
// length is what lastIndexOf("") returns, read in one call that makes none.
func stringLength(v js.Value) int {
	return jsLastIndexOf.Call("call", v, jsEmptyString).Int()
}

var (
	jsLastIndexOf = js.Global().Get("String").Get("prototype").Get("lastIndexOf")
	jsEmptyString = js.ValueOf("")
)

// isWellFormed reports whether the string v is valid UTF-16. Go replaces
// a lone surrogate by U+FFFD when it copies a string, which would silently
// change a password, so such strings are refused instead.
func isWellFormed(v js.Value) bool {
	str := jsObject.Invoke(v) // the String wrapper, whose methods Go can call
	if str.Get("isWellFormed").Type() == js.TypeFunction {
		return str.Call("isWellFormed").Bool()
	}
	// Older engines: encodeURIComponent throws URIError on a lone surrogate.
	_, err := try(func() js.Value { return js.Global().Call("encodeURIComponent", str) })
	return err == nil
}

// maxTimeout is the longest delay setTimeout keeps (2^31-1 ms, about 24.8
// days); it runs a longer one at once.
const maxTimeout = (1<<31 - 1) * time.Millisecond

// jsAfterFunc is time.AfterFunc on the event loop's setTimeout. A Go
// runtime timer would set and clear a JavaScript timeout each time Go
// waits for the network, and one JavaScript timeout a call still costs a
// function wrapper and two calls into JavaScript, which make bench
// measured at a few percent of a call. So the calls' deadlines are kept
// here, and one timeout is set for the earliest: a call that ends first
// only drops its deadline, and the timeout, when it fires, runs what is
// due and sets itself again for what is left. With calls one after
// another under the same limit, that is one timeout per limit, not one
// per call. Longer delays than setTimeout keeps are left to the Go
// runtime.
func jsAfterFunc(d time.Duration, f func()) (stop func() bool) {
	if d > maxTimeout {
		return time.AfterFunc(d, f).Stop
	}
	return deadlines.add(time.Since(epoch)+d, f)
}

// epoch is the module's start; deadlines are kept as durations since it,
// on the monotonic clock.
var epoch = time.Now()

// deadlines are the pending jsAfterFunc calls and the one timeout set for
// them.
var deadlines = timers{due: map[*deadline]struct{}{}}

type deadline struct {
	at time.Duration
	f  func()
}

type timers struct {
	mu    sync.Mutex
	due   map[*deadline]struct{}
	armed time.Duration // when the earliest timeout set fires; 0: none set
	tick  js.Func
}

func (t *timers) add(at time.Duration, f func()) (stop func() bool) {
	dl := &deadline{at, f}
	t.mu.Lock()
	t.due[dl] = struct{}{}
	if t.armed == 0 || at < t.armed {
		t.arm(at)
	}
	t.mu.Unlock()
	return func() bool {
		t.mu.Lock()
		defer t.mu.Unlock()
		_, pending := t.due[dl]
		delete(t.due, dl)
		return pending
	}
}

// arm sets a timeout for at; t.mu is held.
func (t *timers) arm(at time.Duration) {
	if t.tick.IsUndefined() {
		t.tick = js.FuncOf(func(_ js.Value, args []js.Value) any {
			t.fire(time.Duration(args[0].Float()))
			return nil
		})
	}
	t.armed = at
	wait := max(at-time.Since(epoch), 0)
	jsSetTimeout.Invoke(t.tick, math.Ceil(float64(wait)/float64(time.Millisecond)), float64(at))
}

// fire runs the deadlines that are due and sets the timeout again for the
// earliest one left. firedFor is the time the firing timeout was set for.
func (t *timers) fire(firedFor time.Duration) {
	t.mu.Lock()
	if firedFor == t.armed {
		t.armed = 0
	}
	now := time.Since(epoch)
	var run []func()
	var next time.Duration
	for dl := range t.due {
		switch {
		case dl.at <= now:
			run = append(run, dl.f)
			delete(t.due, dl)
		case next == 0 || dl.at < next:
			next = dl.at
		}
	}
	if next != 0 && (t.armed == 0 || next < t.armed) {
		t.arm(next)
	}
	t.mu.Unlock()
	for _, f := range run {
		f()
	}
}
