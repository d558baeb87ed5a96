//go:build js && wasm

package main

import (
	"fmt"
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
	jsSetTimeout   = js.Global().Get("setTimeout")
	jsClearTimeout = js.Global().Get("clearTimeout")
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

// newPromise returns a new pending Promise and the functions that settle it.
func newPromise() (promise, resolve, reject js.Value) {
	promise = jsPromise.New(executor)
	resolve, reject = slotResolve, slotReject
	slotResolve, slotReject = js.Undefined(), js.Undefined()
	return promise, resolve, reject
}

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
func getProp(obj js.Value, key string) (js.Value, error) {
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

// isWellFormed reports whether a string (given as its String wrapper
// object) is valid UTF-16. Go replaces a lone surrogate by U+FFFD when it
// copies a string, which would silently change a password, so such strings
// are refused instead.
func isWellFormed(str js.Value) bool {
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

// jsAfterFunc is time.AfterFunc on the event loop's setTimeout: one timeout
// set, and cleared when the call ends first. A Go runtime timer would set
// and clear a JavaScript timeout each time Go waits for the network, which
// make bench measured at a few percent of a call. Longer delays than
// setTimeout keeps are left to the Go runtime.
func jsAfterFunc(d time.Duration, f func()) (stop func() bool) {
	if d > maxTimeout {
		return time.AfterFunc(d, f).Stop
	}
	pending := true
	var fire js.Func
	fire = js.FuncOf(func(js.Value, []js.Value) any {
		if pending {
			pending = false
			fire.Release()
			f()
		}
		return nil
	})
	id := jsSetTimeout.Invoke(fire, float64(d)/float64(time.Millisecond))
	return func() bool {
		if !pending {
			return false
		}
		pending = false
		jsClearTimeout.Invoke(id)
		fire.Release()
		return true
	}
}
