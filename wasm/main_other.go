//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// The module runs in a browser. Natively this package builds only so that
// its pure-Go parts (messages.go) are tested with plain go test.
func main() {
	fmt.Fprintln(os.Stderr, "this is the browser module: build it with GOOS=js GOARCH=wasm (make build)")
	os.Exit(2)
}
