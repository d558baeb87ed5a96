// Package webheaders holds the HTTP headers that every server of web/
// sends, in one place: cmd/serve and the edge Worker set them from here,
// and tests hold the server recipes in deploy/ against them.
package webheaders

import (
	"mime"
	"net/http"
	"path"
	"strings"
)

// Policy is what varies between deployments.
type Policy struct {
	// ConnectOrigins are the origins the page may call besides its own:
	// the sipgate API's when the page calls it directly, none when the
	// fake API or a proxy answers on the page's origin.
	ConnectOrigins []string
	// FramedBySelf lets pages of the same origin frame the page (an
	// in-page test does); otherwise no page may.
	FramedBySelf bool
}

// CSP is the Content-Security-Policy the page is written for: no inline
// script or style, WebAssembly allowed, network access only to its own
// origin and ConnectOrigins, https images (an account's logo), no forms
// posted anywhere, and no framing by other sites (clickjacking of the
// password form). The module's Worker may start from blob:, the way the
// loader starts it first: such a Worker keeps this policy (one started
// from its URL takes its script's own).
func CSP(p Policy) string {
	connect := append([]string{"'self'"}, p.ConnectOrigins...)
	frameAncestors := "'none'"
	if p.FramedBySelf {
		frameAncestors = "'self'"
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self' 'wasm-unsafe-eval'",
		"worker-src 'self' blob:",
		"style-src 'self'",
		"img-src 'self' https:",
		"connect-src " + strings.Join(connect, " "),
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors " + frameAncestors,
	}, "; ")
}

// Security returns the headers every answer carries: pages, files, the fake
// API and the proxy's answers alike.
func Security(p Policy) http.Header {
	return http.Header{
		"Content-Security-Policy": {CSP(p)},
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"no-referrer"},
	}
}

// Embed returns the headers that let pages on other origins use the files:
// an ES module import and the loader's fetch of the .wasm are CORS requests,
// a page that isolates itself (Cross-Origin-Embedder-Policy) needs the
// resource policy, and Resource Timing shows sizes and times only with
// Timing-Allow-Origin. The files are public; no cookie or credential is
// involved.
func Embed() http.Header {
	return http.Header{
		"Access-Control-Allow-Origin":  {"*"},
		"Cross-Origin-Resource-Policy": {"cross-origin"},
		"Timing-Allow-Origin":          {"*"},
	}
}

// CacheControl is the files' cache policy: the browser keeps every file
// but revalidates it on each use, so a rebuild shows at once and an
// unchanged file costs a 304 instead of a download.
const CacheControl = "no-cache"

// types are the files web/ holds, typed here rather than by the system's
// MIME table: without application/wasm WebAssembly.instantiateStreaming
// refuses the module, and Debian's table calls .ts a Qt translation file.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".wasm": "application/wasm",
	".ts":   "text/plain; charset=utf-8", // the TypeScript declarations, .d.ts
	".txt":  "text/plain; charset=utf-8",
}

// ContentType is the type of a file by its name, "" when unknown.
func ContentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	return mime.TypeByExtension(ext)
}

// Set copies h into w's headers, replacing what was there.
func Set(dst, h http.Header) {
	for k, v := range h {
		dst[k] = v
	}
}
