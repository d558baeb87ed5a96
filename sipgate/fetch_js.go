//go:build js && wasm

package sipgate

import "net/http"

// setFetchOptions asks net/http's Fetch transport for the contract's fetch
// options. The transport reads these pseudo-headers, applies them to the
// fetch() call and removes them; they are never sent.
//   - credentials "omit": cookies are never sent (the header carries the credentials).
//   - redirect "error": a redirect rejects (NETWORK) and takes the header nowhere.
//
// The mode stays fetch()'s own, "cors", which the API on another origin
// needs; naming it would only cost the transport another property to set.
func setFetchOptions(h http.Header) {
	h["js.fetch:credentials"] = []string{"omit"}
	h["js.fetch:redirect"] = []string{"error"}
}

// transportFailure: fetch fails alike for every cause (refused, DNS, CORS,
// a redirect, offline look the same, for security), so nothing is known.
func transportFailure(error) NetworkFailure { return NetworkUnknown }
