package main

import (
	"strconv"

	"sipgate-account/sipgate"
)

// resultText is the resolution object as one JSON text, which the bridge
// hands to JSON.parse: one string crosses into JavaScript instead of an
// object, six properties and three strings, each a call out of Go and
// most a JavaScript value Go tracks until its collector frees it. Built
// piece by piece, the object took about 2 % of a call in a profile of the
// module's Worker.
//
// The account is the body the core found to be one JSON object, so it
// goes in as it came and JSON.parse reads every field exactly as the API
// sent it. asJS gives a text as JavaScript would hold it (see jsText).
func resultText(r *sipgate.Result, asJS func(string) string) []byte {
	account := "null"
	if r.OK {
		account = string(r.Account)
	}
	t := jsonText(make([]byte, 0, 128+len(r.Body)+len(account)))
	t.raw(`{"ok":`, strconv.FormatBool(r.OK), `,"status":`, strconv.Itoa(r.Status), `,"statusText":`)
	t.str(asJS(r.StatusText))
	t.raw(`,"body":`)
	t.str(asJS(r.Body))
	t.raw(`,"account":`, account, `,"error":`)
	if p := r.Problem; p == nil {
		t.raw("null")
	} else {
		t.raw(`{"code":`)
		t.str(string(p.Code))
		t.raw(`,"message":`)
		t.str(asJS(message(p)))
		if wait, ok := p.RetryAfterSeconds(); ok {
			t.raw(`,"retryAfterSeconds":`, strconv.Itoa(wait))
		}
		t.raw("}")
	}
	t.raw("}")
	return t
}

// jsonText is JSON being written. Its methods are kept out of line: each
// append written out inline costs some hundred bytes of WebAssembly.
type jsonText []byte

// raw appends JSON as it is.
//
//go:noinline
func (t *jsonText) raw(parts ...string) {
	for _, p := range parts {
		*t = append(*t, p...)
	}
}

// str appends s, valid UTF-8, as a JSON string: quotes, backslashes and
// control characters escaped, everything else as it is.
//
//go:noinline
func (t *jsonText) str(s string) {
	const hex = "0123456789abcdef"
	b := append(*t, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	*t = append(b, '"')
}
