//go:build js && wasm

package exchange

import (
	"net/http"
)

// transport is net/http's Fetch transport (in the Workers runtime, its
// fetch). It honours the request's context, so the timeout aborts the call.
var transport http.RoundTripper = http.DefaultTransport

// setFetchOptions asks fetch to hand a redirect back instead of following
// it: the module refuses redirects, and the proxy must not follow one for it.
func setFetchOptions(h http.Header) {
	h.Set("js.fetch:redirect", "manual")
}
