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
	"io"
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
		"serve":        js.FuncOf(serve),
		"check":        js.FuncOf(check),
		"finish":       js.FuncOf(finish),
		"failed":       js.FuncOf(failed),
		"assetHeaders": js.FuncOf(assetHeaders),
	}))
	select {} // serve the functions above for the isolate's lifetime
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
			// Cloudflare sets CF-Connecting-IP to the visitor's address and
			// overwrites whatever a client sends in it.
			ClientIP: func(r *http.Request) string { return r.Header.Get("CF-Connecting-IP") },
		})
	})
	return proxy, proxyErr
}

// Each call crosses between JavaScript and Go once each way, in plain
// strings: a header is "name: value" lines (the runtime's headers hold no
// line breaks), and a body one byte copy. Go's code runs several times
// slower in a Worker than natively, so a call does no more than it must:
// no JSON, and check, finish and failed take the method and path alone.

// serve(method, url, headers, hasBody, env) decides what to do with a
// request. It returns ["answer", status, headers, body], ["forward", url,
// headers, timeoutMs, maxBytes] (then check, finish or failed), or
// ["asset", path].
func serve(_ js.Value, args []js.Value) any {
	u, err := url.Parse(args[1].String())
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	r := &http.Request{Method: args[0].String(), URL: u, Host: u.Host, Header: parseHeaders(args[2].String()), Body: http.NoBody}
	if args[3].Bool() {
		// A body is never read: its presence is what counts.
		r.Body = io.NopCloser(strings.NewReader(""))
		r.ContentLength = -1
		if n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); err == nil {
			r.ContentLength = n
		}
	}
	switch {
	case strings.HasPrefix(u.Path, "/v2/"):
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
