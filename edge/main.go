//go:build js && wasm

// Command edge is the same-origin proxy of cmd/serve -proxy as a Cloudflare
// Worker: the allow-list, header rules and limits are package apiproxy, the
// very code cmd/serve runs, and the headers are package webheaders'.
//
// One Go instance serves every request of an isolate (worker.mjs starts it
// on the first request), so a call costs a few synchronous Go calls, not a
// new instance, and the rate limit's store lives in Go memory. Go only
// decides; worker.mjs does the I/O (the upstream fetch, reading its body,
// the static assets), because the Workers runtime ties every stream and
// timer to the request that made it, and Go's scheduler would resume one
// request's goroutine inside another request's context.
//
// It answers /v2/... with the proxy and /config.json with the page's
// same-origin configuration; everything else is web/, from the ASSETS
// binding (Workers static assets on Cloudflare, a disk service in workerd).
// Every answer carries the security headers of package webheaders, which is
// why wrangler.toml runs the Worker first for every path.
//
// Settings: the Worker's variables (wrangler.toml [vars]) and secrets, by
// the one table cmd/serve reads as flags (internal/settings, listed in
// docs/deploying.md). "Sign in with sipgate" (package signin, the code
// cmd/serve -proxy runs) answers /oauth/ when SIPGATE_CLIENT_ID (a var) and
// SIPGATE_CLIENT_SECRET (a secret: `npx wrangler secret put
// SIPGATE_CLIENT_SECRET`, never in wrangler.toml) are set.
package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/clientaddr"
	"sipgate-account/internal/exchange"
	"sipgate-account/internal/pageconfig"
	"sipgate-account/internal/settings"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/webheaders"
)

func main() {
	js.Global().Set("__sipgateEdge", js.ValueOf(map[string]any{
		"serve":        crossing(serve, internalError),
		"finish":       crossing(finish, internalError),
		"failed":       crossing(failed, internalError),
		"assetHeaders": crossing(assetHeaders, func() any { return headerText(security) }),
		// The headers worker.mjs sends on its own, should the Go side
		// have exited: read once, at start.
		"security": headerText(security),
	}))
	select {} // serve the functions above for the isolate's lifetime
}

// crossing makes fn a function JavaScript calls. A panic in it (a bug)
// does not end the Go program, which serves every later request of the
// isolate: it is logged, and the request gets what onPanic returns.
func crossing(fn func(js.Value, []js.Value) any, onPanic func() any) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) (result any) {
		defer func() {
			if r := recover(); r != nil {
				println("sipgate-account edge: internal error:", fmt.Sprint(r))
				result = onPanic()
			}
		}()
		return fn(this, args)
	})
}

// internalError is a 500 with the security headers every answer carries.
func internalError() any {
	return answer(&exchange.Answer{Status: http.StatusInternalServerError,
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte("internal error in the proxy; the next request is served as usual")})
}

// security is what every answer carries, as from cmd/serve -proxy: the
// page calls only this origin, and no other site may frame it.
var security = webheaders.Security(webheaders.Policy{})

// The settings are read once, from the first request's env: the Worker's
// variables and secrets, the same for every request of a deployment, by
// the table cmd/serve reads as flags (package settings). A value that
// does not parse makes every request of /v2/, /oauth/ and config.json a
// 500 that names it, and one log line: the Worker cannot refuse to start.
var (
	once     sync.Once
	set      settings.Values
	proxy    *apiproxy.Proxy
	flow     *signin.Flow // nil when the Worker has no client
	setupErr error
	// bound is Cloudflare's Rate Limiting binding's counter, nil when
	// wrangler.toml binds none: then each isolate counts in its memory.
	bound *bindingCounter
)

// bindingCounter is the proxy's and the sign-in's counter where the
// binding is bound. Go decides each request in one synchronous call, so
// it decides twice: first undecided, when a Take only notes the client it
// was asked for (the request reached the limit: its path, method and body
// passed), and worker.mjs asks the binding; then with the binding's answer,
// which Take gives. No other request comes between.
type bindingCounter struct {
	limit            int
	decided, allowed bool
	asked            string // the client Take was asked for, undecided
}

func (c *bindingCounter) Take(ip string) (time.Duration, bool) {
	if !c.decided {
		c.asked = ip
		return 0, false
	}
	return settings.RateLimitPeriod, c.allowed
}

func (c *bindingCounter) Limit() int { return c.limit }

func setup(env js.Value) error {
	once.Do(func() {
		logf := func(format string, args ...any) { println(fmt.Sprintf(format, args...)) }
		set, setupErr = settings.Read(func(st settings.Setting) (string, bool) {
			return envString(env, st.Var), env.Get(st.Var).Type() == js.TypeString
		}, func(st settings.Setting) string { return st.Var })
		if setupErr != nil {
			setupErr = fmt.Errorf("the Worker is misconfigured: %w", setupErr)
			logf("sipgate-account edge: %v", setupErr)
			return
		}
		proxyCfg, signInCfg := set.Proxy(logf), set.SignInConfig(logf)
		if env.Get(settings.RateLimitBinding).Type() == js.TypeObject {
			bound = &bindingCounter{limit: set.Limit}
			proxyCfg.Counter, signInCfg.Counter = bound, bound
		}
		if proxy, setupErr = apiproxy.New(proxyCfg); setupErr != nil {
			setupErr = fmt.Errorf("the proxy is misconfigured: UPSTREAM: %w", setupErr)
			return
		}
		signIn, err := set.SignIn()
		if err != nil {
			setupErr = fmt.Errorf("sign-in is misconfigured: %w", err)
			return
		}
		if signIn {
			if flow, err = signin.New(signInCfg); err != nil {
				setupErr = fmt.Errorf("sign-in is misconfigured: %w", err)
			}
		}
	})
	return setupErr
}

// serve decides what to do with a request (a request shape, and the
// Worker's env): an answer, a forward (then finish or failed), or
// an asset.
func serve(_ js.Value, args []js.Value) any {
	in, env := readRequest(args[0]), args[1]
	u, err := url.Parse(in.url)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	r := &http.Request{Method: in.method, URL: u, Host: u.Host, Header: parseHeaders(in.headers), Body: http.NoBody, RemoteAddr: in.clientAddress}
	testFault(env, u.Path)
	if in.hasBody {
		// A body is never read: its presence is what counts.
		r.Body = io.NopCloser(strings.NewReader(""))
		r.ContentLength = -1
		if n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); err == nil {
			r.ContentLength = n
		}
	}
	// Routed on the path as sent, as cmd/serve routes: /v2%2Faccount is
	// not under /v2/.
	own := strings.HasPrefix(u.EscapedPath(), "/v2/") || strings.HasPrefix(u.EscapedPath(), "/oauth/") || u.Path == "/config.json"
	if err := setup(env); own && err != nil {
		return answer(&exchange.Answer{Status: http.StatusInternalServerError,
			Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte(err.Error())})
	}
	if bound != nil {
		bound.decided, bound.allowed, bound.asked = in.wasCounted, in.counted, ""
	}
	d := decide(u, r)
	if bound != nil && !in.wasCounted && bound.asked != "" {
		// Counted at Cloudflare first, by the address the limits use,
		// the API's and the sign-in's apart; then decided again.
		scope, _, _ := strings.Cut(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
		return count(settings.RateLimitBinding, scope+" "+clientaddr.Key(bound.asked))
	}
	return d
}

// decide is the answer, forward or asset for a request.
func decide(u *url.URL, r *http.Request) any {
	switch {
	case strings.HasPrefix(u.EscapedPath(), "/v2/"):
		a, out := proxy.Plan(r)
		if a != nil {
			return answer(a)
		}
		return forward(out)
	case strings.HasPrefix(u.EscapedPath(), "/oauth/"):
		if flow == nil {
			return answer(&exchange.Answer{Status: http.StatusNotFound,
				Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte("sign-in is not set up here: the Worker has no SIPGATE_CLIENT_ID")})
		}
		a, out := flow.Plan(r)
		if a != nil {
			return answer(a)
		}
		return forward(out)
	case u.Path == "/config.json":
		page := pageconfig.Config{BaseURL: pageconfig.SameOriginBaseURL}
		if flow != nil {
			page.SignIn = signin.StartPath
		}
		return answer(&exchange.Answer{Status: http.StatusOK,
			Header: http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}}, Body: page.JSON()})
	}
	path := u.Path
	if strings.HasSuffix(path, "/") {
		path += "index.html"
	}
	return asset(path)
}

func envString(env js.Value, name string) string {
	if v := env.Get(name); v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// logged is the request as the proxy's log lines name it, and as the
// sign-in flow reads its origin.
func logged(in upstream) *http.Request {
	u, err := url.Parse(in.url)
	if err != nil || in.url == "" {
		u = &url.URL{Path: in.path}
	}
	return &http.Request{Method: in.method, URL: u, Host: u.Host}
}

// deciderOf is who decides on an upstream call's answer: the sign-in for
// its token call, the proxy for the API's.
func deciderOf(in upstream) exchange.Decider {
	if strings.HasPrefix(in.path, "/oauth/") {
		return flow
	}
	return proxy
}

// finish is the decider's Finish on the upstream answer, its body read up
// to maxBytes+1 bytes.
// It checks the status and headers first (the decider's Check): one
// crossing for both, since a crossing into Go costs more than reading a
// body that the cap bounds.
func finish(_ js.Value, args []js.Value) any {
	in := readUpstream(args[0])
	d, r, h := deciderOf(in), logged(in), parseHeaders(in.headers)
	if a := d.Check(r, in.status, h); a != nil {
		return answer(a)
	}
	return answer(d.Finish(r, in.status, h, in.body))
}

// failed is the decider's Failed for an upstream call that fetch could
// not complete.
func failed(_ js.Value, args []js.Value) any {
	in := readUpstream(args[0])
	err := errors.New(in.message)
	if in.timedOut {
		err = exchange.ErrTimeout
	}
	return answer(deciderOf(in).Failed(logged(in), err))
}

// assetHeaders are the headers a file of web/ gets on top of the asset
// service's: the security and embedding headers, the cache policy, and the
// file's type (workerd's disk service types nothing).
func assetHeaders(_ js.Value, args []js.Value) any {
	in := readUpstream(args[0])
	h := http.Header{}
	webheaders.Set(h, security)
	webheaders.Set(h, webheaders.Embed())
	h.Set("Cache-Control", webheaders.CacheControl)
	if t := webheaders.ContentType(in.path); in.status == http.StatusOK && t != "" {
		h.Set("Content-Type", t)
	}
	return headerText(h)
}
