//go:build e2e

// The embedding page's origin, the loader's files, and the requests the
// fake API counts.

package e2e

import (
	"fmt"
	"html"
	"net/http"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"sipgate-account/internal/webserver"
)

// countRequests counts the requests that reach the fake API, and those for
// the module.
func countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v2/") || strings.HasPrefix(r.URL.Path, "/scenario/") {
			apiRequests.Add(1)
			apiInFlight.Add(1)
			defer apiInFlight.Add(-1)
		}
		if r.URL.Path == "/"+webserver.WasmFile {
			moduleRequests.Add(1)
		}
		if r.URL.Path == "/"+webserver.WasmFile || r.URL.Path == "/wasm_exec.js" {
			fileRequests.Lock()
			fileRequests.uris = append(fileRequests.uris, r.URL.RequestURI())
			fileRequests.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// requested reports whether a module file was asked for by this URI.
func requested(uri string) bool {
	fileRequests.Lock()
	defer fileRequests.Unlock()
	return slices.Contains(fileRequests.uris, uri)
}

// embedderPages serves the pages of another site that embeds the module
// from pageURL's origin: /blank.html, an empty page with no policy,
// /no-wasm.html, whose Content-Security-Policy allows that origin's scripts
// but not WebAssembly, /no-connect.html, whose policy allows the files'
// scripts and WebAssembly but no fetch of them, /frame.html?src=URL, which
// frames URL (as a clickjacking page would) and marks the frame data-loaded
// once it loaded, and a copy of the loader with no files beside it under
// /lib/ (404 for the rest) and /spa/ (its page for any other path).
func embedderPages() http.Handler {
	page := []byte("<!doctype html><html lang=en><head><meta charset=utf-8><title>another site</title></head><body></body></html>")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/blank.html":
		case "/frame.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang=en><head><meta charset=utf-8><title>another site</title></head>`+
				`<body><iframe id=framed title=framed onload="this.dataset.loaded=1" src="%s"></iframe></body></html>`,
				html.EscapeString(r.URL.Query().Get("src")))
			return
		case "/no-wasm.html":
			w.Header().Set("Content-Security-Policy", "script-src 'self' "+strings.TrimSuffix(pageURL, "/"))
		case "/no-connect.html":
			// Scripts and WebAssembly from the files' origin, but no fetch there.
			w.Header().Set("Content-Security-Policy", "script-src 'self' 'wasm-unsafe-eval' "+strings.TrimSuffix(pageURL, "/")+"; connect-src 'self'")
		case "/lib/sipgate-account.js", "/spa/sipgate-account.js":
			// A copy of the loader without its files beside it, as a bundle
			// that did not emit them would be.
			w.Header().Set("Content-Type", "text/javascript")
			w.Header().Set("Access-Control-Allow-Origin", "*")
			http.ServeFile(w, r, filepath.Join(webDir, "sipgate-account.js"))
			return
		default:
			if dir := path.Dir(r.URL.Path); (dir == "/lib" || dir == "/spa") && slices.Contains(bundledModules(), path.Base(r.URL.Path)) {
				// The modules a bundle holds with the loader.
				w.Header().Set("Content-Type", "text/javascript")
				w.Header().Set("Access-Control-Allow-Origin", "*")
				http.ServeFile(w, r, filepath.Join(webDir, path.Base(r.URL.Path)))
				return
			}
			if strings.HasPrefix(r.URL.Path, "/spa/") {
				break // a single-page app's server answers every path with its page
			}
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write(page)
	})
}

// loaderModules are the loader and its parts: web/sipgate-account*.js
// but the element, as web/package.json ships them.
func loaderModules() []string {
	names, _ := filepath.Glob(filepath.Join(webDir, "sipgate-account*.js"))
	var out []string
	for _, n := range names {
		if b := filepath.Base(n); b != "sipgate-account-element.js" && b != "sipgate-account-host.js" {
			out = append(out, b)
		}
	}
	return out
}

// bundledModules are the modules a bundle holds with the loader: its
// parts, the host and the element's view.
func bundledModules() []string {
	return append(loaderModules(), "sipgate-account-host.js", "account-view.js")
}
