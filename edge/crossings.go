//go:build js && wasm

package main

import (
	"net/http"
	"strings"
	"syscall/js"

	"sipgate-account/internal/exchange"
)

// The shapes that cross between worker.mjs and Go, each read or written
// here once (worker.mjs writes and reads them once on its side). Go's code
// runs several times slower in a Worker than natively, so a crossing
// carries plain values: headers as "name: value" lines (the runtime's
// headers hold no line breaks) and a body as one byte array; no JSON.
//
// Into Go:
//
//	request   {method, url, headers, hasBody, clientAddress,  serve
//	           counted}
//	upstream  {method, path, url, status, headers, body,      finish, failed, assetHeaders
//	           timedOut, message}                             (each reads what it needs)
//
// Out of Go:
//
//	{kind: "answer", status, headers, body}
//	{kind: "forward", method, url, headers, body, timeoutMs, maxBytes}
//	{kind: "asset", path}
//	{kind: "count", binding, key}   ask the Rate Limiting binding, then serve
//	                                the request again with counted: its success

// request is a request as serve reads it.
type request struct {
	method, url, headers string
	hasBody              bool
	// clientAddress is the connection's address where the runtime gives
	// it (workerd's request.cf.clientIp), "" elsewhere.
	clientAddress string
	// counted is the Rate Limiting binding's answer for the request, once
	// asked (see count).
	counted, wasCounted bool
}

func readRequest(v js.Value) request {
	return request{
		method:        v.Get("method").String(),
		url:           v.Get("url").String(),
		headers:       v.Get("headers").String(),
		hasBody:       v.Get("hasBody").Bool(),
		clientAddress: optionalString(v.Get("clientAddress")),
		counted:       v.Get("counted").Truthy(),
		wasCounted:    v.Get("counted").Type() == js.TypeBoolean,
	}
}

// upstream is the forwarded call as the steps after serve read it: the
// request's method, path and URL, and what came back (or why nothing did).
type upstream struct {
	method, path, url, headers, message string
	status                              int
	body                                []byte
	timedOut                            bool
}

func readUpstream(v js.Value) upstream {
	in := upstream{
		method:   optionalString(v.Get("method")),
		path:     optionalString(v.Get("path")),
		url:      optionalString(v.Get("url")),
		headers:  optionalString(v.Get("headers")),
		message:  optionalString(v.Get("message")),
		timedOut: v.Get("timedOut").Truthy(),
	}
	if s := v.Get("status"); s.Type() == js.TypeNumber {
		in.status = s.Int()
	}
	if b := v.Get("body"); b.Type() == js.TypeObject {
		in.body = make([]byte, b.Length())
		js.CopyBytesToGo(in.body, b)
	}
	return in
}

func optionalString(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// answer is a complete answer, with the security headers every answer
// carries unless it sets its own (the sign-in's callback page has its own
// policy).
func answer(a *exchange.Answer) any {
	h := security.Clone()
	for k, v := range a.Header {
		h[k] = v
	}
	body := js.Global().Get("Uint8Array").New(len(a.Body))
	js.CopyBytesToJS(body, a.Body)
	return map[string]any{"kind": "answer", "status": a.Status, "headers": headerText(h), "body": body}
}

// forward is the one upstream call to make: the proxy's GET, or the
// sign-in's token call (a POST with a form).
func forward(out *exchange.Outgoing) any {
	f := map[string]any{"kind": "forward", "method": http.MethodGet, "url": out.URL, "headers": headerText(out.Header),
		"timeoutMs": out.Timeout.Milliseconds(), "maxBytes": out.MaxBytes}
	if out.Method != "" {
		f["method"] = out.Method
	}
	if out.Body != nil {
		body := js.Global().Get("Uint8Array").New(len(out.Body))
		js.CopyBytesToJS(body, out.Body)
		f["body"] = body
	}
	return f
}

// count asks worker.mjs to count the request at the Rate Limiting binding
// under key, and to serve it again with the answer.
func count(binding, key string) any {
	return map[string]any{"kind": "count", "binding": binding, "key": key}
}

// asset is a file of web/ to serve from the ASSETS binding.
func asset(path string) any {
	return map[string]any{"kind": "asset", "path": path}
}

func headerText(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func parseHeaders(text string) http.Header {
	h := http.Header{}
	for _, line := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			h.Add(k, v)
		}
	}
	return h
}
