//go:build !(js && wasm)

package sipgate

import "net/http"

// setFetchOptions does nothing outside the browser: the native transport
// sends no cookies of its own, and NewClient refuses redirects.
func setFetchOptions(http.Header) {}
