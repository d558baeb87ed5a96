package webserver

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// newCompressedServer serves a web root whose module has .br and .gz copies
// beside it, as `make build` writes them. The copies' contents only need to
// be told apart: the server never decodes them.
func newCompressedServer(t *testing.T) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":        "<!doctype html><title>page</title>",
		"app.js":            "// app",
		WasmFile:            "\x00asm raw",
		WasmFile + ".br":    "brotli bytes",
		WasmFile + ".gz":    "gzip bytes",
		".secret":           "dot file",
		".secret.br":        "dot file, compressed",
		"notes.unknowntype": "sniffed",
	}
	// In name order, so that each file is written before its copies (a
	// copy older than its file is stale).
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// get sends acceptEncoding as written, or no Accept-Encoding when it is "".
func get(t *testing.T, srv *httptest.Server, method, path, acceptEncoding string, header ...string) (*http.Response, string) {
	t.Helper()
	if acceptEncoding != "" {
		header = append([]string{"Accept-Encoding", acceptEncoding}, header...)
	}
	return request(t, srv, method, path, header...)
}

func TestPicksEncodingTheBrowserAccepts(t *testing.T) {
	srv := newCompressedServer(t)
	tests := []struct {
		accept, encoding, body string
	}{
		{"gzip, deflate, br, zstd", "br", "brotli bytes"}, // what Chromium sends
		{"gzip, deflate, br", "br", "brotli bytes"},
		{"BR", "br", "brotli bytes"},
		{"gzip", "gzip", "gzip bytes"},
		{"br;q=0, gzip", "gzip", "gzip bytes"},
		{"br; q=0.0, gzip;q=0.5", "gzip", "gzip bytes"},
		{"*", "br", "brotli bytes"},
		{"*, br;q=0", "gzip", "gzip bytes"},
		{"*;q=0", "", "\x00asm raw"},
		{"", "", "\x00asm raw"},
		{"identity", "", "\x00asm raw"},
		{"deflate, zstd", "", "\x00asm raw"},
	}
	etags := map[string]string{}
	for _, tt := range tests {
		resp, body := get(t, srv, "GET", "/"+WasmFile, tt.accept)
		if resp.StatusCode != 200 || body != tt.body {
			t.Errorf("Accept-Encoding %q: %d %q, want 200 %q", tt.accept, resp.StatusCode, body, tt.body)
		}
		if resp.ContentLength != int64(len(tt.body)) {
			t.Errorf("Accept-Encoding %q: Content-Length %d, want %d", tt.accept, resp.ContentLength, len(tt.body))
		}
		h := resp.Header
		if got := h.Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.encoding)
		}
		if got := h.Get("Content-Type"); got != "application/wasm" {
			t.Errorf("Accept-Encoding %q: Content-Type %q, want application/wasm", tt.accept, got)
		}
		if got := h.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q, want Accept-Encoding once", tt.accept, got)
		}
		if got := h.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("Accept-Encoding %q: Cache-Control %q, want no-cache", tt.accept, got)
		}
		etag := h.Get("ETag")
		if len(etag) != 34 || etag[0] != '"' {
			t.Errorf("Accept-Encoding %q: ETag %q, want a quoted 32-digit hash", tt.accept, etag)
		}
		if prev, seen := etags[tt.encoding]; seen && prev != etag {
			t.Errorf("encoding %q: ETag changed from %s to %s for the same bytes", tt.encoding, prev, etag)
		}
		etags[tt.encoding] = etag
	}
	if len(etags) != 3 || etags["br"] == etags["gzip"] || etags["br"] == etags[""] || etags["gzip"] == etags[""] {
		t.Errorf("each encoding needs its own ETag, got %v", etags)
	}
}

func TestRevalidationAndRanges(t *testing.T) {
	srv := newCompressedServer(t)
	resp, _ := get(t, srv, "GET", "/"+WasmFile, "br")
	etag := resp.Header.Get("ETag")

	resp, body := get(t, srv, "GET", "/"+WasmFile, "br", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("If-None-Match with the current ETag: %d %q, want 304 and no body", resp.StatusCode, body)
	}
	// The brotli copy's ETag does not validate the gzip copy.
	resp, body = get(t, srv, "GET", "/"+WasmFile, "gzip", "If-None-Match", etag)
	if resp.StatusCode != 200 || body != "gzip bytes" {
		t.Errorf("If-None-Match with another copy's ETag: %d %q, want 200 gzip bytes", resp.StatusCode, body)
	}
	resp, body = get(t, srv, "HEAD", "/"+WasmFile, "br")
	if resp.StatusCode != 200 || body != "" || resp.ContentLength != 12 || resp.Header.Get("Content-Encoding") != "br" {
		t.Errorf("HEAD: %d %q length %d encoding %q", resp.StatusCode, body, resp.ContentLength, resp.Header.Get("Content-Encoding"))
	}
	// A range applies to the bytes sent, that is to the compressed copy.
	resp, body = get(t, srv, "GET", "/"+WasmFile, "br", "Range", "bytes=0-5")
	if resp.StatusCode != http.StatusPartialContent || body != "brotli" {
		t.Errorf("Range: %d %q, want 206 brotli", resp.StatusCode, body)
	}
}

func TestFilesWithoutCopies(t *testing.T) {
	srv := newCompressedServer(t)
	for _, path := range []string{"/", "/app.js"} {
		resp, _ := get(t, srv, "GET", path, "br, gzip")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Vary") != "" || resp.Header.Get("ETag") == "" {
			t.Errorf("%s: %d encoding %q vary %q etag %q; want 200, identity, no Vary, an ETag", path, resp.StatusCode,
				resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"), resp.Header.Get("ETag"))
		}
	}
	if resp, body := get(t, srv, "GET", "/notes.unknowntype", "br"); resp.StatusCode != 200 || body != "sniffed" {
		t.Errorf("a file of unknown type: %d %q", resp.StatusCode, body)
	}
	// A compressed copy of a hidden file stays hidden.
	for _, path := range []string{"/.secret", "/.secret.br"} {
		if resp, _ := get(t, srv, "GET", path, "br"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := get(t, srv, "POST", "/"+WasmFile, "br"); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("POST got a compressed copy")
	}
}

// TestStaleCopiesAreNeverSent: a file changed after its copies were
// written is sent as it is now, to every browser, whatever it accepts.
func TestStaleCopiesAreNeverSent(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string, age time.Duration) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		when := time.Now().Add(-age)
		if err := os.Chtimes(path, when, when); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html.br", "old page, brotli", time.Hour)
	write("index.html.gz", "old page, gzip", time.Hour)
	write("index.html", "<!doctype html><title>new page</title>", time.Minute)
	write("app.js", "// app", time.Hour)
	write("app.js.br", "app, brotli", time.Minute) // written after the file: current
	write("gone.js.br", "a deleted file, brotli", time.Minute)
	h, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, accept := range []string{"gzip, deflate, br, zstd", "gzip", ""} {
		resp, body := get(t, srv, "GET", "/index.html", accept)
		if body != "<!doctype html><title>new page</title>" || resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: %q (Content-Encoding %q), want the changed page itself", accept, body, resp.Header.Get("Content-Encoding"))
		}
	}
	if resp, _ := get(t, srv, "GET", "/gone.js", "br"); resp.StatusCode != 404 {
		t.Errorf("a deleted file's copy: %d, want 404", resp.StatusCode)
	}
	if resp, body := get(t, srv, "GET", "/app.js", "br"); body != "app, brotli" || resp.Header.Get("Content-Encoding") != "br" {
		t.Errorf("a copy newer than its file: %q (Content-Encoding %q), want the copy", body, resp.Header.Get("Content-Encoding"))
	}
}
