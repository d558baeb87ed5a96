package webheaders

import (
	"bufio"
	"net/http"
	"os"
	"strings"
	"testing"
)

// sent is what cmd/serve sends with every file of a static deployment
// that calls the sipgate API directly, the case the recipes in deploy/
// are written for.
func sent() http.Header {
	h := Security(Policy{ConnectOrigins: []string{"https://api.sipgate.com"}})
	Set(h, Embed())
	h.Set("Cache-Control", CacheControl)
	return h
}

// TestHeadersFile holds deploy/static/_headers (Netlify, Cloudflare) to
// this package. nginx and Caddy run their recipes in the browser tests.
func TestHeadersFile(t *testing.T) {
	f, err := os.Open("../../deploy/static/_headers")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules := map[string]http.Header{}
	var path string
	scan := bufio.NewScanner(f)
	for scan.Scan() {
		line := scan.Text()
		switch trimmed := strings.TrimSpace(line); {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case !strings.HasPrefix(line, " "):
			path = trimmed
			rules[path] = http.Header{}
		default:
			k, v, ok := strings.Cut(trimmed, ":")
			if !ok || path == "" {
				t.Fatalf("_headers: %q is no header of a path", line)
			}
			rules[path].Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	all := rules["/*"]
	for k := range sent() {
		if got, want := all.Get(k), sent().Get(k); got != want {
			t.Errorf("_headers /*: %s %q, want %q", k, got, want)
		}
	}
	if len(all) != len(sent()) {
		t.Errorf("_headers /* sets %v, want exactly %v", all, sent())
	}
	for file, want := range map[string]string{"/sipgate-account.wasm": ContentType("x.wasm"), "/sipgate-account.d.ts": ContentType("x.d.ts")} {
		if got := rules[file].Get("Content-Type"); got != want {
			t.Errorf("_headers %s: Content-Type %q, want %q", file, got, want)
		}
	}
}
