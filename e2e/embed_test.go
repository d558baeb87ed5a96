//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
)

// Embedding: a page on another origin (embedderURL) imports the loader from
// the module's origin (pageURL) and uses the module and the element.

func TestEmbedLoadsOneInstance(t *testing.T) {
	tab, log := openEmbedder(t, "/blank.html")
	before := moduleRequests.Load()
	got := evaluate[map[string]any](t, tab, `(async () => {
		const m = await import(LOADER);
		const [a, b] = await Promise.all([m.load(), m.load()]);
		const c = await m.load();
		// A second copy of the loader (another URL) shares the instance too.
		const copy = await import(LOADER + "?copy=2");
		const d = await copy.load();
		return {
			same: a.fetchAccount === b.fetchAccount && b.fetchAccount === c.fetchAccount && c.fetchAccount === d.fetchAccount,
			token: typeof a.fetchAccountWithToken,
			goScripts: document.querySelectorAll("script[src$='wasm_exec.js']").length,
			goOnPage: typeof globalThis.Go,
			origin: location.origin,
		};
	})()`)
	// The module runs in a worker (here one started from a blob: URL, the
	// page being on another origin): Go's runtime never comes to the page.
	if got["same"] != true || got["token"] != "function" || got["goScripts"] != 0.0 || got["goOnPage"] != "undefined" {
		t.Errorf("load() several times = %v, want the same functions, and the module in its worker", got)
	}
	if got["origin"] == strings.TrimSuffix(pageURL, "/") {
		t.Fatalf("the embedding page is on the module's own origin %v", got["origin"])
	}
	if n := moduleRequests.Load() - before; n != 1 {
		t.Errorf("the module was fetched %d times, want once", n)
	}

	// Both functions reach the API from the other origin with the right headers.
	for _, c := range []struct{ call, header string }{
		{`sg.fetchAccount("John", "topsecret", {baseURL: "ORIGIN/scenario/echo/v2"})`, "Basic Sm9objp0b3BzZWNyZXQ="},
		{`sg.fetchAccountWithToken("abc.def", {baseURL: "ORIGIN/scenario/echo/v2"})`, "Bearer abc.def"},
	} {
		got := evaluate[string](t, tab, `(async () => {
			const sg = await (await import(LOADER)).load();
			const r = await `+c.call+`;
			return r.ok ? r.account.authorization : "failed: " + JSON.stringify(r);
		})()`)
		if got != c.header {
			t.Errorf("%s: server got Authorization %q, want %q", c.call, got, c.header)
		}
	}
	company := evaluate[string](t, tab, `(async () => {
		const sg = await (await import(LOADER)).load();
		const [a, b] = await Promise.all([
			sg.fetchAccount(`+js(fakeapi.DemoUser)+`, `+js(fakeapi.DemoPassword)+`, {baseURL: "ORIGIN/v2"}),
			sg.fetchAccountWithToken(`+js(fakeapi.DemoAccessToken)+`, {baseURL: "ORIGIN/v2"}),
		]);
		return a.account.company + " / " + b.account.company;
	})()`)
	if company != "Demo Telefon GmbH / Demo Telefon GmbH" {
		t.Errorf("demo login and demo token from another origin: %q", company)
	}
	if strings.Contains(log.text(), "CORS") {
		t.Errorf("console reports CORS trouble:\n%s", log.text())
	}
}

// elementSetup imports the loader and puts two elements on the page, one
// per mode, with styles from outside. It resolves once both are ready.
const elementSetup = `(async () => {
	await import(ELEMENT);
	const style = document.createElement("style");
	style.textContent = "sipgate-account { --sipgate-account-accent: rgb(1, 2, 3); } " +
		"#second::part(button) { border-radius: 7px; }";
	document.head.append(style);
	document.body.innerHTML =
		'<sipgate-account id="first" base-url="ORIGIN/v2"></sipgate-account>' +
		'<sipgate-account id="second" base-url="ORIGIN/v2" mode="token"></sipgate-account>';
	globalThis.events = [];
	for (const type of ["sipgate-account", "sipgate-error"]) {
		document.addEventListener(type, (e) => events.push({
			type, id: e.target.id,
			ok: e.detail.ok, status: e.detail.status, code: e.detail.code || (e.detail.error && e.detail.error.code),
			company: e.detail.account ? e.detail.account.company : null,
		}));
	}
	const button = (id) => document.getElementById(id).shadowRoot.querySelector("button");
	while (button("first").disabled || button("second").disabled) await new Promise((r) => setTimeout(r, 10));
	return true;
})()`

// submitElement fills an element's fields and presses its button, then
// waits for its event.
func submitElement(t *testing.T, tab context.Context, id string, fields map[string]string) map[string]any {
	t.Helper()
	var set []string
	for name, value := range fields {
		set = append(set, `root.querySelector("[name=`+name+`]").value = `+js(value)+`;`)
	}
	return evaluate[map[string]any](t, tab, `(async () => {
		const el = document.getElementById(`+js(id)+`), root = el.shadowRoot;
		`+strings.Join(set, "\n")+`
		const n = events.length;
		root.querySelector("button").click();
		while (events.length === n) await new Promise((r) => setTimeout(r, 10));
		return Object.assign({text: root.querySelector("[part=result]").textContent}, events[n]);
	})()`)
}

func TestEmbedElements(t *testing.T) {
	tab, _ := openEmbedder(t, "/blank.html")
	evaluate[bool](t, tab, elementSetup)

	got := submitElement(t, tab, "first", map[string]string{"user": fakeapi.DemoUser, "pass": fakeapi.DemoPassword})
	if got["type"] != "sipgate-account" || got["id"] != "first" || got["ok"] != true || got["company"] != "Demo Telefon GmbH" {
		t.Errorf("first element, demo login: %v", got)
	}
	if !strings.Contains(got["text"].(string), "Demo Telefon GmbH") {
		t.Errorf("first element shows %q", got["text"])
	}
	// The second element is untouched by the first one's call.
	if text := evaluate[string](t, tab, `document.getElementById("second").shadowRoot.querySelector("[part=result]").textContent`); text != "" {
		t.Errorf("second element shows %q before its own call", text)
	}

	got = submitElement(t, tab, "second", map[string]string{"token": "wrong-token"})
	if got["type"] != "sipgate-account" || got["id"] != "second" || got["ok"] != false || got["status"] != 401.0 || got["code"] != "UNAUTHORIZED" {
		t.Errorf("second element, wrong token: %v", got)
	}
	got = submitElement(t, tab, "second", map[string]string{"token": fakeapi.DemoAccessToken})
	if got["ok"] != true || got["company"] != "Demo Telefon GmbH" {
		t.Errorf("second element, demo token: %v", got)
	}
	got = submitElement(t, tab, "first", map[string]string{"user": "", "pass": ""})
	if got["type"] != "sipgate-error" || got["code"] != "INVALID_ARGUMENT" || !strings.Contains(got["text"].(string), "user must be a non-empty string") {
		t.Errorf("first element, empty input: %v", got)
	}
	// The first element still shows its own error, not the second's account.
	if text := evaluate[string](t, tab, `document.getElementById("first").shadowRoot.querySelector("[part=result]").textContent`); !strings.Contains(text, "non-empty") {
		t.Errorf("first element shows %q", text)
	}

	// sipgate's published API shapes, and the baseURL rule, in the element.
	for _, c := range []struct{ base, code, shows string }{
		{"ORIGIN/scenario/errors-array/v2", "FORBIDDEN", "The API says: The access token lacks the scope account:read."},
		{"ORIGIN/scenario/forbidden-text/v2", "FORBIDDEN", "The API says: This endpoint requires a sipgate Classic PBX Account"},
		{"ORIGIN/scenario/not-found/v2", "NOT_FOUND", "or the account was not found"},
		{"ORIGIN/scenario/empty-account/v2", "", "without any of its details"},
		{"v2", "INVALID_ARGUMENT", "absolute URL"},
	} {
		evaluate[bool](t, tab, `(document.getElementById("first").setAttribute("base-url", `+js(c.base)+`), true)`)
		got = submitElement(t, tab, "first", map[string]string{"user": "u", "pass": "p"})
		if text, _ := got["text"].(string); !strings.Contains(text, c.shows) || (c.code != "" && got["code"] != c.code) {
			t.Errorf("base-url %s: %v, want %s showing %q", c.base, got, c.code, c.shows)
		}
	}
	evaluate[bool](t, tab, `(document.getElementById("first").setAttribute("base-url", "ORIGIN/v2"), true)`)

	// Styled from outside: a custom property and ::part.
	style := evaluate[[]string](t, tab, `["first", "second"].map((id) => {
		const s = getComputedStyle(document.getElementById(id).shadowRoot.querySelector("button"));
		return s.backgroundColor + " " + s.borderTopLeftRadius;
	})`)
	if !strings.HasPrefix(style[0], "rgb(1, 2, 3) ") || style[1] != "rgb(1, 2, 3) 7px" {
		t.Errorf("button styles = %q, want the accent from --sipgate-account-accent and 7px from ::part(button) on #second", style)
	}
}

func TestEmbedElementAccessible(t *testing.T) {
	tab, _ := openEmbedder(t, "/blank.html")
	evaluate[bool](t, tab, elementSetup)

	// Every visible field has a label; the result is a polite live region.
	a11y := evaluate[map[string]any](t, tab, `(() => {
		const root = document.getElementById("first").shadowRoot;
		const fields = [...root.querySelectorAll("input")].filter((i) => i.offsetParent !== null);
		return {
			fields: fields.length,
			labelled: fields.every((i) => i.labels.length > 0 && i.labels[0].textContent.trim() !== ""),
			live: root.querySelector("[part=result]").getAttribute("aria-live"),
			role: root.querySelector("[part=result]").getAttribute("role"),
		};
	})()`)
	if a11y["fields"] != 4.0 || a11y["labelled"] != true || a11y["live"] != "polite" || a11y["role"] != "status" {
		t.Errorf("accessibility = %v, want 4 labelled fields (2 mode radios, user, password) and a polite status region", a11y)
	}

	// With the keyboard only: type into the fields and press Enter.
	evaluate[bool](t, tab, `(document.getElementById("first").shadowRoot.querySelector("[name=user]").focus(), true)`)
	if err := chromedp.Do(tab, chromedp.KeyEvent(fakeapi.DemoUser+"\t"+fakeapi.DemoPassword+"\r")); err != nil {
		t.Fatal(err)
	}
	got := evaluate[map[string]any](t, tab, `(async () => {
		while (events.length === 0) await new Promise((r) => setTimeout(r, 10));
		return events[0];
	})()`)
	if got["type"] != "sipgate-account" || got["ok"] != true || got["id"] != "first" {
		t.Errorf("keyboard submission: %v", got)
	}
}

func TestEmbedLoadErrors(t *testing.T) {
	cases := []struct {
		name, page, options string
		says                []string
	}{
		{"module missing", "/blank.html", `{wasmURL: "ORIGIN/missing.wasm"}`, []string{"missing.wasm could not be fetched: HTTP 404"}},
		{"wrong MIME type", "/blank.html", `{wasmURL: "ORIGIN/app.js"}`, []string{"app.js is served as", "not application/wasm"}},
		{"wasm_exec.js missing", "/blank.html", `{wasmExecURL: "ORIGIN/missing.js"}`, []string{"missing.js could not be loaded"}},
		{"not the module", "/blank.html", `{wasmURL: "ORIGIN/style.css"}`, []string{"style.css is served as"}},
		{"server unreachable", "/blank.html", `{wasmURL: "` + closedOrigin + `/sipgate-account.wasm"}`, []string{"could not be fetched", "network error"}},
		{"no CORS headers", "/blank.html", `{wasmURL: "ORIGIN/scenario/no-cors/v2/account"}`, []string{"could not be fetched", "Access-Control-Allow-Origin"}},
		{"a CSP that forbids WebAssembly", "/no-wasm.html", `{}`, []string{"could not be compiled", "'wasm-unsafe-eval'"}},
		{"a CSP that forbids the fetch", "/no-connect.html", `{}`, []string{"could not be fetched", "Content-Security-Policy blocks it (connect-src)", "connect-src"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab, _ := openEmbedder(t, c.page)
			got := evaluate[map[string]any](t, tab, `(async () => {
				const m = await import(LOADER);
				try {
					await m.load(`+c.options+`);
					return {resolved: true};
				} catch (e) {
					return {name: e.name, message: e.message, isLoadError: e instanceof m.SipgateLoadError, url: e.url};
				}
			})()`)
			if got["name"] != "SipgateLoadError" || got["isLoadError"] != true || got["url"] == "" {
				t.Fatalf("load(%s) = %v, want a SipgateLoadError", c.options, got)
			}
			for _, s := range c.says {
				if !strings.Contains(got["message"].(string), s) {
					t.Errorf("message %q does not say %q", got["message"], s)
				}
			}
		})
	}

	// The loader without its files beside it (a bundle that did not emit
	// them): the error says where it looked and names wasmURL.
	for _, dir := range []string{"/lib/", "/spa/"} {
		tab, _ := openEmbedder(t, "/blank.html")
		got := evaluate[map[string]any](t, tab, `(async () => {
			const m = await import(`+js(embedderURL+dir+"sipgate-account.js")+`);
			return m.load().then(() => ({resolved: true}), (e) => ({name: e.name, message: e.message}));
		})()`)
		msg, _ := got["message"].(string)
		if got["name"] != "SipgateLoadError" || !strings.Contains(msg, embedderURL+dir) || !strings.Contains(msg, "looked for it beside sipgate-account.js") || !strings.Contains(msg, "wasmURL, wasmExecURL") {
			t.Errorf("loader at %s without its files: %v", dir, got)
		}
		// Where a page answers for the missing files, the error says a page
		// came back: for the .wasm (its type) or for wasm_exec.js (it
		// "loads" but defines nothing), whichever is found first.
		if dir == "/spa/" && !strings.Contains(msg, "A page came back instead of the file") && !strings.Contains(msg, "a server that answers a missing file with a page") {
			t.Errorf("loader at %s: %q does not say a page may have come back", dir, msg)
		}
	}

	// After a failed load the page can try again, and the element reports
	// a failed load as sipgate-error.
	tab, _ := openEmbedder(t, "/blank.html")
	got := evaluate[string](t, tab, `(async () => {
		const m = await import(LOADER);
		await m.load({wasmURL: "ORIGIN/missing.wasm"}).catch(() => {});
		const sg = await m.load();
		return typeof sg.fetchAccount;
	})()`)
	if got != "function" {
		t.Errorf("load() after a failed load: %q", got)
	}
	tab, _ = openEmbedder(t, "/no-wasm.html")
	got = evaluate[string](t, tab, `(async () => {
		await import(ELEMENT);
		const el = document.createElement("sipgate-account");
		const failed = new Promise((resolve) => el.addEventListener("sipgate-error", (e) => resolve(e.detail.name + ": " + e.detail.message)));
		document.body.append(el);
		return failed;
	})()`)
	if !strings.HasPrefix(got, "SipgateLoadError: ") || !strings.Contains(got, "wasm-unsafe-eval") {
		t.Errorf("element on a page that forbids WebAssembly: %q", got)
	}
}

// TestEmbedExamplePage opens web/embed.html, the live example, under the
// server's own strict policy: the elements work and log their events.
func TestEmbedExamplePage(t *testing.T) {
	tab, log := newTab(t)
	if err := chromedp.Do(tab, browser.Observe(), chromedp.Navigate(pageURL+"embed.html"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`))); err != nil {
		t.Fatalf("embed.html did not get ready: %v\nconsole:\n%s", err, log.text())
	}
	evaluate[bool](t, tab, `(async () => {
		const [password, token] = document.querySelectorAll("sipgate-account");
		while (password.shadowRoot.querySelector("button").disabled) await new Promise((r) => setTimeout(r, 10));
		password.shadowRoot.querySelector("[name=user]").value = `+js(fakeapi.DemoUser)+`;
		password.shadowRoot.querySelector("[name=pass]").value = `+js(fakeapi.DemoPassword)+`;
		password.shadowRoot.querySelector("button").click();
		token.shadowRoot.querySelector("[name=token]").value = `+js(fakeapi.DemoAccessToken)+`;
		token.shadowRoot.querySelector("button").click();
		return true;
	})()`)
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`document.getElementById("events").textContent.split("\n").length === 2`)); err != nil {
		t.Fatal(err)
	}
	events := evaluate[string](t, tab, `document.getElementById("events").textContent`)
	if strings.Count(events, `sipgate-account: status 200, company "Demo Telefon GmbH"`) != 2 {
		t.Errorf("event log:\n%s", events)
	}
	wantNoLeak(t, tab, log, fakeapi.DemoUser, fakeapi.DemoPassword)
}
