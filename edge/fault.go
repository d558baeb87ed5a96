//go:build js && wasm

package main

import (
	"os"
	"syscall/js"
)

// testFault lets the tests make the Go side fail, as a bug would: with the
// Worker setting TEST_FAULTS (which only internal/testkit/workerd's tests set; it
// is never in wrangler.toml), a request for /__fault/panic panics in the
// crossing, and one for /__fault/exit ends the Go program.
func testFault(env js.Value, path string) {
	if v := env.Get("TEST_FAULTS"); v.Type() != js.TypeString || v.String() != "on" {
		return
	}
	switch path {
	case "/__fault/panic":
		panic("a panic the tests asked for")
	case "/__fault/exit":
		os.Exit(3)
	}
}
