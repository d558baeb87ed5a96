//go:build js

package sipgate

// isJSONObject checks only that b starts like a JSON object. In the browser
// the host parses the body anyway (JSON.parse, to hand the account over as
// a JavaScript object) and reports BadResponseError when that fails, so the
// module leaves the full check to it and does not link encoding/json, about
// 25 kB of the brotli download.
func isJSONObject(b []byte) bool {
	return len(b) > 0 && b[0] == '{'
}
