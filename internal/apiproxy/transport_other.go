//go:build !(js && wasm)

package apiproxy

import (
	"net/http"
	"strings"
)

// transport is Go's own, without compression: the API gets exactly the
// forwarded headers (no Accept-Encoding of the proxy's beyond identity),
// and the answer is passed on as it came.
//
// Every call goes to the one upstream host, so it keeps as many idle
// connections to it as it may use at once; with Go's default of two, a busy
// proxy would open (and leave in TIME_WAIT) a connection for most calls.
func transport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	t.MaxIdleConnsPerHost = 64
	return t
}

func setFetchOptions(http.Header) {}

// decodedByTransport: nothing is decoded here, so any coding but identity
// would reach the browser as bytes it cannot read.
func decodedByTransport(coding string) bool {
	return strings.EqualFold(strings.TrimSpace(coding), "identity")
}
