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
// Settings (wrangler.toml [vars]): UPSTREAM (default https://api.sipgate.com),
// PROXY_LIMIT (requests a minute per client address, default 60),
// PROXY_TIMEOUT (bound of an upstream call, default 10s), PROXY_MAX_CLIENTS
// (clients an isolate tracks at once, default 50000).
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/webheaders"
)

func main() {
	js.Global().Set("__sipgateEdge", js.ValueOf(map[string]any{
		"serve":        crossing(serve, internalError),
		"check":        crossing(check, internalError),
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
	return send(&apiproxy.Answer{Status: http.StatusInternalServerError,
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte("internal error in the proxy; the next request is served as usual")})
}

// security is what every answer carries, as from cmd/serve -proxy: the
// page calls only this origin, and no other site may frame it.
var security = webheaders.Security(webheaders.Policy{})

// The proxy is built once, from the first request's env: the Worker's
// settings, the same for every request of a deployment.
var (
	once     sync.Once
	proxy    *apiproxy.Proxy
	proxyErr error
)

func proxyFor(env js.Value) (*apiproxy.Proxy, error) {
	once.Do(func() {
		setting := func(name string) string {
			if v := env.Get(name); v.Type() == js.TypeString {
				return v.String()
			}
			return ""
		}
		limit, _ := strconv.Atoi(setting("PROXY_LIMIT"))
		timeout, _ := time.ParseDuration(setting("PROXY_TIMEOUT"))
		maxClients, _ := strconv.Atoi(setting("PROXY_MAX_CLIENTS"))
		proxy, proxyErr = apiproxy.New(apiproxy.Config{
			Upstream:   setting("UPSTREAM"),
			Limit:      limit,
			Timeout:    timeout,
			MaxClients: maxClients,
			ClientIP:   clientIP(setting("TRUST_CLIENT_IP_HEADER")),
		})
	})
	return proxy, proxyErr
}

// clientIP names the client a request comes from, for the rate limit.
// Behind a front that sets a header to the visitor's address and
// overwrites what a client sends in it (Cloudflare's CF-Connecting-IP),
// TRUST_CLIENT_IP_HEADER names that header, and it is trusted. Otherwise
// any client could choose its own bucket by sending it, so the address is
// the connection's (workerd's request.cf.clientIp, passed by worker.mjs as
// connectionAddress); where the runtime gives none, every client shares
// one bucket.
func clientIP(trusted string) func(*http.Request) string {
	if trusted != "" {
		return func(r *http.Request) string { return r.Header.Get(trusted) }
	}
	return func(r *http.Request) string {
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			return host
		}
		return r.RemoteAddr
	}
}

// Each call crosses between JavaScript and Go once each way, in plain
// strings: a header is "name: value" lines (the runtime's headers hold no
// line breaks), and a body one byte copy. Go's code runs several times
// slower in a Worker than natively, so a call does no more than it must:
// no JSON, and check, finish and failed take the method and path alone.

// serve(method, url, headers, hasBody, env, connectionAddress) decides
// what to do with a request. It returns ["answer", status, headers, body],
// ["forward", url, headers, timeoutMs, maxBytes] (then check, finish or
// failed), or ["asset", path].
func serve(_ js.Value, args []js.Value) any {
	u, err := url.Parse(args[1].String())
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	r := &http.Request{Method: args[0].String(), URL: u, Host: u.Host, Header: parseHeaders(args[2].String()), Body: http.NoBody}
	if a := args[5]; a.Type() == js.TypeString {
		r.RemoteAddr = a.String()
	}
	testFault(args[4], u.Path)
	if args[3].Bool() {
		// A body is never read: its presence is what counts.
		r.Body = io.NopCloser(strings.NewReader(""))
		r.ContentLength = -1
		if n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); err == nil {
			r.ContentLength = n
		}
	}
	// Routed on the path as sent, as cmd/serve routes: /v2%2Faccount is
	// not under /v2/.
	switch {
	case strings.HasPrefix(u.EscapedPath(), "/v2/"):
		p, err := proxyFor(args[4])
		if err != nil {
			return send(&apiproxy.Answer{Status: http.StatusInternalServerError,
				Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte("the proxy is misconfigured: " + err.Error())})
		}
		a, out := p.Plan(r)
		if a != nil {
			return send(a)
		}
		return []any{"forward", out.URL, headerText(out.Header), out.Timeout.Milliseconds(), out.MaxBytes}
	case u.Path == "/config.json":
		return send(&apiproxy.Answer{Status: http.StatusOK,
			Header: http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}}, Body: apiproxy.PageConfigJSON})
	}
	path := u.Path
	if strings.HasSuffix(path, "/") {
		path += "index.html"
	}
	return []any{"asset", path}
}

// logged is the request as the proxy's log lines name it.
func logged(method, path string) *http.Request {
	return &http.Request{Method: method, URL: &url.URL{Path: path}}
}

// check(method, path, status, headers) is apiproxy's Check: null when the
// answer may be passed on and its body read, else ["answer", …].
func check(_ js.Value, args []js.Value) any {
	if a := proxy.Check(logged(args[0].String(), args[1].String()), args[2].Int(), parseHeaders(args[3].String())); a != nil {
		return send(a)
	}
	return nil
}

// finish(method, path, status, headers, body) is apiproxy's Finish; body is
// a Uint8Array of at most maxBytes+1 bytes.
func finish(_ js.Value, args []js.Value) any {
	body := make([]byte, args[4].Length())
	js.CopyBytesToGo(body, args[4])
	return send(proxy.Finish(logged(args[0].String(), args[1].String()), args[2].Int(), parseHeaders(args[3].String()), body))
}

// failed(method, path, timedOut, message) is apiproxy's Failed for an
// upstream call that fetch could not complete.
func failed(_ js.Value, args []js.Value) any {
	err := errors.New(args[3].String())
	if args[2].Bool() {
		err = apiproxy.ErrTimeout
	}
	return send(proxy.Failed(logged(args[0].String(), args[1].String()), err))
}

// assetHeaders(path, status) are the headers a file of web/ gets on top of
// the asset service's: the security and embedding headers, the cache
// policy, and the file's type (workerd's disk service types nothing).
func assetHeaders(_ js.Value, args []js.Value) any {
	h := http.Header{}
	webheaders.Set(h, security)
	webheaders.Set(h, webheaders.Embed())
	h.Set("Cache-Control", webheaders.CacheControl)
	if t := webheaders.ContentType(args[0].String()); args[1].Int() == http.StatusOK && t != "" {
		h.Set("Content-Type", t)
	}
	return headerText(h)
}

// send is ["answer", status, headers, body] with the security headers
// every answer carries.
func send(a *apiproxy.Answer) any {
	h := a.Header.Clone()
	webheaders.Set(h, security)
	body := js.Global().Get("Uint8Array").New(len(a.Body))
	js.CopyBytesToJS(body, a.Body)
	return []any{"answer", a.Status, headerText(h), body}
}

func headerText(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func parseHeaders(text string) http.Header {
	h := http.Header{}
	for _, line := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			h.Add(k, v)
		}
	}
	return h
}
