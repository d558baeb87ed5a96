//go:build js && wasm && probeoption

package main

import "syscall/js"

// A test build (-tags probeoption) declares one more option, probe, which
// refuses every value by naming it. The browser tests use it to see that
// an option declared only here reaches the module in its Worker: the
// loader forwards what this package declares, nothing listed by hand.
func init() {
	options = append(options, optionRule{"probe", func(_ *call, v js.Value) error {
		return invalidf("options.probe arrived: %s %q", typeName(v), v.String())
	}})
}
