//go:build e2e

// What an embedding page's markup and options may and may not do.

package e2e

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
)

// TestEmbedOptionsNeverIgnored: one Go instance per page, so a load() that
// names other files than the running module's is refused, never served
// from the other files silently; the element takes its files' URLs from
// attributes before it starts the module (on the page's own origin, the
// only one its attributes may name).
func TestEmbedOptionsNeverIgnored(t *testing.T) {
	tab, _ := openEmbedder(t, "/blank.html")
	got := evaluate[map[string]any](t, tab, `(async () => {
		const m = await import(LOADER);
		const first = await m.load({wasmURL: "ORIGIN/sipgate-account.wasm"});
		const same = await m.load({wasmURL: "sipgate-account.wasm"});  // relative to the loader: the same file
		const none = await m.load();
		const other = await m.load({wasmURL: "ORIGIN/other.wasm"}).then(() => null, (e) => ({name: e.name, message: e.message, url: e.url}));
		return {same: first.fetchAccount === same.fetchAccount && first.fetchAccount === none.fetchAccount, other};
	})()`)
	other, _ := got["other"].(map[string]any)
	if got["same"] != true || other == nil || other["name"] != "SipgateLoadError" ||
		!strings.Contains(other["message"].(string), "already runs on this page from "+pageURL+"sipgate-account.wasm") ||
		!strings.Contains(other["message"].(string), "wasmURL") {
		t.Errorf("load() with other files after the module started: %v", got)
	}

	// The element, given other files than the running module's, says so.
	tab, _ = openSite(t, "/blank.html")
	msg := evaluate[string](t, tab, `(async () => {
		const m = await import(LOADER);
		await import(ELEMENT);
		await m.load();
		const el = document.createElement("sipgate-account");
		el.setAttribute("wasm-url", "ORIGIN/elsewhere/sipgate-account.wasm");
		const failed = new Promise((resolve) => el.addEventListener("sipgate-error", (e) => resolve(e.detail.name + ": " + e.detail.message)));
		document.body.append(el);
		return failed;
	})()`)
	if !strings.HasPrefix(msg, "SipgateLoadError: the module already runs") {
		t.Errorf("element with another wasm-url: %q", msg)
	}

	// Given its files first, the element starts the module from them; a
	// load() that names the same files shares that instance, one that names
	// none is not handed it: markup does not choose the code a script runs.
	tab, _ = openSite(t, "/blank.html")
	got = evaluate[map[string]any](t, tab, `(async () => {
		await import(ELEMENT);
		const el = document.createElement("sipgate-account");
		el.setAttribute("wasm-url", "ORIGIN/sipgate-account.wasm?from=attribute");
		el.setAttribute("wasm-exec-url", "ORIGIN/wasm_exec.js?from=attribute");
		document.body.append(el);
		const m = await import(LOADER);
		const none = await m.load().then(() => null, (e) => e.name + ": " + e.message);
		const named = await m.load({wasmURL: "ORIGIN/sipgate-account.wasm?from=attribute", wasmExecURL: "ORIGIN/wasm_exec.js?from=attribute"});
		return {none, named: typeof named.fetchAccount};
	})()`)
	for _, file := range []string{"/sipgate-account.wasm?from=attribute", "/wasm_exec.js?from=attribute"} {
		if !requested(file) {
			t.Errorf("the element's file URLs were not used: nobody asked for %s", file)
		}
	}
	if none, _ := got["none"].(string); !strings.HasPrefix(none, "SipgateLoadError: ") || !strings.Contains(none, "attributes named") || got["named"] != "function" {
		t.Errorf("load() beside an element that named its files = %v, want refused without options and shared with the same files", got)
	}
	// The other way round: started by the page's own load() with its files,
	// the element beside it works with the same attributes.
	tab, _ = openSite(t, "/blank.html")
	company := evaluate[string](t, tab, `(async () => {
		const m = await import(LOADER);
		await m.load({wasmURL: "ORIGIN/sipgate-account.wasm?from=script"});
		await import(ELEMENT);
		const el = document.createElement("sipgate-account");
		el.setAttribute("wasm-url", "ORIGIN/sipgate-account.wasm?from=script");
		el.setAttribute("base-url", "ORIGIN/v2");
		const answered = new Promise((resolve) => {
			el.addEventListener("sipgate-account", (e) => resolve(e.detail.account.company));
			el.addEventListener("sipgate-error", (e) => resolve(e.detail.message));
		});
		document.body.append(el);
		const root = el.shadowRoot;
		root.querySelector("[name=user]").value = `+js(fakeapi.DemoUser)+`;
		root.querySelector("[name=pass]").value = `+js(fakeapi.DemoPassword)+`;
		root.querySelector("button").click();
		return answered;
	})()`)
	if company != "Demo Telefon GmbH" {
		t.Errorf("element beside the page's load() with the same files: %q", company)
	}
}

// TestMarkupCannotChooseCode: an element injected into a page (an HTML
// injection) names a script and a module on another origin. Neither is
// fetched nor run, the element says why, and the page's own load() still
// gets the module from its own files.
func TestMarkupCannotChooseCode(t *testing.T) {
	tab, _ := openEmbedder(t, "/blank.html")
	before := elsewhereRequests.Load()
	got := evaluate[map[string]any](t, tab, `(async () => {
		await import(ELEMENT);
		document.body.insertAdjacentHTML("beforeend",
			'<sipgate-account id="injected" wasm-exec-url="`+elsewhereURL+`/x.js" wasm-url="`+elsewhereURL+`/x.wasm"></sipgate-account>');
		const el = document.getElementById("injected");
		const failed = await new Promise((resolve) => {
			el.addEventListener("sipgate-error", (e) => resolve(e.detail.name + ": " + e.detail.message));
			el.addEventListener("sipgate-account", () => resolve("answered"));
			if (el.shadowRoot.querySelector("[part=result]").textContent) resolve(el.shadowRoot.querySelector("[part=result]").textContent);
		});
		const sg = await (await import(LOADER)).load();
		const r = await sg.fetchAccount(`+js(fakeapi.DemoUser)+`, `+js(fakeapi.DemoPassword)+`, {baseURL: "ORIGIN/v2"});
		return {failed, company: r.account && r.account.company, shown: el.shadowRoot.querySelector("[part=result]").textContent};
	})()`)
	if failed, _ := got["failed"].(string); !strings.HasPrefix(failed, "SipgateLoadError: ") || !strings.Contains(failed, "markup does not choose") {
		t.Errorf("element naming files on another origin: %v", got)
	}
	if got["company"] != "Demo Telefon GmbH" {
		t.Errorf("the page's own load() beside the injected element: %v", got)
	}
	if n := elsewhereRequests.Load() - before; n != 0 {
		t.Errorf("the other origin was asked %d times for the files the markup named", n)
	}
}

// TestMarkupCannotMoveTheOrigin: in a bundle where the loader has no URL
// of its own (esbuild's default iife), injected markup sets <base href>
// to another origin and names files relative to it. The page's own origin
// is location's, which no <base> moves: nothing is fetched from the other
// origin.
func TestMarkupCannotMoveTheOrigin(t *testing.T) {
	esbuild, err := filepath.Abs(filepath.Join(bundlerModules, ".bin", "esbuild"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	build := exec.CommandContext(t.Context(), esbuild, "sipgate-account-element.js", "--bundle", "--log-level=error", "--outfile="+filepath.Join(dir, "element.js"))
	build.Dir = webDir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("esbuild (make bundlers installs it): %v\n%s", err, out)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/element.js" {
			w.Header().Set("Content-Type", "text/javascript")
			http.ServeFile(w, r, filepath.Join(dir, "element.js"))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang=en><head><meta charset=utf-8><title>a bundled page</title>` +
			`<script src="/element.js"></script></head><body></body></html>`))
	}))
	defer srv.Close()
	tab, log := newTab(t)
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	before := elsewhereRequests.Load()
	got := evaluate[string](t, tab, `(async () => {
		document.head.insertAdjacentHTML("afterbegin", '<base href="`+elsewhereURL+`/">');
		document.body.insertAdjacentHTML("beforeend", '<sipgate-account id="injected" wasm-url="x.wasm" wasm-exec-url="evil.js"></sipgate-account>');
		const el = document.getElementById("injected");
		return new Promise((resolve) => {
			el.addEventListener("sipgate-error", (e) => resolve(e.detail.name + ": " + e.detail.message));
			el.addEventListener("sipgate-account", () => resolve("answered"));
		});
	})()`)
	if n := elsewhereRequests.Load() - before; n != 0 {
		t.Errorf("the origin the injected <base> named was asked %d times", n)
	}
	if !strings.HasPrefix(got, "SipgateLoadError: ") || strings.Contains(got, elsewhereURL) {
		t.Errorf("the injected element: %q, want a SipgateLoadError about the page's own origin\nconsole:\n%s", got, log.text())
	}
}

// TestURLsShownWithoutQuery: every message that names a file names it
// without its query and fragment, which may carry a token: load()'s
// clash, and the console's word when the Worker could not start.
func TestURLsShownWithoutQuery(t *testing.T) {
	tab, log := openEmbedder(t, "/blank.html")
	got := evaluate[string](t, tab, `(async () => {
		const m = await import(LOADER);
		await m.load({wasmURL: "ORIGIN/sipgate-account.wasm?token=secret-one#secret-two", workerURL: "ORIGIN/missing-host.js?token=secret-three"});
		return m.load({wasmURL: "ORIGIN/sipgate-account.wasm?token=secret-four"}).then(() => "resolved", (e) => e.message + " " + e.url);
	})()`)
	if !strings.Contains(got, "already runs") {
		t.Errorf("the second load(): %q, want the clash", got)
	}
	var warned []string
	for _, line := range strings.Split(log.text(), "\n") {
		if strings.Contains(line, "sipgate-account:") {
			warned = append(warned, line)
		}
	}
	if len(warned) == 0 {
		t.Errorf("no warning that the Worker could not start:\n%s", log.text())
	}
	for _, s := range append(warned, got) {
		if strings.Contains(s, "secret") {
			t.Errorf("a message shows a URL's query or fragment: %s", s)
		}
	}
}
