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
//
// A Map iterates in insertion order, so deleting and setting a client on
// each use keeps the clients in order of last use, oldest first: the store
// drops idle and, when full, the oldest clients from that end, as
// apiproxy.MemoryBuckets does, never everyone at once.
type jsBuckets struct{ max int }

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

func (s jsBuckets) Put(client string, b apiproxy.Bucket) {
	m := bucketMap()
	m.Call("delete", client)
	m.Call("set", client, js.ValueOf([]any{b.Tokens, float64(b.Updated.UnixMilli())}))
	idleSince := float64(b.Updated.Add(-apiproxy.IdleAfter).UnixMilli())
	keys := m.Call("keys")
	for {
		next := keys.Call("next")
		if next.Get("done").Bool() {
			return
		}
		oldest := next.Get("value")
		if m.Get("size").Int() <= s.max && m.Call("get", oldest).Index(1).Float() > idleSince {
			return
		}
		m.Call("delete", oldest)
	}
}
