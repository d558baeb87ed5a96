//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
)

// TestModuleDownloadedOnce: the Worker asks for the module as soon as it
// runs, before its start message, and no page preloads it (its 9 MB would
// pass through the page's thread): index.html, embed.html and the docs'
// page for another origin. The module's bytes are sent once per first
// visit, never twice.
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
		// Sent slowly, as on a slow link.
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
	// The docs' page for another origin.
	doc, err := os.ReadFile("../docs/embedding.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "<!-- try-it: embed -->\n```html\n")
	tryIt, _, _ := strings.Cut(rest, "```\n<!-- end try-it -->")
	pages := map[string]string{"embedding.md's page": tryIt}
	for _, name := range []string{"index.html", "embed.html"} {
		b, err := os.ReadFile(path.Join(webDir, name))
		if err != nil {
			t.Fatal(err)
		}
		pages[name] = string(b)
	}
	for name, page := range pages {
		if regexp.MustCompile(`<link rel="preload"[^>]*` + regexp.QuoteMeta(webserver.WasmFile)).MatchString(page) {
			t.Errorf("%s preloads the module", name)
		}
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
		// The Worker asked for the module as it ran, ahead of its start
		// message.
		if order, _ := runJS(tab, `(() => {
			const t = performance.getEntriesByName("sipgate-compiled")[0].detail.timeline;
			return t.fetching <= t.started ? "ahead" : "after the start message";
		})()`); order != "ahead" {
			t.Errorf("%s: the Worker asked for the module %s", page, order)
		}
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
