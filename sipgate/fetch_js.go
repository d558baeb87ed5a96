//go:build js && wasm

package sipgate

import "net/http"

// setFetchOptions asks net/http's Fetch transport for the contract's fetch
// options. The transport reads these pseudo-headers, applies them to the
// fetch() call and removes them; they are never sent.
//   - credentials "omit": cookies are never sent (the header carries the credentials).
//   - redirect "error": a redirect rejects (NETWORK) and takes the header nowhere.
//   - mode "cors": the API lives on another origin than most pages.
func setFetchOptions(h http.Header) {
	h["js.fetch:credentials"] = []string{"omit"}
	h["js.fetch:redirect"] = []string{"error"}
	h["js.fetch:mode"] = []string{"cors"}
}

// transportFailure: fetch fails alike for every cause (refused, DNS, CORS,
// a redirect, offline look the same, for security), so nothing is known.
func transportFailure(error) NetworkFailure { return NetworkUnknown }
