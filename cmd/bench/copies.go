package main

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
)

// copies serves a module asked for with ?copy=NAME as a copy of its own:
// its bytes with a custom section that names the copy appended, which
// WebAssembly ignores. V8 compiles the same bytes once per process and
// every instance of them runs the same machine code, so the calls of one
// instance keep another's code warm. The per-call kinds each run a copy
// of their own, as a page's one module does: with the floor in three
// instances (the page's thread, its Worker, the second Worker) and the
// module in two, sharing alone read about 2 % against the module.
func copies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("copy")
		if name == "" || !strings.HasSuffix(r.URL.Path, ".wasm") {
			next.ServeHTTP(w, r)
			return
		}
		plain := r.Clone(r.Context())
		plain.Header.Del("Accept-Encoding") // the module itself, to append to
		plain.Header.Del("If-None-Match")
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, plain)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			body = appendCustomSection(body, "bench-copy", name)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("ETag")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// appendCustomSection appends a WebAssembly custom section (id 0) named
// name and holding payload.
func appendCustomSection(module []byte, name, payload string) []byte {
	content := appendULEB(nil, uint64(len(name)))
	content = append(append(content, name...), payload...)
	module = append(module, 0)
	module = appendULEB(module, uint64(len(content)))
	return append(module, content...)
}

func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
