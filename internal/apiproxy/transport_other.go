//go:build !js

package apiproxy

import "net/http"

// transport is Go's own, without compression: the API gets exactly the
// forwarded headers (no Accept-Encoding of the proxy's), and the answer is
// passed on as it came.
func transport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	return t
}

func setFetchOptions(http.Header) {}
