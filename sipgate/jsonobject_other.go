//go:build !js

package sipgate

import "encoding/json"

// isJSONObject reports whether b is one JSON object.
func isJSONObject(b []byte) bool {
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}
