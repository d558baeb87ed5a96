//go:build js && wasm

package apiproxy

import (
	"strings"
)

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
