//go:build !(js && wasm)

package apiproxy

import (
	"strings"
)

// decodedByTransport: nothing is decoded here, so any coding but identity
// would reach the browser as bytes it cannot read.
func decodedByTransport(coding string) bool {
	return strings.EqualFold(strings.TrimSpace(coding), "identity")
}
