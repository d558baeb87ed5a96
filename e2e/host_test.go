//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webheaders"
	"sipgate-account/internal/webserver"
)

// The module's host (web/sipgate-account-host.js): where it runs, whose
// policy binds it, which options reach it.

// threadJS tells where the module runs: the loader's sipgate-ready mark,
// and whether Go's runtime came to the page.
const threadJS = `performance.getEntriesByName("sipgate-ready")[0].detail.thread + (typeof Go === "undefined" ? "" : ", Go on the page")`

// TestWorkerOnAnotherOrigin: a page on another origin than the files embeds
// the module in each engine, and the module runs in its Worker in all
// three (a Worker may not start from another origin's URL: Chromium and
// WebKit throw, Firefox reports an error event later; the loader then
// starts it from a blob: URL).
func TestWorkerOnAnotherOrigin(t *testing.T) {
	type report struct {
		Thread, Company, Error string
	}
	var mu sync.Mutex
	reports := map[string]chan report{}
	channel := func(engine string) chan report {
		mu.Lock()
		defer mu.Unlock()
		if reports[engine] == nil {
			reports[engine] = make(chan report, 1)
		}
		return reports[engine]
	}
	page := `<!doctype html><html lang=en><head><meta charset=utf-8><title>another site</title></head><body><script type=module>
const engine = new URLSearchParams(location.search).get("engine");
let r = {};
try {
	const { load } = await import(%s);
	const sg = await load();
	const answer = await sg.fetchAccount(%s, %s, { baseURL: %s });
	r = { thread: ` + threadJS + `, company: answer.ok ? answer.account.company : answer.error.code };
} catch (e) {
	r = { error: String(e && e.message || e) };
}
await fetch("/report?engine=" + engine, { method: "POST", body: JSON.stringify(r) });
</script></body></html>`
	page = fmt.Sprintf(page, js(pageURL+"sipgate-account.js"), js(fakeapi.DemoUser), js(fakeapi.DemoPassword), js(pageURL+"v2"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		case "/report":
			var rep report
			json.NewDecoder(r.Body).Decode(&rep)
			channel(r.URL.Query().Get("engine")) <- rep
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			stop, log, err := e.open(t, srv.URL+"/?engine="+e.name)
			if err != nil {
				t.Fatalf("%s cannot run: %v", e.name, err)
			}
			defer stop()
			select {
			case rep := <-channel(e.name):
				if rep.Error != "" || rep.Thread != "worker" || rep.Company != "Demo Telefon GmbH" {
					t.Errorf("%s, page on %s, files on %s: %+v, want the demo account with the module in its Worker", e.name, srv.URL, pageURL, rep)
				}
			case <-time.After(2 * time.Minute):
				t.Fatalf("%s sent no report within 2 minutes; it printed:\n%s", e.name, log())
			}
		})
	}
}

// policyCall calls elsewhereURL (which answers with CORS) from a page whose
// Content-Security-Policy does not allow it, in the module's Worker and on
// the page's thread, and checks that each call rejects with NETWORK and
// that nothing reached elsewhereURL.
func policyCall(t *testing.T, tab context.Context, loader string) {
	t.Helper()
	for _, mode := range []struct{ name, options, thread string }{
		{"worker", "{}", "worker"},
		{"page", "{worker: false}", "page, Go on the page"},
	} {
		before := elsewhereRequests.Load()
		got := evaluate[map[string]any](t, tab, `(async () => {
			const { load } = await import(`+js(loader+"?"+mode.name)+`);
			// Each mode is its own page's instance: a fresh start.
			delete globalThis[Symbol.for("sipgate-account.instance")];
			delete globalThis.fetchAccount; delete globalThis.fetchAccountWithToken;
			const sg = await load(`+mode.options+`);
			const thread = `+threadJS+`;
			performance.clearMarks();
			try {
				const r = await sg.fetchAccount("u", "p", {baseURL: `+js(elsewhereURL+"/v2")+`});
				return {thread, resolved: r.status};
			} catch (e) {
				return {thread, code: e.code};
			}
		})()`)
		if got["thread"] != mode.thread || got["code"] != "NETWORK" {
			t.Errorf("%s: %v, want NETWORK on the %s thread", mode.name, got, mode.thread)
		}
		if n := elsewhereRequests.Load() - before; n != 0 {
			t.Errorf("%s: %d requests reached the origin the policy forbids", mode.name, n)
		}
	}
}

// TestPagePolicyBindsTheModule: a page's connect-src binds the module
// wherever the page's policy comes from: a header sent with every file (as
// cmd/serve and the recipes do), a header on the HTML only (as many hosts
// send it), and a <meta> tag on a host that sends no policy at all.
func TestPagePolicyBindsTheModule(t *testing.T) {
	t.Run("header", func(t *testing.T) {
		// cmd/serve's own headers, with no origin allowed but its own.
		site, err := webserver.New(demoSite(webDir))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(withBlankPage(site, webheaders.Security(webheaders.Policy{})))
		defer srv.Close()
		tab, _ := newTab(t)
		if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/blank.html")); err != nil {
			t.Fatal(err)
		}
		policyCall(t, tab, srv.URL+"/sipgate-account.js")
	})
	t.Run("header on the page only", func(t *testing.T) {
		// A plain file server, and the policy on the page alone.
		files := http.FileServer(http.Dir(webDir))
		srv := httptest.NewServer(withBlankPage(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, ".wasm") {
				w.Header().Set("Content-Type", "application/wasm")
			}
			files.ServeHTTP(w, r)
		}), http.Header{"Content-Security-Policy": {"connect-src 'self'"}}))
		defer srv.Close()
		tab, _ := newTab(t)
		if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/blank.html")); err != nil {
			t.Fatal(err)
		}
		policyCall(t, tab, srv.URL+"/sipgate-account.js")
	})
	t.Run("meta", func(t *testing.T) {
		// A plain file server: no policy on any file.
		files := http.FileServer(http.Dir(webDir))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/meta.html" {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(`<!doctype html><html lang=en><head><meta charset=utf-8>` +
					`<meta http-equiv="Content-Security-Policy" content="connect-src 'self'">` +
					`<title>a page with its policy in a meta tag</title></head><body></body></html>`))
				return
			}
			if strings.HasSuffix(r.URL.Path, ".wasm") {
				w.Header().Set("Content-Type", "application/wasm")
			}
			files.ServeHTTP(w, r)
		}))
		defer srv.Close()
		tab, _ := newTab(t)
		if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/meta.html")); err != nil {
			t.Fatal(err)
		}
		policyCall(t, tab, srv.URL+"/sipgate-account.js")
	})
}

// TestWorkerFallbackIsNamed: where the Worker cannot start (its file is
// missing, or the page's policy forbids workers), the module still runs,
// on the page's thread, and the console says why and names what fixes it.
func TestWorkerFallbackIsNamed(t *testing.T) {
	noWorkers := httptest.NewServer(withBlankPage(http.NotFoundHandler(), http.Header{
		"Content-Security-Policy": {"worker-src 'none'"},
	}))
	defer noWorkers.Close()
	for _, c := range []struct {
		name, page, options string
		says                []string
	}{
		{"file missing", embedderURL + "/blank.html", `{workerURL: "ORIGIN/missing-host.js"}`, []string{"missing-host.js", "load({ workerURL })"}},
		{"worker-src", noWorkers.URL + "/blank.html", `{}`, []string{"Content-Security-Policy", "worker-src"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab, log := newTab(t)
			if err := chromedp.Do(tab, chromedp.Navigate(c.page)); err != nil {
				t.Fatal(err)
			}
			got := evaluate[map[string]any](t, tab, `(async () => {
				const sg = await (await import(LOADER)).load(`+c.options+`);
				const r = await sg.fetchAccount(`+js(fakeapi.DemoUser)+`, `+js(fakeapi.DemoPassword)+`, {baseURL: "ORIGIN/v2"});
				return {thread: `+threadJS+`, company: r.account && r.account.company};
			})()`)
			if got["thread"] != "page, Go on the page" || got["company"] != "Demo Telefon GmbH" {
				t.Errorf("%v, want the demo account on the page's thread", got)
			}
			warned := log.text()
			for _, want := range append([]string{"runs on the page's thread"}, c.says...) {
				if !strings.Contains(warned, want) {
					t.Errorf("the console does not say %q:\n%s", want, warned)
				}
			}
		})
	}
}

// TestOptionsDeclaredOnce: a test build of the module (-tags probeoption)
// declares one more option and one more function in Go only. The option
// reaches the module in its Worker, which refuses it by naming it; the
// function is on the page and answers: the loader forwards what Go
// declares, with no list of its own.
func TestOptionsDeclaredOnce(t *testing.T) {
	dir := t.TempDir()
	for _, name := range append(loaderModules(), "sipgate-account-host.js", "wasm_exec.js") {
		b, err := os.ReadFile(filepath.Join(webDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-tags", "probeoption", "-o", filepath.Join(dir, webserver.WasmFile), "./wasm")
	build.Dir = ".."
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the module with -tags probeoption: %v\n%s", err, out)
	}
	site, err := webserver.New(demoSite(dir))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(withBlankPage(site, nil))
	defer srv.Close()
	tab, _ := newTab(t)
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/blank.html")); err != nil {
		t.Fatal(err)
	}
	got := evaluate[map[string]any](t, tab, `(async () => {
		const sg = await (await import(`+js(srv.URL+"/sipgate-account.js")+`)).load();
		const thread = `+threadJS+`;
		const probed = await sg.fetchAccountProbe(`+js(fakeapi.DemoAccessToken)+`, {baseURL: `+js(srv.URL+"/v2")+`}).then((r) => r.account.company, (e) => e.message);
		return sg.fetchAccount("u", "p", {probe: "here"}).then((r) => ({thread, probed, resolved: r.status}), (e) => ({thread, probed, code: e.code, message: e.message}));
	})()`)
	if got["thread"] != "worker" || got["code"] != "INVALID_ARGUMENT" || got["message"] != `options.probe arrived: string "here"` {
		t.Errorf("an option declared in Go only: %v, want it refused by the module in its Worker", got)
	}
	if got["probed"] != "Demo Telefon GmbH" {
		t.Errorf("a function declared in Go only: %v, want it to reach the module in its Worker and answer", got["probed"])
	}
}

// TestConfigKeepsAnEditedField: config.json arrives after the visitor (or a
// password manager) changed the API base URL field; the field keeps what
// they entered.
func TestConfigKeepsAnEditedField(t *testing.T) {
	site, err := webserver.New(demoSite(webDir))
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/config.json" {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	tab, log := newTab(t)
	edited := srv.URL + "/scenario/echo/v2"
	err = chromedp.Do(tab,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#submit:not([disabled])`)),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("baseURL").value = `+js(edited)),
		chromedp.Func(func(context.Context, *chromedp.Target) error { close(release); return nil }),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`)),
	)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.text())
	}
	got := evaluate[map[string]string](t, tab, `({value: document.getElementById("baseURL").value, shown: document.getElementById("demo-hint").hidden ? "" : "hint"})`)
	if got["value"] != edited || got["shown"] != "hint" {
		t.Errorf("after config.json arrived: %v, want the field as edited (%s) and config.json applied", got, edited)
	}
}

// withBlankPage serves /blank.html, an empty page with header, beside next.
func withBlankPage(next http.Handler, header http.Header) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/blank.html" {
			next.ServeHTTP(w, r)
			return
		}
		webheaders.Set(w.Header(), header)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><html lang=en><head><meta charset=utf-8><title>blank</title></head><body></body></html>"))
	})
}
