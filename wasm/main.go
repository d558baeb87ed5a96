//go:build js && wasm

// Command wasm is the browser module: it installs globalThis.fetchAccount and
// globalThis.fetchAccountWithToken and keeps running for the page's lifetime.
//
// This package is the thin bridge between JavaScript values and the plain Go
// core in package sipgate: it checks JavaScript types, turns an AbortSignal
// into a context, and turns the core's answers into JavaScript objects. The
// contract it implements is docs/javascript-api.md.
package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"syscall/js"
	"time"
	"unicode/utf8"

	"sipgate-account/sipgate"
)

// client sends through net/http's Fetch-backed transport, with its
// timeouts on the event loop's own timer (see jsAfterFunc).
var client = sipgate.NewClient(nil).WithTimer(jsAfterFunc)

// exports are the contract's functions, declared once: main installs
// each on globalThis, and declares them all for the loader, which forwards
// calls to a module in a Worker by this list alone (see declare).
var exports = []export{
	// fetchAccount(user, pass, options?) -> Promise<Result>
	{"fetchAccount", 2, parseBasicArgs},
	// fetchAccountWithToken(accessToken, options?) -> Promise<Result>
	{"fetchAccountWithToken", 1, parseTokenArgs},
}

// An export is one function of the contract: its name, the position of
// its options argument, and how its arguments are read.
type export struct {
	name      string
	optionsAt int
	parse     func([]js.Value) (*call, error)
}

func main() {
	for _, e := range exports {
		install(e)
	}
	declare()
	// Block forever: the callbacks above keep being served while the page lives.
	select {}
}

// install puts one of the contract's functions on globalThis.
func install(e export) {
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		return start(args, e.parse)
	})
	js.Global().Set(e.name, fn)
}

// declare tells the loader which functions the module exports, where each
// takes its options and which option keys it reads: [{name, optionsAt,
// optionKeys}] on globalThis under the registered symbol
// "sipgate-account.exports". The loader forwards exactly those to a module
// in a Worker, so a function and an option are each named once, here. The
// keys' JavaScript strings are kept for reading options (optionKeys).
func declare() {
	keys := jsArray.New()
	optionKeys = make([]js.Value, len(options))
	for i, o := range options {
		optionKeys[i] = js.ValueOf(o.key)
		keys.Call("push", optionKeys[i])
	}
	list := jsArray.New()
	for _, e := range exports {
		d := newObject()
		d.Set("name", e.name)
		d.Set("optionsAt", e.optionsAt)
		d.Set("optionKeys", keys)
		list.Call("push", d)
	}
	jsReflect.Call("set", js.Global(), registered("sipgate-account.exports"), list)
}

// start begins one call and returns its promise. The arguments are read
// synchronously (the caller may change its objects after the call); the
// request runs in a goroutine (a waiting one of the pool's, see workers)
// so that the JavaScript event loop is never blocked.
func start(args []js.Value, parse func([]js.Value) (*call, error)) any {
	promise, err := try(func() js.Value {
		call, err := parse(args)
		if err != nil {
			return rejected(errorToJS(err))
		}
		p, resolve, reject := newPromise()
		pool.spawn(func() { call.run(resolve, reject) })
		return p
	})
	if err != nil {
		return rejected(errorToJS(internalError(err)))
	}
	return promise
}

// call is one call with its arguments checked and copied into Go: Basic
// credentials (user, pass) or an access token (bearer set).
type call struct {
	user, pass string
	token      string
	bearer     bool
	opts       sipgate.Options
	signal     js.Value // an AbortSignal, or undefined
}

func (c *call) lookup(ctx context.Context) (*sipgate.Result, error) {
	if c.bearer {
		return client.AccountWithToken(ctx, c.token, c.opts)
	}
	return client.Account(ctx, c.user, c.pass, c.opts)
}

// run makes the call and settles its promise; a panic rejects it.
func (c *call) run(resolve, reject js.Value) {
	if _, err := try(func() struct{} { c.settle(resolve, reject); return struct{}{} }); err != nil {
		reject.Invoke(errorToJS(internalError(err)))
	}
}

func (c *call) settle(resolve, reject js.Value) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if !c.signal.IsUndefined() {
		if aborted, err := getProp(c.signal, keyAborted); err != nil || aborted.Truthy() {
			cancel()
		} else {
			onAbort := js.FuncOf(func(js.Value, []js.Value) any { cancel(); return nil })
			c.signal.Call("addEventListener", "abort", onAbort)
			defer func() {
				c.signal.Call("removeEventListener", "abort", onAbort)
				onAbort.Release()
			}()
		}
	}
	res, err := c.lookup(ctx)
	if err != nil {
		reject.Invoke(errorToJS(err))
		return
	}
	resolve.Invoke(resultToJS(res))
}

// parseBasicArgs and parseTokenArgs apply the contract's JavaScript type
// rules; the core applies the rules on the values themselves before it
// sends anything.
func parseBasicArgs(args []js.Value) (*call, error) {
	c := &call{signal: js.Undefined()}
	var err error
	if c.user, err = stringArg(args, 0, "user"); err != nil {
		return nil, err
	}
	if c.pass, err = stringArg(args, 1, "pass"); err != nil {
		return nil, err
	}
	if err := parseOptions(c, args, 2); err != nil {
		return nil, err
	}
	return c, nil
}

func parseTokenArgs(args []js.Value) (*call, error) {
	c := &call{signal: js.Undefined(), bearer: true}
	var err error
	if c.token, err = stringArg(args, 0, "accessToken"); err != nil {
		return nil, err
	}
	if err := parseOptions(c, args, 1); err != nil {
		return nil, err
	}
	return c, nil
}

// parseOptions reads args[i], the options object, into c: each option
// in options, in its order.
func parseOptions(c *call, args []js.Value, i int) error {
	c.opts.Origin = pageOrigin
	opts := js.Undefined()
	if len(args) > i {
		opts = args[i]
	}
	switch typeOf(opts) {
	case js.TypeUndefined, js.TypeNull:
		return nil
	case js.TypeObject:
	default:
		return invalidf("options must be an object, undefined or null, not %s", typeName(opts))
	}
	for i, o := range options {
		v, err := option(opts, o.key, optionKeys[i])
		if err != nil {
			return err
		}
		if v.IsUndefined() { // an option whose value is undefined takes its default
			continue
		}
		if err := o.read(c, v); err != nil {
			return err
		}
	}
	return nil
}

// An option of fetchAccount and fetchAccountWithToken: its key, and how
// a value other than undefined is read into a call.
type optionRule struct {
	key  string
	read func(c *call, v js.Value) error
}

// optionKeys are the options' keys as JavaScript strings, made once by
// declare, after every option is declared (a test build adds one in init).
var optionKeys []js.Value

var keyAborted = js.ValueOf("aborted")

// options are the options the module reads, in the order it reads them.
// This table is their one declaration: the functions carry its keys to
// the loader (see install).
var options = []optionRule{
	{"baseURL", func(c *call, v js.Value) error {
		if typeOf(v) != js.TypeString {
			return invalidf("options.baseURL must be a string, not %s", typeName(v))
		}
		c.opts.BaseURL = v.String()
		if c.opts.BaseURL == "" { // the core reads "" as the default
			return invalidf("options.baseURL must not be empty; leave it out for the default %s", sipgate.DefaultBaseURL)
		}
		return nil
	}},
	{"timeoutMs", func(c *call, v js.Value) error {
		if typeOf(v) != js.TypeNumber {
			return invalidf("options.timeoutMs must be a number > 0, not %s", typeName(v))
		}
		ms := v.Float()
		if !(ms > 0) { // also catches NaN
			return invalidf("options.timeoutMs must be a number > 0, not %v", ms)
		}
		c.opts.Timeout = millis(ms)
		return nil
	}},
	{"signal", func(c *call, v js.Value) error {
		if !isAbortSignal(v) {
			return invalidf("options.signal must be an AbortSignal, not %s", typeName(v))
		}
		c.signal = v
		return nil
	}},
}

// option reads options[key], turning a throwing getter into INVALID_ARGUMENT.
func option(opts js.Value, key string, name js.Value) (js.Value, error) {
	v, err := getProp(opts, name)
	if err != nil {
		return v, invalidf("options.%s could not be read: %v", key, err)
	}
	return v, nil
}

// millis converts a positive number of milliseconds to a Duration. A value
// too large for a Duration (Infinity among them) means no timeout.
func millis(ms float64) time.Duration {
	if ms >= float64(math.MaxInt64/int64(time.Millisecond)) {
		return sipgate.NoTimeout
	}
	d := time.Duration(ms * float64(time.Millisecond))
	if d <= 0 {
		d = 1 // a positive fraction of a nanosecond still times out at once
	}
	return d
}

// stringArg copies args[i] into Go if it is a string. A string longer than
// MaxCredentialBytes UTF-16 units is longer in UTF-8 too, so it is refused
// before being copied.
func stringArg(args []js.Value, i int, name string) (string, error) {
	v := js.Undefined()
	if len(args) > i {
		v = args[i]
	}
	if typeOf(v) != js.TypeString {
		return "", invalidf("%s must be a non-empty string, not %s", name, typeName(v))
	}
	if stringLength(v) > sipgate.MaxCredentialBytes {
		return "", invalidf("%s is longer than %d bytes in UTF-8", name, sipgate.MaxCredentialBytes)
	}
	s := v.String()
	if strings.ContainsRune(s, '\uFFFD') && !isWellFormed(v) {
		return "", invalidf("%s contains a lone UTF-16 surrogate, which is no character and cannot be encoded in UTF-8", name)
	}
	return s, nil
}

func typeName(v js.Value) string {
	switch t := typeOf(v); {
	case v.IsNull():
		return "null"
	case t == typeUnknown:
		return "a BigInt"
	default:
		return t.String()
	}
}

// resultToJS builds the resolution object: JSON.parse of resultText.
func resultToJS(r *sipgate.Result) js.Value {
	return jsJSON.Call("parse", string(resultText(r, jsText)))
}

// jsText is s as JavaScript holds it once it has crossed. Go hands a
// string to JavaScript through TextDecoder, which replaces an invalid
// UTF-8 sequence by U+FFFD by the Encoding Standard's rule, not by Go's
// (one U+FFFD for a cut-off sequence, where Go has one per byte). A body
// that is not UTF-8 therefore crosses once, to be read back as it reads
// there.
func jsText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return js.ValueOf(s).String()
}

// failure is a call that got no response, worded for JavaScript: a
// problem the core found, or one the bridge found itself.
type failure struct {
	code    sipgate.Code
	message string
	timeout time.Duration // the limit that fired, for TIMEOUT
}

func (f *failure) Error() string { return string(f.code) + ": " + f.message }

// invalidf is INVALID_ARGUMENT for a JavaScript value the bridge refuses
// before the core sees it (a type, a getter that throws).
func invalidf(format string, args ...any) *failure {
	return &failure{code: sipgate.CodeInvalidArgument, message: fmt.Sprintf(format, args...)}
}

// errorToJS builds the rejection: a SipgateError with a code, and for a
// TIMEOUT the limit that fired as timeoutMs. Where the loader's error
// module runs in this realm (on the page) it is its class; elsewhere an
// Error with the same name and facts, which the loader turns into its
// class when it crosses to the page.
func errorToJS(err error) js.Value {
	f, ok := err.(*failure)
	if se, isCore := err.(*sipgate.Error); isCore {
		f, ok = &failure{code: se.Code, message: message(&se.Problem)}, true
		if se.Timeout != nil {
			f.timeout = se.Timeout.After
		}
	}
	if !ok {
		f = &failure{code: sipgate.CodeInternal, message: err.Error()}
	}
	facts := newObject()
	facts.Set("code", string(f.code))
	if f.code == sipgate.CodeTimeout && f.timeout > 0 {
		facts.Set("timeoutMs", float64(f.timeout)/float64(time.Millisecond))
	}
	if class := jsReflect.Call("get", js.Global(), registered("sipgate-account.SipgateError")); class.Type() == js.TypeFunction {
		if e, err := try(func() js.Value { return class.New(f.message, facts) }); err == nil {
			return e
		}
	}
	e := jsError.New(f.message)
	e.Set("name", "SipgateError")
	jsObject.Call("assign", e, facts)
	return e
}

func internalError(err error) *failure {
	return &failure{code: sipgate.CodeInternal, message: "internal error in the module (please report it): " + err.Error() + ". The module keeps working; the next call may succeed."}
}
