//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
)

// TestPinnedBytes: a page on another origin pins the module's files with
// the values of web/integrity.json (make build writes it). The right bytes
// load, in the Worker; a one-byte change to any pinned file is refused
// with code INTEGRITY and a message that names the file, whether the
// module would run in its Worker or on the page's thread.
func TestPinnedBytes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(webDir, "integrity.json"))
	if err != nil {
		t.Fatalf("%v: make build writes it", err)
	}
	var manifest map[string]string
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{webserver.WasmFile, "wasm_exec.js", "sipgate-account-host.js"} {
		if !strings.HasPrefix(manifest[name], "sha384-") {
			t.Fatalf("integrity.json has no value for %s: %s", name, b)
		}
	}
	noWorkers := httptest.NewServer(withBlankPage(http.NotFoundHandler(), http.Header{"Content-Security-Policy": {"worker-src 'none'"}}))
	defer noWorkers.Close()
	load := func(t *testing.T, page, loader string) map[string]any {
		t.Helper()
		tab, log := newTab(t)
		if err := chromedp.Do(tab, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
		got := evaluate[map[string]any](t, tab, `(async () => {
			const m = await import(`+js(loader)+`);
			try {
				const sg = await m.load({integrity: `+string(b)+`});
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

	t.Run("the pinned bytes", func(t *testing.T) {
		if got := load(t, embedderURL+"/blank.html", pageURL+"sipgate-account.js"); got["thread"] != "worker" || got["company"] != "Demo Telefon GmbH" {
			t.Errorf("load() with the build's integrity values: %v, want the demo account from the module in its Worker", got)
		}
	})
	for _, changed := range []string{webserver.WasmFile, "wasm_exec.js", "sipgate-account-host.js"} {
		// A copy of the files with one byte of one of them changed.
		dir := t.TempDir()
		for _, name := range []string{"sipgate-account.js", "sipgate-account-host.js", "account-view.js", "wasm_exec.js", webserver.WasmFile} {
			data, err := os.ReadFile(filepath.Join(webDir, name))
			if err != nil {
				t.Fatal(err)
			}
			if name == changed {
				data[3] ^= 0x20 // inside the first line's comment, or the module's header
				if name == webserver.WasmFile {
					data[3] ^= 0x20
					data[len(data)-1] ^= 0x01
				}
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		site, err := webserver.New(webserver.Config{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(site)
		defer srv.Close()
		for _, c := range []struct{ name, page string }{
			{"worker", embedderURL + "/blank.html"},
			{"page's thread", noWorkers.URL + "/blank.html"},
		} {
			t.Run(changed+" changed, "+c.name, func(t *testing.T) {
				got := load(t, c.page, srv.URL+"/sipgate-account.js")
				msg, _ := got["message"].(string)
				if got["name"] != "SipgateLoadError" || got["code"] != "INTEGRITY" || got["url"] != srv.URL+"/"+changed ||
					!strings.Contains(msg, "("+changed+") is not the file this page pinned") {
					t.Errorf("load() with %s changed by one byte: %v, want a SipgateLoadError with code INTEGRITY naming it", changed, got)
				}
			})
		}
	}
}
