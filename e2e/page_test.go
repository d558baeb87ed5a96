//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
	"sipgate-account/sipgate"
)

// wantNoLeak checks that the password and the Authorization header went
// nowhere they could stay: not into the URL, storage, cookies or the
// console; and that the page ran without a Content-Security-Policy violation.
func wantNoLeak(t *testing.T, tab context.Context, log *console, user, pass string) {
	t.Helper()
	secrets := []string{pass, sipgate.BasicAuth(user, pass)}
	for _, where := range []string{"location.href", "document.cookie", "JSON.stringify(localStorage)", "JSON.stringify(sessionStorage)", "document.referrer"} {
		v, err := runJS(tab, where)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(v, s) {
				t.Errorf("%q is in %s: %q", s, where, v)
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(log.text(), s) {
			t.Errorf("%q is in the console:\n%s", s, log.text())
		}
	}
	if v, _ := runJS(tab, `__cspViolations.join("; ")`); v != "" {
		t.Errorf("Content-Security-Policy violations: %s", v)
	}
	if strings.Contains(log.text(), "Content Security Policy") {
		t.Errorf("the console reports a Content-Security-Policy problem:\n%s", log.text())
	}
}

func TestPageShowsAccount(t *testing.T) {
	tab, log := openPage(t)
	defaultBase, err := chromedp.Run(tab, chromedp.Value(chromedp.CSS(`input[name="baseURL"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(pageURL, "/") + "/v2"; defaultBase != want {
		t.Errorf("demo mode: default base URL %q, want %q", defaultBase, want)
	}
	hint, _ := chromedp.Run(tab, chromedp.TextContent(chromedp.CSS(`#demo-hint`)))
	if !strings.Contains(hint, fakeapi.DemoUser) {
		t.Errorf("demo hint %q does not show the demo login", hint)
	}

	text := submit(t, tab, fakeapi.DemoUser, fakeapi.DemoPassword, "")
	for _, want := range []string{"Status: 200", "Body: " + fakeapi.DemoAccount, "Demo Telefon GmbH", "TEAM", "Verified", "yes"} {
		if !strings.Contains(text, want) {
			t.Errorf("result %q does not show %q", text, want)
		}
	}
	disabled, _ := runJS(tab, `document.getElementById("submit").disabled`)
	if disabled != "false" {
		t.Error("the button stays disabled after the call")
	}
	wantNoLeak(t, tab, log, fakeapi.DemoUser, fakeapi.DemoPassword)
}

func TestPageShowsUnauthorized(t *testing.T) {
	tab, log := openPage(t)
	const pass = "not-the-password"
	text := submit(t, tab, fakeapi.DemoUser, pass, "")
	for _, want := range []string{"Status: 401", "username and/or password are wrong", "UNAUTHORIZED"} {
		if !strings.Contains(text, want) {
			t.Errorf("result %q does not show %q", text, want)
		}
	}
	wantNoLeak(t, tab, log, fakeapi.DemoUser, pass)
}

func TestPageShowsNetworkFailure(t *testing.T) {
	tab, log := openPage(t)
	text := submit(t, tab, fakeapi.DemoUser, fakeapi.DemoPassword, closedOrigin+"/v2")
	for _, want := range []string{"did not reach the API", "CORS", "NETWORK"} {
		if !strings.Contains(text, want) {
			t.Errorf("result %q does not show %q", text, want)
		}
	}
	if strings.Contains(text, "Status:") {
		t.Errorf("a network failure shows a status: %q", text)
	}
	wantNoLeak(t, tab, log, fakeapi.DemoUser, fakeapi.DemoPassword)
	// The page still works after the failure.
	text = submit(t, tab, "", "", strings.TrimSuffix(pageURL, "/")+"/v2")
	if !strings.Contains(text, "Status: 200") {
		t.Errorf("after a network failure the next lookup shows %q", text)
	}
}

func TestPageKeepsMarkupInert(t *testing.T) {
	tab, _ := openPage(t)
	origin := strings.TrimSuffix(pageURL, "/")
	text := submit(t, tab, fakeapi.DemoUser, fakeapi.DemoPassword, origin+"/scenario/markup/v2")
	if !strings.Contains(text, "Status: 200") || !strings.Contains(text, `<img src=x id=injected onerror=`) {
		t.Fatalf("the markup is not shown as text: %q", text)
	}
	n, _ := runJS(tab, `document.querySelectorAll("#result img, #injected").length`)
	if n != "0" {
		t.Errorf("API data became markup: %s elements", n)
	}
}

func TestPageShowsLogoOnlyFromHTTPS(t *testing.T) {
	tab, _ := openPage(t)
	origin := strings.TrimSuffix(pageURL, "/")
	submit(t, tab, fakeapi.DemoUser, fakeapi.DemoPassword, origin+"/scenario/https-logo/v2")
	src, _ := runJS(tab, `document.querySelector("#result img.logo")?.getAttribute("src")`)
	if src != "https://logo.example.com/demo.png" {
		t.Errorf("https logo: img src %q", src)
	}
	submit(t, tab, "", "", origin+"/scenario/http-logo/v2")
	n, _ := runJS(tab, `document.querySelectorAll("#result img").length`)
	if n != "0" {
		t.Errorf("an http logo was shown (%s img elements)", n)
	}
}

func TestPageShowsLoadingState(t *testing.T) {
	tab, _ := openPage(t)
	if _, err := runJS(tab, `document.querySelector("details").open = true`); err != nil {
		t.Fatal(err)
	}
	// The hang scenario never answers, so the call stays in flight.
	err := chromedp.Do(tab,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), fakeapi.DemoUser),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), fakeapi.DemoPassword),
		chromedp.SetValue(chromedp.CSS(`input[name="baseURL"]`), strings.TrimSuffix(pageURL, "/")+"/scenario/hang/v2"),
		chromedp.Click(chromedp.CSS(`#submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#result[data-state="loading"][aria-busy="true"] .loading`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	disabled, _ := runJS(tab, `document.getElementById("submit").disabled`)
	if disabled != "true" {
		t.Error("the button is not disabled while the call runs")
	}
}

// TestPageShowsEachFailure walks the page through the failures a person
// meets, reading what it shows.
func TestPageShowsEachFailure(t *testing.T) {
	tab, log := openPage(t)
	origin := strings.TrimSuffix(pageURL, "/")
	cases := []struct {
		name, base string
		shows      []string
	}{
		{"rate limited", origin + "/scenario/status-429/v2", []string{"Status: 429", "try again in 30 seconds", "RATE_LIMITED"}},
		{"server error", origin + "/scenario/html-500/v2", []string{"Status: 500", "the API failed", "Internal Server Error", "SERVER_ERROR"}},
		{"wrong endpoint", origin + "/v1", []string{"Status: 404", "wrong REST API endpoint", "NOT_FOUND"}},
		{"redirect", origin + "/scenario/redirect/v2", []string{"redirect", "NETWORK"}},
		{"plain http to another host", "http://api.sipgate.com/v2", []string{"must use https", "INVALID_ARGUMENT"}},
		{"loopback over http is fine", otherOrigin + "/v2", []string{"Status: 200", "Demo Telefon GmbH"}},
		// sipgate's published API: every field optional, 404 "Account not
		// found" with an empty body, errors in other shapes.
		{"the published example", origin + "/scenario/spec-example/v2", []string{"Status: 200", "Companycompany", "Product typeAFFILIATE", "Call history keptnone"}},
		{"an empty account", origin + "/scenario/empty-account/v2", []string{"Status: 200", "without any of its details", "Body: {}"}},
		{"account not found", origin + "/scenario/not-found/v2", []string{"Status: 404", "wrong REST API endpoint, or the account was not found", "NOT_FOUND"}},
		{"401 with an empty body", origin + "/scenario/unauthorized/v2", []string{"Status: 401", "username and/or password are wrong", "UNAUTHORIZED"}},
		{"a text/plain 403", origin + "/scenario/forbidden-text/v2", []string{"Status: 403", "account:read", "The API says: This endpoint requires a sipgate Classic PBX Account", "FORBIDDEN"}},
		{"an errors array", origin + "/scenario/errors-array/v2", []string{"Status: 403", "The API says: The access token lacks the scope account:read.", "FORBIDDEN"}},
	}
	user, pass := fakeapi.DemoUser, fakeapi.DemoPassword
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := apiRequests.Load()
			text := submit(t, tab, user, pass, c.base)
			user, pass = "", "" // the fields keep what was typed
			for _, want := range c.shows {
				if !strings.Contains(text, want) {
					t.Errorf("result %q does not show %q", text, want)
				}
			}
			if c.name == "plain http to another host" && apiRequests.Load() != before {
				t.Error("a refused base URL still sent a request")
			}
		})
	}
	// The example's logoUrl is the text "logoUrl": no image for it.
	submit(t, tab, "", "", origin+"/scenario/spec-example/v2")
	if n, _ := runJS(tab, `document.querySelectorAll("#result img").length`); n != "0" {
		t.Errorf("a logo was shown for a logoUrl that is no URL (%s img elements)", n)
	}
	wantNoLeak(t, tab, log, fakeapi.DemoUser, fakeapi.DemoPassword)
}

// TestPageLoadsCompressedModule checks what `make build` and the server do
// for the download: the browser receives the brotli copy (Resource Timing's
// encoded size is the .br file, the decoded size the raw module), compiles
// it, and the page marks each step of start-up in order.
func TestPageLoadsCompressedModule(t *testing.T) {
	tab, _ := openPage(t)
	raw, err := os.Stat(filepath.Join(webDir, webserver.WasmFile))
	if err != nil {
		t.Fatal(err)
	}
	br, err := os.Stat(filepath.Join(webDir, webserver.WasmFile+".br"))
	if err != nil {
		t.Fatalf("%v: make build writes the brotli copy", err)
	}
	// The page's text files arrive compressed too (make build writes their copies).
	for _, file := range []string{"", "app.js", "sipgate-account.js", "sipgate-account-host.js", "wasm_exec.js", "style.css", "account-view.js"} {
		req, _ := http.NewRequest("GET", pageURL+file, nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != "br" {
			t.Errorf("/%s arrives with Content-Encoding %q, want br", file, resp.Header.Get("Content-Encoding"))
		}
	}
	// The module's worker reports its download on the sipgate-compiled mark.
	sizes, err := runJS(tab, `(() => {
		const d = performance.getEntriesByName("sipgate-compiled")[0].detail;
		return d.encodedBytes + " " + d.decodedBytes;
	})()`)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d %d", br.Size(), raw.Size()); sizes != want {
		t.Errorf("module transfer (encoded decoded) = %s, want %s: the brotli copy", sizes, want)
	}
	order, err := runJS(tab, `["sipgate-load", "sipgate-compiled", "sipgate-ready"]
		.map(n => performance.getEntriesByName(n)[0].startTime)
		.every((t, i, all) => i === 0 || t >= all[i - 1])`)
	if err != nil || order != "true" {
		t.Errorf("start-up marks missing or out of order: %s %v", order, err)
	}
}

// TestPageNamesTheCSP: a base URL that the page's own Content-Security-Policy
// does not allow fails with NETWORK, and the message names the policy's
// connect-src among the causes (the browser does not say which it was; the
// violation is reported in the module's worker, which has the same policy).
func TestPageNamesTheCSP(t *testing.T) {
	tab, _ := openPage(t)
	text := submit(t, tab, fakeapi.DemoUser, fakeapi.DemoPassword, "https://api.example.invalid/v2")
	for _, want := range []string{"NETWORK", "Content-Security-Policy", "connect-src", "CORS"} {
		if !strings.Contains(text, want) {
			t.Errorf("result %q does not name %q", text, want)
		}
	}
}
