//go:build js && wasm

package apiproxy

import (
	"net/http"
	"strings"
)

// transport is net/http's Fetch transport (in the Workers runtime, its
// fetch). It honours the request's context, so the timeout aborts the
// upstream call.
func transport() http.RoundTripper { return http.DefaultTransport }

// setFetchOptions asks fetch to hand a redirect back instead of following
// it: the module refuses redirects, and the proxy must not follow one for it.
func setFetchOptions(h http.Header) {
	h.Set("js.fetch:redirect", "manual")
}

// decodedByTransport: the runtime's fetch decodes gzip and br before Go
// reads the body (Go's transport then drops a gzip Content-Encoding, not
// the others), so the body counted against the cap is the decoded one.
// workerd leaves deflate as it came, so a deflate answer is refused like
// any other coding (browsers decode deflate, but this code runs in the
// Worker, and only a coding every runtime here decodes counts).
func decodedByTransport(coding string) bool {
	switch strings.ToLower(strings.TrimSpace(coding)) {
	case "gzip", "x-gzip", "br", "identity":
		return true
	}
	return false
}
