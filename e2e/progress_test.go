//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
)

// TestLoadingProgress: on a slow link (the module served slowly: slowLink), a lookup
// submitted at once says, after a second, how much of the module has
// arrived, in the page's live region, and then shows the answer; on the
// page and in the element alike.
func TestLoadingProgress(t *testing.T) {
	site := strings.TrimSuffix(slowLink(t), "/")
	for _, c := range []struct{ page, submit, progress, answer string }{
		{"/", `document.getElementById("username").value = USER;
			document.getElementById("password").value = PASS;
			document.getElementById("submit").click();`,
			`document.querySelector("#result .progress")?.textContent`,
			`document.querySelector("#result .account")?.textContent`},
		{"/embed.html", `const root = document.querySelector("sipgate-account.example").shadowRoot;
			root.querySelector("[name=user]").value = USER;
			root.querySelector("[name=pass]").value = PASS;
			root.querySelector("button").click();`,
			`document.querySelector("sipgate-account.example").shadowRoot.querySelector("[part=result] .progress")?.textContent`,
			`document.querySelector("sipgate-account.example").shadowRoot.querySelector("[part=result] .account")?.textContent`},
	} {
		t.Run(c.page, func(t *testing.T) {
			tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
			defer cancel()
			if err := chromedp.Do(tab, chromedp.Navigate(site+c.page)); err != nil {
				t.Fatal(err)
			}
			submit := strings.NewReplacer("USER", js(fakeapi.DemoUser), "PASS", js(fakeapi.DemoPassword)).Replace(c.submit)
			got := evaluate[map[string]any](t, tab, `(async () => {
				const until = async (f) => { for (;;) { const v = f(); if (v) return v; await new Promise((r) => setTimeout(r, 10)); } };
				await until(() => document.getElementById("submit")?.disabled === false || document.querySelector("sipgate-account.example")?.shadowRoot?.querySelector("button"));
				`+submit+`
				const progress = await until(() => `+c.progress+`);
				const answer = await until(() => `+c.answer+`);
				return {progress, answer, ready: performance.getEntriesByName("sipgate-ready").length};
			})()`)
			t.Logf("%s: %v", c.page, got["progress"])
			progress, _ := got["progress"].(string)
			answer, _ := got["answer"].(string)
			if !strings.Contains(progress, "The module is still loading:") || !strings.Contains(progress, "MB") || !strings.Contains(answer, "Demo Telefon GmbH") {
				t.Errorf("%s on a slow link: %v, want how much of the module arrived, then the account", c.page, got)
			}
		})
	}
}
