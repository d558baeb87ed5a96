//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
)

// slowLink serves what the tests' page server serves, but delivers the
// module like a slow link (32 kB every 50 ms, about 640 kB/s, so the brotli
// copy takes seconds), so that the page and the element are handled before
// the module is ready. (DevTools network conditions would be the obvious
// tool, but they do not reach the fetch of a dedicated worker, where the
// module loads: with them set, the module was ready as fast as without.)
func slowLink(t *testing.T) string {
	t.Helper()
	site, err := webserver.New(demoSite(webDir))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w = &slowWriter{ResponseWriter: w}
		}
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

type slowWriter struct{ http.ResponseWriter }

func (s *slowWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), 32<<10)
		m, err := s.ResponseWriter.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		http.NewResponseController(s.ResponseWriter).Flush()
		time.Sleep(50 * time.Millisecond)
		p = p[n:]
	}
	return written, nil
}

// TestSubmitBeforeReady: a password manager fills the form at once and a
// person presses Enter at once. The submission is kept, the status says so,
// and it runs when the module is ready.
func TestSubmitBeforeReady(t *testing.T) {
	t.Run("page", func(t *testing.T) {
		tab, log := newTab(t)
		site := slowLink(t)
		err := chromedp.Do(tab,
			chromedp.Navigate(site),
			chromedp.WaitVisible(chromedp.CSS(`#submit:not([disabled])`)),
			chromedp.SendKeys(chromedp.CSS(`#username`), fakeapi.DemoUser),
			chromedp.SendKeys(chromedp.CSS(`#password`), fakeapi.DemoPassword+"\r"),
		)
		if err != nil {
			t.Fatal(err)
		}
		state, _ := runJS(tab, `[document.documentElement.dataset.ready ?? "not ready", document.getElementById("result").dataset.state, document.getElementById("result").textContent].join(" | ")`)
		if !strings.HasPrefix(state, "not ready | waiting | The module is still starting; your lookup runs as soon as it is ready") {
			t.Fatalf("right after Enter: %q, want the submission kept while the module starts", state)
		}
		if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] .account`))); err != nil {
			t.Fatalf("the kept submission did not run: %v\n%s", err, log.text())
		}
		took, _ := runJS(tab, `Math.round(performance.getEntriesByName("sipgate-ready")[0].startTime) + " ms, " + performance.getEntriesByName("sipgate-compiled")[0].detail.encodedBytes + " bytes"`)
		t.Logf("ready after %s", took)
		text, _ := runJS(tab, `document.getElementById("result").textContent`)
		if !strings.Contains(text, "Demo Telefon GmbH") || !strings.Contains(text, "Status: 200") {
			t.Errorf("the kept submission shows %q", text)
		}
	})
	t.Run("element", func(t *testing.T) {
		tab, log := newTab(t)
		if err := chromedp.Do(tab, chromedp.Navigate(slowLink(t)+"embed.html")); err != nil {
			t.Fatal(err)
		}
		got := evaluate[map[string]string](t, tab, `(async () => {
			// Defined, and pointed at the fake API by the page's config.json.
			const el = document.querySelector("sipgate-account");
			while (!customElements.get("sipgate-account") || !el.hasAttribute("base-url")) await new Promise((r) => setTimeout(r, 10));
			const root = el.shadowRoot, button = root.querySelector("button");
			const answer = new Promise((resolve) => el.addEventListener("sipgate-account", (e) => resolve(e.detail.ok ? e.detail.account.company : e.detail.error.code)));
			root.querySelector("[name=user]").value = `+js(fakeapi.DemoUser)+`;
			root.querySelector("[name=pass]").value = `+js(fakeapi.DemoPassword)+`;
			const ready = document.documentElement.dataset.ready ?? "not ready";
			button.click();
			const waiting = root.querySelector("[part=result]").textContent;
			return {ready, waiting, company: await answer};
		})()`)
		if got["ready"] != "not ready" || !strings.Contains(got["waiting"], "still starting") || got["company"] != "Demo Telefon GmbH" {
			t.Errorf("the element before the module is ready: %v\n%s", got, log.text())
		}
	})
}
