//go:build e2e

// A browser tab and what the tests do in it: calls, evaluations, form
// submissions.

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// newTab opens a blank tab that collects its console, closed when the test
// ends, in a browser context of its own: no cookie or cache of another
// test's server (all are on 127.0.0.1, and cookies ignore ports) reaches it.
func newTab(t *testing.T) (context.Context, *console) {
	t.Helper()
	tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	log := &console{}
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			log.add(m.String())
		}
	}()
	ctx, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx, log
}

// call runs `fetchAccount(<args>)` in the tab, where args is JavaScript
// source, and reports how it settled. ORIGIN in args is the page's origin.
func call(t *testing.T, tab context.Context, args string) outcome {
	t.Helper()
	return callFunc(t, tab, "fetchAccount", args)
}

// callFunc calls the global function fn (fetchAccount or
// fetchAccountWithToken) with args, as call does.
func callFunc(t *testing.T, tab context.Context, fn, args string) outcome {
	t.Helper()
	args = strings.ReplaceAll(args, "ORIGIN", strings.TrimSuffix(pageURL, "/"))
	script := `(async () => {
		try {
			const r = await ` + fn + `(` + args + `);
			return {resolved: Object.assign({keys: Object.keys(r)}, r)};
		} catch (e) {
			return {rejected: {isError: e instanceof Error, name: e.name, code: e.code, message: e.message}};
		}
	})()`
	out, err := chromedp.Run(tab, chromedp.Evaluate[outcome](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s(%s): %v", fn, args, err)
	}
	if (out.Resolved == nil) == (out.Rejected == nil) {
		t.Fatalf("%s(%s) settled oddly: %+v", fn, args, out)
	}
	return out
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// evaluate runs JavaScript source in the tab, awaits it, and decodes its
// value into T. LOADER in src is the loader's URL, ELEMENT the element's, and ORIGIN the module's
// origin.
func evaluate[T any](t *testing.T, tab context.Context, src string) T {
	t.Helper()
	src = strings.ReplaceAll(src, "LOADER", js(pageURL+"sipgate-account.js"))
	src = strings.ReplaceAll(src, "ELEMENT", js(pageURL+"sipgate-account-element.js"))
	src = strings.ReplaceAll(src, "ORIGIN", strings.TrimSuffix(pageURL, "/"))
	v, err := chromedp.Run(tab, chromedp.Evaluate[T](src, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%v\nin:\n%s", err, src)
	}
	return v
}

// runJS evaluates an expression in the tab, awaits it if it is a promise,
// and returns its value as text.
func runJS(tab context.Context, expr string) (string, error) {
	return chromedp.Run(tab, chromedp.Evaluate[string](`(async () => String(await (`+expr+`)))()`, chromedp.EvalAwaitPromise))
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
