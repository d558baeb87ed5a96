//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"sipgate-account/internal/apiproxy"
)

// jsBuckets keeps the rate limit in a Map on the isolate's globalThis,
// which outlives the Go instance of one request. Each isolate limits on its
// own: Cloudflare runs many, so this bounds a client per isolate, and a
// global limit is a Cloudflare rate limiting rule's job.
type jsBuckets struct{}

func bucketMap() js.Value {
	const key = "__sipgateProxyBuckets"
	m := js.Global().Get(key)
	if m.Type() != js.TypeObject {
		m = js.Global().Get("Map").New()
		js.Global().Set(key, m)
	}
	return m
}

func (jsBuckets) Get(client string) (apiproxy.Bucket, bool) {
	v := bucketMap().Call("get", client)
	if v.Type() != js.TypeObject {
		return apiproxy.Bucket{}, false
	}
	return apiproxy.Bucket{Tokens: v.Index(0).Float(), Updated: time.UnixMilli(int64(v.Index(1).Float()))}, true
}

func (jsBuckets) Put(client string, b apiproxy.Bucket) {
	m := bucketMap()
	if m.Get("size").Int() >= 10000 {
		m.Call("clear") // bounded memory; a cleared client simply starts afresh
	}
	m.Call("set", client, js.ValueOf([]any{b.Tokens, float64(b.Updated.UnixMilli())}))
}
