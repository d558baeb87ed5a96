//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
)

// TestModuleDownloadedOnce: index.html and embed.html preload the module,
// so that its download starts with the page; the Worker's own fetch then
// finds it in the HTTP cache and revalidates it. The module's bytes are
// sent once per first visit, never twice.
func TestModuleDownloadedOnce(t *testing.T) {
	site, err := webserver.New(demoSite(webDir))
	if err != nil {
		t.Fatal(err)
	}
	// The module's answers, and how many are still being sent: a page's
	// count is read once its last one is done, so that a slow answer is
	// never counted for the next page.
	var mu sync.Mutex
	done := sync.NewCond(&mu)
	var statuses []int
	inFlight := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path.Base(r.URL.Path) != webserver.WasmFile {
			site.ServeHTTP(w, r)
			return
		}
		// Sent slowly, so that the Worker asks while the preload still
		// downloads, as on a slow link.
		rec := &statusRecorder{ResponseWriter: &slowWriter{ResponseWriter: w}, status: 200}
		mu.Lock()
		inFlight++
		mu.Unlock()
		site.ServeHTTP(rec, r)
		mu.Lock()
		statuses = append(statuses, rec.status)
		inFlight--
		done.Broadcast()
		mu.Unlock()
	}))
	defer srv.Close()
	// The docs' page for another origin, with its preload of the module.
	doc, err := os.ReadFile("../docs/embedding.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "<!-- try-it: embed -->\n```html\n")
	tryIt, _, _ := strings.Cut(rest, "```\n<!-- end try-it -->")
	if !strings.Contains(tryIt, `rel="preload"`) {
		t.Fatal("embedding.md's page for another origin preloads nothing")
	}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(strings.ReplaceAll(tryIt, "http://localhost:8080", srv.URL)))
	}))
	defer other.Close()
	ready := map[string]string{
		srv.URL + "/":           `document.documentElement.dataset.ready === "true"`,
		srv.URL + "/embed.html": `document.documentElement.dataset.ready === "true"`,
		other.URL + "/my-page":  `performance.getEntriesByName("sipgate-ready").length > 0 || !!document.querySelector("sipgate-account")?.shadowRoot?.querySelector("button")`,
	}
	for _, page := range []string{srv.URL + "/", srv.URL + "/embed.html", other.URL + "/my-page"} {
		mu.Lock()
		statuses = nil
		mu.Unlock()
		// A first visit: a browser context of its own, with an empty cache.
		tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
		defer cancel()
		if err := chromedp.Do(tab, chromedp.Navigate(page)); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		// Ready, and the module running: a lookup answers.
		got := evaluate[string](t, tab, `(async () => {
			while (!(`+ready[page]+`)) await new Promise((r) => setTimeout(r, 10));
			const { load } = await import(`+js(srv.URL+"/sipgate-account.js")+`);
			const { fetchAccount } = await load();
			const r = await fetchAccount(`+js(fakeapi.DemoUser)+`, `+js(fakeapi.DemoPassword)+`, {baseURL: `+js(srv.URL+"/v2")+`});
			return r.account ? r.account.company : r.error.code;
		})()`)
		if got != "Demo Telefon GmbH" {
			t.Errorf("%s: the lookup gave %q", page, got)
		}
		thread, _ := runJS(tab, `document.documentElement.dataset.thread || "worker"`)
		mu.Lock()
		for inFlight > 0 {
			done.Wait()
		}
		full := 0
		for _, s := range statuses {
			if s == http.StatusOK {
				full++
			}
		}
		answers := append([]int(nil), statuses...)
		mu.Unlock()
		t.Logf("%s (%s): the module's answers %v", page, thread, answers)
		if full != 1 {
			t.Errorf("%s (%s): the module was requested with answers %v, want its bytes sent once", page, thread, answers)
		}
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
