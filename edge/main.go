//go:build js && wasm

// Command edge is the same-origin proxy of cmd/serve -proxy as a Cloudflare
// Worker, built with github.com/syumai/workers: the allow-list, header
// rules and limits are package apiproxy, the very code cmd/serve runs.
//
// It answers /v2/... with the proxy and /config.json with the page's
// same-origin configuration; everything else is web/, from the ASSETS
// binding (Workers static assets on Cloudflare, a disk service in workerd).
// Every answer carries the security headers of package webheaders, which
// is why wrangler.toml runs the Worker first for every path.
//
// Settings (wrangler.toml [vars]): UPSTREAM (default https://api.sipgate.com),
// PROXY_LIMIT (requests a minute per client address, default 60),
// PROXY_TIMEOUT (bound of an upstream call, default 10s), PROXY_MAX_CLIENTS
// (clients an isolate tracks at once, default 50000).
package main

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/fetch"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/webheaders"
)

func main() {
	bindGlobalFetch()
	workers.Serve(http.HandlerFunc(serve))
}

// bindGlobalFetch lets net/http's Fetch transport run here. syumai/workers
// hands Go a Proxy of globalThis as its global object, and net/http calls
// fetch as a method of it; the Workers runtime refuses a fetch called on
// anything but globalThis ("Illegal invocation"). A fetch bound to the real
// globalThis does not mind what it is called on. The transport is worth
// keeping: it wires the request's context to an AbortController, which is
// what makes the proxy's upstream timeout abort the call.
func bindGlobalFetch() {
	global := js.Global().Get("globalThis") // the real one, through the Proxy
	if global.Get("__sipgateFetchBound").Truthy() {
		return
	}
	global.Set("fetch", global.Get("fetch").Call("bind", global))
	global.Set("__sipgateFetchBound", true)
}

// boundFetch returns an object whose fetch is obj.fetch bound to obj:
// syumai/workers' fetch client calls fetch without a receiver, which a
// service binding refuses.
func boundFetch(obj js.Value) js.Value {
	ns := js.Global().Get("Object").New()
	ns.Set("fetch", obj.Get("fetch").Call("bind", obj))
	return ns
}

// security is what every answer carries, as from cmd/serve -proxy: the
// page calls only this origin, and no other site may frame it.
var security = webheaders.Security(webheaders.Policy{})

func serve(w http.ResponseWriter, r *http.Request) {
	webheaders.Set(w.Header(), security)
	switch {
	case strings.HasPrefix(r.URL.Path, "/v2/"):
		proxy, err := newProxy()
		if err != nil {
			http.Error(w, "the proxy is misconfigured: "+err.Error(), http.StatusInternalServerError)
			return
		}
		proxy.ServeHTTP(w, r)
	case r.URL.Path == "/config.json":
		apiproxy.PageConfig().ServeHTTP(w, r)
	default:
		assets(w, r)
	}
}

// newProxy builds the proxy for this request. The Workers runtime starts a
// new Go instance per request, so the rate limit's state lives in the
// isolate's JavaScript memory instead (jsBuckets).
func newProxy() (http.Handler, error) {
	limit, _ := strconv.Atoi(env("PROXY_LIMIT"))
	timeout, _ := time.ParseDuration(env("PROXY_TIMEOUT"))
	maxClients, _ := strconv.Atoi(env("PROXY_MAX_CLIENTS"))
	if maxClients <= 0 {
		maxClients = apiproxy.MaxClients
	}
	return apiproxy.New(apiproxy.Config{
		Upstream: env("UPSTREAM"),
		Limit:    limit,
		Timeout:  timeout,
		Buckets:  jsBuckets{max: maxClients},
		// Cloudflare sets CF-Connecting-IP to the visitor's address and
		// overwrites whatever a client sends in it.
		ClientIP: func(r *http.Request) string { return r.Header.Get("CF-Connecting-IP") },
	})
}

// env reads a Worker variable; "" when it is not set.
func env(name string) string {
	if v := cloudflare.GetBinding(name); v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// assets serves the page's files from the ASSETS binding. Cloudflare's
// static assets set the types themselves; a plain file service (workerd's
// disk service) may not, and the module must arrive as application/wasm.
func assets(w http.ResponseWriter, r *http.Request) {
	binding := cloudflare.GetBinding("ASSETS")
	if binding.Type() != js.TypeObject {
		http.NotFound(w, r)
		return
	}
	path := r.URL.Path
	if strings.HasSuffix(path, "/") {
		path += "index.html"
	}
	req, err := fetch.NewRequest(r.Context(), r.Method, "http://assets"+path, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, k := range []string{"Accept", "Accept-Encoding", "If-None-Match", "If-Modified-Since", "Range"} {
		if v := r.Header.Get(k); v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := fetch.NewClient(fetch.WithBinding(boundFetch(binding))).Do(req, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	h := w.Header()
	for k, v := range resp.Header {
		h[k] = v
	}
	// The security headers win over whatever the asset service sent.
	webheaders.Set(h, security)
	webheaders.Set(h, webheaders.Embed())
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", webheaders.CacheControl)
	}
	if resp.StatusCode == http.StatusOK {
		if t := webheaders.ContentType(path); t != "" {
			h.Set("Content-Type", t)
		}
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}
