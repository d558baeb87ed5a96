//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webheaders"
	"sipgate-account/internal/webserver"
)

// manifest is web/integrity.json, which make build writes.
func manifest(t *testing.T) (map[string]string, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(webDir, "integrity.json"))
	if err != nil {
		t.Fatalf("%v: make build writes it", err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m, string(b)
}

// tampering serves web/ with one file changed for one kind of request:
// "fetch()" (Sec-Fetch-Dest empty) or "the module loader" (a script
// element, an import, a Worker). A changed script first asks elsewhereURL
// for /ran/<file>, so a tampered byte that runs is counted there.
func tampering(t *testing.T, changed, servedTo string) *httptest.Server {
	t.Helper()
	site, err := webserver.New(webserver.Config{Dir: webDir})
	if err != nil {
		t.Fatal(err)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		toFetch := r.Header.Get("Sec-Fetch-Dest") == "empty"
		if name != changed || toFetch != (servedTo == "fetch()") {
			site.ServeHTTP(w, r)
			return
		}
		data, err := os.ReadFile(filepath.Join(webDir, name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if name == webserver.WasmFile {
			data[len(data)-1] ^= 0x01
		} else {
			data = append([]byte(fmt.Sprintf("fetch(%q).catch(() => {});\n", elsewhereURL+"/ran/"+name)), data...)
		}
		w.Header().Set("Content-Type", webheaders.ContentType(name))
		webheaders.Set(w.Header(), webheaders.Embed())
		w.Header().Set("Cache-Control", "no-store")
		w.Write(data)
	}))
}

// TestPinnedBytes: a page on another origin pins the module's files with
// the values of web/integrity.json. The right bytes load, in the Worker
// and on the page's thread. A file changed by its server, for fetch() or
// for the browser's module loader alone, never runs: the call rejects with
// INTEGRITY naming it, or (where that way of asking is never used) the
// module runs from the checked bytes.
func TestPinnedBytes(t *testing.T) {
	m, raw := manifest(t)
	for _, name := range []string{webserver.WasmFile, "wasm_exec.js", "sipgate-account-host.js"} {
		if !strings.HasPrefix(m[name], "sha384-") {
			t.Fatalf("integrity.json has no value for %s: %s", name, raw)
		}
	}
	noWorkers := httptest.NewServer(withBlankPage(http.NotFoundHandler(), http.Header{"Content-Security-Policy": {"worker-src 'none'"}}))
	defer noWorkers.Close()
	pages := []struct{ name, page, thread string }{
		{"worker", embedderURL + "/blank.html", "worker"},
		{"page's thread", noWorkers.URL + "/blank.html", "page, Go on the page"},
	}
	load := func(t *testing.T, page, loader string) map[string]any {
		t.Helper()
		tab, log := newTab(t)
		if err := chromedp.Do(tab, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
		got := evaluate[map[string]any](t, tab, `(async () => {
			const m = await import(`+js(loader)+`);
			try {
				const sg = await m.load({integrity: `+raw+`});
				const r = await sg.fetchAccount(`+js(fakeapi.DemoUser)+`, `+js(fakeapi.DemoPassword)+`, {baseURL: "ORIGIN/v2"});
				return {thread: `+threadJS+`, company: r.account && r.account.company};
			} catch (e) {
				return {name: e.name, code: e.code, message: e.message, url: e.url};
			}
		})()`)
		if t.Failed() {
			t.Logf("console:\n%s", log.text())
		}
		return got
	}

	for _, p := range pages {
		t.Run("the pinned bytes, "+p.name, func(t *testing.T) {
			if got := load(t, p.page, pageURL+"sipgate-account.js"); got["thread"] != p.thread || got["company"] != "Demo Telefon GmbH" {
				t.Errorf("load() with the build's integrity values: %v, want the demo account from the module on the %s", got, p.thread)
			}
		})
	}
	for _, changed := range []string{webserver.WasmFile, "wasm_exec.js", "sipgate-account-host.js"} {
		for _, servedTo := range []string{"fetch()", "the module loader"} {
			if changed == webserver.WasmFile && servedTo != "fetch()" {
				continue // the .wasm is only ever fetched
			}
			for _, p := range pages {
				t.Run(changed+" changed for "+servedTo+", "+p.name, func(t *testing.T) {
					srv := tampering(t, changed, servedTo)
					defer srv.Close()
					before := elsewhereRequests.Load()
					got := load(t, p.page, srv.URL+"/sipgate-account.js")
					if n := elsewhereRequests.Load() - before; n != 0 {
						t.Errorf("the changed %s ran (%d requests from it)", changed, n)
					}
					if servedTo == "the module loader" && p.thread == "worker" {
						// The pinned Worker runs from the checked text alone.
						if got["company"] != "Demo Telefon GmbH" {
							t.Errorf("load(): %v, want the demo account from the checked bytes", got)
						}
						return
					}
					msg, _ := got["message"].(string)
					if got["name"] != "SipgateLoadError" || got["code"] != "INTEGRITY" || got["url"] != srv.URL+"/"+changed ||
						!strings.Contains(msg, "("+changed+") is not the file this page pinned") {
						t.Errorf("load() with %s changed: %v, want a SipgateLoadError with code INTEGRITY naming it", changed, got)
					}
				})
			}
		}
	}
}

// TestPinnedPage: the setup docs/embedding.md shows pins what the page
// itself imports (the loader, its parts, the element and its view) with
// an import map's integrity, and the rest with load({ integrity }); a page
// that signs in pins sipgate-signin.js too, which the element's signin
// mode imports. Any of them changed for the module loader never runs, and
// the page's import fails.
func TestPinnedPage(t *testing.T) {
	m, raw := manifest(t)
	modules := append(bundledModules(), "sipgate-account-element.js", "sipgate-signin.js")
	for _, changed := range append([]string{""}, modules...) {
		name := changed
		if name == "" {
			name = "none"
		}
		t.Run(name+" changed", func(t *testing.T) {
			srv := tampering(t, changed, "the module loader")
			defer srv.Close()
			integrity := map[string]string{}
			for _, f := range modules {
				if m[f] == "" {
					t.Fatalf("integrity.json has no value for %s", f)
				}
				integrity["/"+f] = m[f]
			}
			importMap, _ := json.Marshal(map[string]any{
				"imports":   map[string]string{"sipgate-account": "/sipgate-account.js", "sipgate-account/element": "/sipgate-account-element.js"},
				"integrity": integrity,
			})
			page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprintf(w, `<!doctype html><html lang=en><head><meta charset=utf-8><title>pinned</title>`+
					`<script type="importmap">%s</script></head><body></body></html>`, strings.ReplaceAll(string(importMap), `"/`, `"`+srv.URL+`/`))
			}))
			defer page.Close()
			tab, log := newTab(t)
			if err := chromedp.Do(tab, chromedp.Navigate(page.URL+"/")); err != nil {
				t.Fatal(err)
			}
			before := elsewhereRequests.Load()
			got := evaluate[string](t, tab, `(async () => {
				try {
					const { load } = await import("sipgate-account");
					await import("sipgate-account/element");
					const sg = await load({integrity: `+raw+`});
					// As the element's signin mode imports it.
					await import(`+js(srv.URL+"/sipgate-signin.js")+`);
					const r = await sg.fetchAccount(`+js(fakeapi.DemoUser)+`, `+js(fakeapi.DemoPassword)+`, {baseURL: "ORIGIN/v2"});
					return r.account.company;
				} catch (e) {
					return "failed: " + e.message;
				}
			})()`)
			if n := elsewhereRequests.Load() - before; n != 0 {
				t.Errorf("the changed %s ran (%d requests from it)", changed, n)
			}
			// The host runs only from the text load() checked (fetch()), so
			// its copy for the module loader is never asked for.
			if (changed == "" || changed == "sipgate-account-host.js") && got != "Demo Telefon GmbH" {
				t.Errorf("the pinned page: %q, want the demo account\nconsole:\n%s", got, log.text())
			}
			if changed != "" && changed != "sipgate-account-host.js" && !strings.HasPrefix(got, "failed: ") {
				t.Errorf("with %s changed: %q, want the import to fail", changed, got)
			}
		})
	}
}

// TestPinsCannotBeSkipped: pins that cannot be checked are refused, never
// skipped: load({ integrity }) on a module that plain script tags started,
// or on one an unpinned load() started, and integrity without a value for
// one of the files.
func TestPinsCannotBeSkipped(t *testing.T) {
	_, raw := manifest(t)
	tab, _ := openEmbedder(t, "/blank.html")
	got := evaluate[map[string]any](t, tab, `(async () => {
		await new Promise((resolve, reject) => {
			const s = document.createElement("script");
			s.src = "ORIGIN/wasm_exec.js";
			s.onload = resolve; s.onerror = reject;
			document.head.append(s);
		});
		const go = new Go();
		const { instance } = await WebAssembly.instantiateStreaming(fetch("ORIGIN/sipgate-account.wasm"), go.importObject);
		go.run(instance);
		const m = await import(LOADER);
		const pinned = await m.load({integrity: `+raw+`}).then(() => "resolved", (e) => e.name + " " + e.code);
		const plain = await m.load().then((sg) => typeof sg.fetchAccount, (e) => e.message);
		return {pinned, plain};
	})()`)
	if got["pinned"] != "SipgateLoadError INTEGRITY" || got["plain"] != "function" {
		t.Errorf("the module started with script tags: %v, want load({integrity}) refused with INTEGRITY and load() served", got)
	}

	tab, _ = openEmbedder(t, "/blank.html")
	got = evaluate[map[string]any](t, tab, `(async () => {
		const m = await import(LOADER);
		const partial = await m.load({integrity: {"sipgate-account.wasm": `+"`"+`${JSON.parse(`+js(raw)+`)["sipgate-account.wasm"]}`+"`"+`}}).then(() => "resolved", (e) => e.name + " " + e.code);
		await m.load();
		const later = await m.load({integrity: `+raw+`}).then(() => "resolved", (e) => e.name + " " + e.code);
		return {partial, later};
	})()`)
	if got["partial"] != "SipgateLoadError INTEGRITY" || got["later"] != "SipgateLoadError INTEGRITY" {
		t.Errorf("pins that cannot be checked: %v, want both refused with INTEGRITY", got)
	}
}

// TestPinnedScriptBlockedByPolicy: on the page's thread a pinned script
// that the page's policy blocks is told as blocked, naming the directive,
// not as bytes that failed their pin (its bytes are the pinned ones).
func TestPinnedScriptBlockedByPolicy(t *testing.T) {
	_, raw := manifest(t)
	loaderOrigin := strings.TrimSuffix(pageURL, "/")
	policy := http.Header{"Content-Security-Policy": {"worker-src 'none'; script-src " + loaderOrigin + " 'wasm-unsafe-eval'"}}
	strict := httptest.NewServer(withBlankPage(http.NotFoundHandler(), policy))
	defer strict.Close()
	for _, c := range []struct{ option, file string }{
		{"wasmExecURL", "wasm_exec.js"},
		{"workerURL", "sipgate-account-host.js"},
	} {
		t.Run(c.file, func(t *testing.T) {
			tab, log := newTab(t)
			if err := chromedp.Do(tab, chromedp.Navigate(strict.URL+"/blank.html")); err != nil {
				t.Fatal(err)
			}
			got := evaluate[map[string]any](t, tab, `(async () => {
				const m = await import(`+js(pageURL+"sipgate-account.js")+`);
				try {
					await m.load({integrity: `+raw+`, `+c.option+`: `+js(otherOrigin+"/"+c.file)+`});
					return {loaded: true};
				} catch (e) {
					return {name: e.name, code: e.code, message: e.message, url: e.url};
				}
			})()`)
			msg, _ := got["message"].(string)
			if got["name"] != "SipgateLoadError" || got["code"] == "INTEGRITY" || got["url"] != otherOrigin+"/"+c.file ||
				!strings.Contains(msg, "Content-Security-Policy blocks it (script-src") {
				t.Errorf("load() with %s blocked by the page's script-src: %v, want a SipgateLoadError that names the policy", c.file, got)
				t.Logf("console:\n%s", log.text())
			}
		})
	}
}
