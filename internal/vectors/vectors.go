// Package vectors holds the contract's test vectors (vectors.json): the
// Authorization header for given credentials, and the code a status maps
// to. The Go tests read them through Load; the in-page self-test, which
// runs in every engine, fetches the same bytes (JSON).
package vectors

import (
	_ "embed"
	"encoding/json"
)

// JSON is vectors.json as it is stored.
//
//go:embed vectors.json
var JSON []byte

// Vectors is vectors.json.
type Vectors struct {
	Basic []struct {
		User, Pass, Header string
	} `json:"basic"`
	Bearer []struct {
		Token, Header string
	} `json:"bearer"`
	Statuses []struct {
		Status     int    `json:"status"`
		Code       string `json:"code"`
		Says       string `json:"says"`
		RetryAfter string `json:"retryAfter"`
	} `json:"statuses"`
}

// Load parses vectors.json; it panics if the file is broken, which a test
// of this package catches first.
func Load() Vectors {
	var v Vectors
	if err := json.Unmarshal(JSON, &v); err != nil {
		panic("vectors.json: " + err.Error())
	}
	return v
}
