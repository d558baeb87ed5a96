//go:build e2e

// The Worker's blob: URLs, and the page tried locally as the docs say.

package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
)

// TestBlobURLsAreRevoked: the blob: URLs the loader makes to start its
// Worker (a page on another origin, pinned files) are revoked once the
// Worker has started.
func TestBlobURLsAreRevoked(t *testing.T) {
	for _, options := range []string{`{}`, `{integrity: INTEGRITY}`} {
		tab, _ := openEmbedder(t, "/blank.html")
		b, err := os.ReadFile(filepath.Join(webDir, "integrity.json"))
		if err != nil {
			t.Fatal(err)
		}
		got := evaluate[map[string]any](t, tab, strings.ReplaceAll(`(async () => {
			const made = [], revoked = [];
			const create = URL.createObjectURL, revoke = URL.revokeObjectURL;
			URL.createObjectURL = (o) => { const u = create(o); made.push(u); return u; };
			URL.revokeObjectURL = (u) => { revoked.push(u); revoke(u); };
			await (await import(LOADER)).load(`+options+`);
			return {thread: `+threadJS+`, made: made.length, open: made.filter((u) => !revoked.includes(u)).length};
		})()`, "INTEGRITY", string(b)))
		if got["thread"] != "worker" || got["made"] == 0.0 || got["open"] != 0.0 {
			t.Errorf("load(%s) from another origin: %v, want a Worker started from a blob: URL that is revoked", options, got)
		}
	}
}

// TestTryItLocally serves embedding.md's "try it locally" page as it is
// written, from another origin, with the demo server's address where the
// page says http://localhost:8080, and logs in with the demo login.
func TestTryItLocally(t *testing.T) {
	doc, err := os.ReadFile("../docs/embedding.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(doc), "<!-- try-it: embed -->\n```html\n")
	page, _, ok2 := strings.Cut(rest, "```\n<!-- end try-it -->")
	if !ok1 || !ok2 {
		t.Fatal("embedding.md has no try-it page between its markers")
	}
	page = strings.ReplaceAll(page, "http://localhost:8080", strings.TrimSuffix(pageURL, "/"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer srv.Close()
	tab, log := newTab(t)
	if err := chromedp.Do(tab, browser.Observe(), chromedp.Navigate(srv.URL+"/my-page.html")); err != nil {
		t.Fatal(err)
	}
	got := evaluate[map[string]any](t, tab, `(async () => {
		while (!customElements.get("sipgate-account")) await new Promise((r) => setTimeout(r, 10));
		const el = document.querySelector("sipgate-account"), root = el.shadowRoot;
		const answer = new Promise((resolve) => {
			el.addEventListener("sipgate-account", (e) => resolve(e.detail.ok ? e.detail.account.company : e.detail.error.code));
			el.addEventListener("sipgate-error", (e) => resolve(e.detail.name + ": " + e.detail.message));
		});
		root.querySelector("[name=user]").value = `+js(fakeapi.DemoUser)+`;
		root.querySelector("[name=pass]").value = `+js(fakeapi.DemoPassword)+`;
		root.querySelector("button").click();
		const company = await answer;
		return {company, thread: `+threadJS+`, violations: __cspViolations.join(" ")};
	})()`)
	if got["company"] != "Demo Telefon GmbH" || got["thread"] != "worker" || got["violations"] != "" {
		t.Errorf("the try-it page: %v, want the demo account, from the module in its Worker, within the page's policy\nconsole:\n%s", got, log.text())
	}
}
