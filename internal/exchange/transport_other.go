//go:build !(js && wasm)

package exchange

import (
	"net/http"
)

// transport is Go's own, without compression: the other side gets exactly
// the headers sent (no Accept-Encoding beyond what the caller set), and the
// answer is passed on as it came.
//
// Every call goes to one of very few hosts, so it keeps as many idle
// connections to each as it may use at once; with Go's default of two, a
// busy proxy would open (and leave in TIME_WAIT) a connection for most
// calls. Redirects are never followed: RoundTrip does not.
var transport http.RoundTripper = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	t.MaxIdleConnsPerHost = 64
	return t
}()

func setFetchOptions(http.Header) {}
