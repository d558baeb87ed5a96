//go:build js && wasm && probeoption

package main

import "syscall/js"

// A test build (-tags probeoption) declares one more option, probe, which
// refuses every value by naming it, and one more function,
// fetchAccountProbe(accessToken, options?), which calls like
// fetchAccountWithToken. The browser tests use them to see that an option
// and a function declared only here reach the module in its Worker: the
// loader forwards what this package declares, nothing listed by hand.
func init() {
	options = append(options, optionRule{"probe", func(_ *call, v js.Value) error {
		return invalidf("options.probe arrived: %s %q", typeName(v), v.String())
	}})
	exports = append(exports, export{"fetchAccountProbe", 1, parseTokenArgs})
}
