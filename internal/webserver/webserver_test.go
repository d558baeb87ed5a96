package webserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newTestServer serves a small web root laid out like web/.
func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":  "<!doctype html><title>page</title>",
		"app.js":      "// app",
		WasmFile:      "\x00asm",
		"config.json": `{"baseURL":"https://api.sipgate.com/v2"}`,
		".secret":     "dot file",
		"sub/a.txt":   "no index here",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A file beside the web root that must never be served.
	os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.txt"), []byte("outside"), 0o644)
	h, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func fetch(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	return request(t, srv, "GET", path)
}

// request sends path exactly as written, dots and escapes included, with
// the given header names and values.
func request(t *testing.T, srv *httptest.Server, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = path
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// Bodies as the server sent them: Go's client must not ask for gzip
	// and unpack it on its own.
	client := srv.Client()
	client.Transport.(*http.Transport).DisableCompression = true
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestServesPageWithHeaders(t *testing.T) {
	srv := newTestServer(t)
	resp, body := fetch(t, srv, "/")
	if resp.StatusCode != 200 || !strings.Contains(body, "<title>page</title>") {
		t.Fatalf("GET / = %d %q", resp.StatusCode, body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self' https://api.sipgate.com", "form-action 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: %v", resp.Header)
	}
	resp, _ = fetch(t, srv, "/"+WasmFile)
	if ct := resp.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf(".wasm served as %q", ct)
	}
	// Pages on other origins may import the loader and fetch the module.
	for _, path := range []string{"/" + WasmFile, "/app.js"} {
		resp, _ = fetch(t, srv, path)
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
			t.Errorf("%s: ACAO %q CORP %q, want * and cross-origin", path,
				resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Cross-Origin-Resource-Policy"))
		}
	}
	resp, body = fetch(t, srv, "/config.json")
	if !strings.Contains(body, "https://api.sipgate.com/v2") {
		t.Errorf("config.json as shipped = %q", body)
	}
	resp, _ = fetch(t, srv, "/v2/account")
	if resp.StatusCode != 404 {
		t.Errorf("/v2 answers without an API: %d", resp.StatusCode)
	}
}

func TestServesNothingElse(t *testing.T) {
	srv := newTestServer(t)
	for _, path := range []string{
		"/../outside.txt", "/%2e%2e/outside.txt", "/..%2foutside.txt", "/sub/../../outside.txt",
		"//etc/passwd", "/etc/passwd", "/.secret", "/sub/", "/sub",
	} {
		resp, body := fetch(t, srv, path)
		if resp.StatusCode == 200 || strings.Contains(body, "outside") || strings.Contains(body, "a.txt") || strings.Contains(body, "dot file") {
			t.Errorf("GET %s = %d %q", path, resp.StatusCode, body)
		}
	}
}

func TestRefusesMissingDir(t *testing.T) {
	if _, err := New(Config{Dir: filepath.Join(t.TempDir(), "nope")}); err == nil {
		t.Error("New accepted a missing web root")
	}
}
