package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/mockapi"
)

// runJS evaluates an expression in the tab and returns its value as text.
func runJS(tab context.Context, expr string) (string, error) {
	return chromedp.Run(tab, chromedp.Evaluate[string](`String(`+expr+`)`, chromedp.EvalAwaitPromise))
}

// submit fills the form like a person would and waits for the answer.
func submit(t *testing.T, tab context.Context, user, pass, baseURL string) string {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pass),
	}
	if baseURL != "" {
		if _, err := runJS(tab, `document.querySelector("details").open = true`); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, chromedp.SetValue(chromedp.CSS(`input[name="baseURL"]`), baseURL))
	}
	steps = append(steps,
		chromedp.Click(chromedp.CSS(`#submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] > *`)),
	)
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(tab, chromedp.TextContent(chromedp.CSS(`#result`)))
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// wantNoLeak checks that the password went nowhere it could stay: not into
// the URL, storage, cookies or the console.
func wantNoLeak(t *testing.T, tab context.Context, log *console, pass string) {
	t.Helper()
	for _, where := range []string{"location.href", "document.cookie", "JSON.stringify(localStorage)", "JSON.stringify(sessionStorage)"} {
		v, err := runJS(tab, where)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(v, pass) {
			t.Errorf("the password is in %s: %q", where, v)
		}
	}
	if strings.Contains(log.text(), pass) {
		t.Errorf("the password is in the console:\n%s", log.text())
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
	if !strings.Contains(hint, mockapi.DemoUser) {
		t.Errorf("demo hint %q does not show the demo login", hint)
	}

	text := submit(t, tab, mockapi.DemoUser, mockapi.DemoPassword, "")
	for _, want := range []string{"Status: 200", "Body: " + mockapi.DemoAccount, "Demo Telefon GmbH", "TEAM", "Verified", "yes"} {
		if !strings.Contains(text, want) {
			t.Errorf("result %q does not show %q", text, want)
		}
	}
	disabled, _ := runJS(tab, `document.getElementById("submit").disabled`)
	if disabled != "false" {
		t.Error("the button stays disabled after the call")
	}
	wantNoLeak(t, tab, log, mockapi.DemoPassword)
}

func TestPageShowsUnauthorized(t *testing.T) {
	tab, log := openPage(t)
	const pass = "not-the-password"
	text := submit(t, tab, mockapi.DemoUser, pass, "")
	for _, want := range []string{"Status: 401", "username and/or password are wrong", "UNAUTHORIZED"} {
		if !strings.Contains(text, want) {
			t.Errorf("result %q does not show %q", text, want)
		}
	}
	wantNoLeak(t, tab, log, pass)
}

func TestPageShowsNetworkFailure(t *testing.T) {
	tab, log := openPage(t)
	text := submit(t, tab, mockapi.DemoUser, mockapi.DemoPassword, closedOrigin+"/v2")
	for _, want := range []string{"did not reach the API", "CORS", "NETWORK"} {
		if !strings.Contains(text, want) {
			t.Errorf("result %q does not show %q", text, want)
		}
	}
	if strings.Contains(text, "Status:") {
		t.Errorf("a network failure shows a status: %q", text)
	}
	wantNoLeak(t, tab, log, mockapi.DemoPassword)
	// The page still works after the failure.
	text = submit(t, tab, "", "", strings.TrimSuffix(pageURL, "/")+"/v2")
	if !strings.Contains(text, "Status: 200") {
		t.Errorf("after a network failure the next lookup shows %q", text)
	}
}

func TestPageKeepsMarkupInert(t *testing.T) {
	tab, _ := openPage(t)
	origin := strings.TrimSuffix(pageURL, "/")
	text := submit(t, tab, mockapi.DemoUser, mockapi.DemoPassword, origin+"/scenario/markup/v2")
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
	submit(t, tab, mockapi.DemoUser, mockapi.DemoPassword, origin+"/scenario/https-logo/v2")
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
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), mockapi.DemoUser),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), mockapi.DemoPassword),
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
