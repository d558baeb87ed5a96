package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A copy is the module's bytes and a custom section that names it, sent
// whole whatever the client accepts; other requests pass untouched.
func TestCopies(t *testing.T) {
	module := []byte("\x00asm\x01\x00\x00\x00")
	srv := httptest.NewServer(copies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "" {
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte("compressed"))
			return
		}
		w.Header().Set("ETag", `"m"`)
		w.Write(module)
	})))
	defer srv.Close()
	get := func(path string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "br")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, b := get("/m.wasm?copy=floor")
	want := append(bytes.Clone(module), 0, 16, 10) // id, size, the name's length
	want = append(append(want, "bench-copy"...), "floor"...)
	if !bytes.Equal(b, want) || resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("ETag") != "" {
		t.Errorf("copy: %q %v, want %q", b, resp.Header, want)
	}
	if _, b := get("/m.wasm"); string(b) != "compressed" {
		t.Errorf("no copy asked: %q", b)
	}
}
