// Package vectors holds the contract's test vectors (vectors.json): the
// Authorization header for given credentials, and the code a status maps
// to. The Go tests read them through Load; the in-page self-test, which
// runs in every engine, fetches the same bytes (JSON).
package vectors

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
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
	Inputs []Input `json:"inputs"`
}

// Input is a call that breaks an input rule: it rejects with
// INVALID_ARGUMENT, its message says at least Says, and nothing is sent.
type Input struct {
	Name string `json:"name"`
	// Call is fetchAccount or fetchAccountWithToken.
	Call string `json:"call"`
	// Args are JSON, but for objects with a "$" key, which stand for what
	// JSON cannot hold (e2e/selftest/inputs.js builds them).
	Args []json.RawMessage `json:"args"`
	Says string            `json:"says"`
	// Core marks the inputs the Go core refuses itself: user and pass
	// are texts, which Credentials gives.
	Core bool `json:"core"`
}

// Credentials are a core input's user and pass.
func (in Input) Credentials() (user, pass string, err error) {
	var texts [2]string
	if len(in.Args) != 2 {
		return "", "", fmt.Errorf("input %q: %d arguments, want user and pass", in.Name, len(in.Args))
	}
	for i, raw := range in.Args {
		var repeat struct {
			Op    string `json:"$"`
			Text  string `json:"text"`
			Times int    `json:"times"`
		}
		if err := json.Unmarshal(raw, &texts[i]); err == nil {
			continue
		}
		if err := json.Unmarshal(raw, &repeat); err != nil || repeat.Op != "repeat" {
			return "", "", fmt.Errorf("input %q: argument %d is not a text", in.Name, i)
		}
		texts[i] = strings.Repeat(repeat.Text, repeat.Times)
	}
	return texts[0], texts[1], nil
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
