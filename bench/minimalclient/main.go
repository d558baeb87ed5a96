//go:build js && wasm

// Command minimalclient is the smallest useful Go net/http client in a
// browser: it installs minimalGet(url, authorization), which sends one GET
// through net/http's Fetch transport, reads the body and resolves with the
// status. make bench builds it with the module's own flags and measures it
// beside the module. It is a floor: the download, start-up and per-call
// cost of Go's net/http in a browser before any of the module's own work
// (input rules, error mapping, the JavaScript contract).
package main

import (
	"io"
	"net/http"
	"syscall/js"
)

func main() {
	promise := js.Global().Get("Promise")
	js.Global().Set("minimalGet", js.FuncOf(func(this js.Value, args []js.Value) any {
		url, auth := args[0].String(), args[1].String()
		var executor js.Func
		executor = js.FuncOf(func(this js.Value, p []js.Value) any {
			executor.Release()
			resolve, reject := p[0], p[1]
			go func() {
				req, err := http.NewRequest("GET", url, nil)
				if err != nil {
					reject.Invoke(err.Error())
					return
				}
				req.Header.Set("Authorization", auth)
				req.Header.Set("Accept", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					reject.Invoke(err.Error())
					return
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				if err != nil {
					reject.Invoke(err.Error())
					return
				}
				resolve.Invoke(map[string]any{"status": resp.StatusCode, "body": string(body)})
			}()
			return nil
		})
		return promise.New(executor)
	}))
	select {}
}
