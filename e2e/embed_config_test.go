//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
)

// TestEmbedWaitsForConfig: on embed.html a lookup submitted as early as
// the page lets it waits for config.json's base URL, as app.js's form
// does: with config.json slow to come, the first lookup still goes to the
// demo's API on this origin, not to the default one (which the page's
// policy would refuse: NETWORK).
func TestEmbedWaitsForConfig(t *testing.T) {
	site, err := webserver.New(demoSite(webDir))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/config.json" {
			time.Sleep(1500 * time.Millisecond) // a slow link, for this file alone
		}
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	tab, log := newTab(t)
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/embed.html")); err != nil {
		t.Fatal(err)
	}
	got := evaluate[map[string]any](t, tab, `(async () => {
		await customElements.whenDefined("sipgate-account");
		const root = document.querySelector("sipgate-account.example").shadowRoot;
		while (!root.querySelector("button")) await new Promise((r) => setTimeout(r, 5));
		root.querySelector("[name=user]").value = `+js(fakeapi.DemoUser)+`;
		root.querySelector("[name=pass]").value = `+js(fakeapi.DemoPassword)+`;
		const outcome = new Promise((resolve) => {
			document.addEventListener("sipgate-account", (e) => resolve({company: e.detail.account && e.detail.account.company}), {once: true});
			document.addEventListener("sipgate-error", (e) => resolve({code: e.detail.code}), {once: true});
		});
		root.querySelector("button").click();
		return outcome;
	})()`)
	if got["company"] != "Demo Telefon GmbH" {
		t.Errorf("the first lookup on embed.html: %v, want the demo account\nconsole:\n%s", got, log.text())
	}
}
