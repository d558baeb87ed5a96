// Command bench measures what a page pays for the module: download size,
// start-up (cold and on a repeat visit), per-call overhead against plain
// JavaScript (fetch + btoa), many calls at once, memory over many calls,
// every engine, a first visit on an emulated mobile link, Lighthouse, and
// what the same-origin proxies add. It drives real headless Chromium (and
// Firefox and WebKit) against the built page and the fake API on 127.0.0.1,
// prints one table and writes the figures as JSON. It asserts nothing: it
// measures. Each file holds one part: module.go, engines.go, proxies.go,
// link.go, lighthouse.go; the in-page scripts are in bench/.
//
//	go run ./cmd/bench [-web web] [-out bench/out/bench.json]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/demo"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
	"sipgate-account/internal/webserver"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// kept is the cache policy of content-hashed file names: a repeat visit
// asks nothing of the server.
const kept = "public, max-age=31536000, immutable"

func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("bench", flag.ContinueOnError)
	web := flags.String("web", "web", "the built web root")
	out := flags.String("out", "bench/out/bench.json", "where to write the figures as JSON")
	benchDir := flags.String("bench", "bench", "bench/: the in-page scripts, the pages and the minimal client's page")
	minimal := flags.String("minimal", "bench/out/minimal.wasm", "the built bench/minimalclient module (make bench builds it)")
	lighthouseBin := flags.String("lighthouse", "build/lighthouse/node_modules/.bin/lighthouse", "Lighthouse (make lighthouse installs it); \"\" leaves it out")
	engineLoads := flags.Int("engine-loads", 5, "fresh page loads per engine for its ready time")
	engineCalls := flags.Int("engine-calls", 200, "sequential calls of each kind per engine")
	loads := flags.Int("loads", 10, "fresh page loads for the ready time, and repeat visits")
	linkLoads := flags.Int("link-loads", 3, "visits of each page on the emulated link")
	lighthouseRuns := flags.Int("lighthouse-runs", 3, "Lighthouse runs per page")
	calls := flags.Int("calls", 1000, "sequential calls of each kind for the per-call figure")
	burst := flags.Int("burst", 1000, "concurrent calls")
	memCalls := flags.Int("memory-calls", 10000, "sequential calls for the memory figure")
	proxyCalls := flags.Int("proxy-calls", 300, "sequential calls through each deployment of the proxy")
	clients := flags.Int("clients", 100_000, "distinct client addresses for the proxy's throughput")
	if err := flags.Parse(args); err != nil {
		return err
	}
	f := Figures{
		Date: time.Now().UTC().Format("2006-01-02"), Cores: runtime.NumCPU(),
		Memory: Memory{Calls: *memCalls},
		Proxy:  Proxy{Calls: *proxyCalls, Clients: *clients},
		Link:   Link{DownMbps: 9, RTTMs: 40},
	}
	var err error
	if f.Floor, err = sizes(*minimal); err != nil {
		return err
	}
	if f.Module, err = sizes(filepath.Join(*web, webserver.WasmFile)); err != nil {
		return err
	}

	pages, err := newPages(*web, *benchDir, *minimal, "")
	if err != nil {
		return err
	}
	srv := &counted{next: pages.mux}
	origin := httptest.NewServer(srv)
	defer origin.Close()
	keptPages, err := newPages(*web, *benchDir, *minimal, kept)
	if err != nil {
		return err
	}
	keptSrv := &counted{next: keptPages.mux}
	keptOrigin := httptest.NewServer(keptSrv)
	defer keptOrigin.Close()

	// The emulated link's HTTP/2 server has a certificate of its own.
	chromium, cancel, err := browser.Start(chromedp.Flag("ignore-certificate-errors", true))
	if err != nil {
		return fmt.Errorf("headless Chromium cannot run: %w", err)
	}
	defer cancel()
	f.Browser = browserVersion()

	if f.Ready, err = readyTime(chromium, origin.URL+"/", "sipgate", *loads); err != nil {
		return fmt.Errorf("ready time: %w", err)
	}
	if f.FloorReady, err = readyTime(chromium, origin.URL+"/bench/minimal/", "minimal", *loads); err != nil {
		return fmt.Errorf("ready time of the minimal client: %w", err)
	}
	if f.Warm.RevalidatedMs, f.Warm.RevalidatedRequests, f.Warm.RevalidatedBytes, err = warmReady(chromium, origin.URL+"/", srv, *loads); err != nil {
		return fmt.Errorf("repeat visit: %w", err)
	}
	if f.Warm.KeptMs, f.Warm.KeptRequests, f.Warm.KeptBytes, err = warmReady(chromium, keptOrigin.URL+"/", keptSrv, *loads); err != nil {
		return fmt.Errorf("repeat visit: %w", err)
	}

	callsJS, err := os.ReadFile(filepath.Join(*benchDir, "calls.js"))
	if err != nil {
		return err
	}
	tab, cancelTab := chromedp.NewContext(chromium)
	defer cancelTab()
	config := fmt.Sprintf(`globalThis.benchConfig = {base: %s, user: %s, pass: %s};`,
		quote(origin.URL+"/v2"), quote(fakeapi.DemoUser), quote(fakeapi.DemoPassword))
	if err := chromedp.Do(tab, browser.Observe(), noNetworkRecording(), chromedp.Navigate(origin.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`)),
		chromedp.Evaluate[chromedp.Void](config+string(callsJS)),
		chromedp.Evaluate[chromedp.Void](`loadMinimal()`, chromedp.EvalAwaitPromise),
		chromedp.Evaluate[chromedp.Void](`loadMinimalWorker()`, chromedp.EvalAwaitPromise),
		chromedp.Evaluate[chromedp.Void](`loadModuleWorker()`, chromedp.EvalAwaitPromise)); err != nil {
		return err
	}
	if f.Calls, err = perCall(tab, *calls); err != nil {
		return fmt.Errorf("per call: %w", err)
	}
	f.Calls.Burst = *burst
	if err := idle(tab, &f.Calls, 9); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	if err := concurrent(tab, &f.Calls); err != nil {
		return fmt.Errorf("concurrent: %w", err)
	}
	if err := memory(tab, &f.Memory); err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	for _, e := range []string{"chromium", string(browser.Firefox), string(browser.WebKit)} {
		ef, err := engineBench(chromium, e, origin.URL, *engineLoads, *engineCalls, pages.reports)
		if err != nil {
			return fmt.Errorf("%s: %w", e, err)
		}
		f.Engines = append(f.Engines, ef)
	}

	rtt := time.Duration(f.Link.RTTMs) * time.Millisecond
	slowCount := &counted{next: newLink(pages.mux, f.Link.DownMbps, rtt)}
	slow := httptest.NewServer(slowCount)
	defer slow.Close()
	slowKeptCount := &counted{next: newLink(keptPages.mux, f.Link.DownMbps, rtt)}
	slowKept := httptest.NewServer(slowKeptCount)
	defer slowKept.Close()
	if err := linkVisits(chromium, slowCount, slowKeptCount, slow.URL+"/", slow.URL+"/bench/plain/", slowKept.URL+"/",
		filepath.Join(*benchDir, "answered.js"), *linkLoads, &f.Link); err != nil {
		return fmt.Errorf("emulated link: %w", err)
	}
	slowHTTP2Count := &counted{next: newLink(pages.mux, f.Link.DownMbps, rtt)}
	slowHTTP2 := httptest.NewUnstartedServer(slowHTTP2Count)
	slowHTTP2.EnableHTTP2 = true
	slowHTTP2.StartTLS()
	defer slowHTTP2.Close()
	if f.Link.OursHTTP2Ms, f.Link.HTTP2Requests, f.Link.HTTP2Bytes, err = firstVisits(chromium, slowHTTP2Count, slowHTTP2.URL+"/", filepath.Join(*benchDir, "answered.js"), *linkLoads); err != nil {
		return fmt.Errorf("emulated link, HTTP/2: %w", err)
	}

	if err := proxies(ctx, &f.Proxy, filepath.Join(*benchDir, "plainworker", "worker.mjs")); err != nil {
		return fmt.Errorf("proxies: %w", err)
	}
	if err := throughput(&f.Proxy); err != nil {
		return fmt.Errorf("throughput: %w", err)
	}

	if *lighthouseBin != "" {
		for _, p := range []string{"index.html", "embed.html"} {
			lh, err := lighthouse(ctx, *lighthouseBin, origin.URL+"/"+p, p, *lighthouseRuns)
			if err != nil {
				return fmt.Errorf("lighthouse: %w", err)
			}
			f.Lighthouse = append(f.Lighthouse, lh)
		}
	}

	printTable(stdout, &f)
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}

// pages is what the bench serves: web/ with the fake API, the minimal
// client under /bench/minimal/, the engine bench under /bench/engines/
// (its reports arrive on reports), and the plain-JavaScript page under
// /bench/plain/.
type pages struct {
	mux     *http.ServeMux
	reports chan engineReport
}

// floorRoot gathers the floor's page, its module with the copies beside it
// and wasm_exec.js in one folder (under bench/out, not committed).
func floorRoot(web, bench, minimal string) (string, error) {
	dir := filepath.Join(filepath.Dir(minimal), "minimal-site")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	files := map[string]string{
		"index.html":       filepath.Join(bench, "minimalclient", "index.html"),
		"loader.js":        filepath.Join(bench, "minimalclient", "loader.js"),
		"worker.js":        filepath.Join(bench, "minimalclient", "worker.js"),
		"module-worker.js": filepath.Join(bench, "minimalclient", "module-worker.js"),
		"wasm_exec.js":     filepath.Join(web, "wasm_exec.js"),
		"minimal.wasm":     minimal,
		"minimal.wasm.br":  minimal + ".br",
		"minimal.wasm.gz":  minimal + ".gz",
	}
	// In name order, so that the module is written before its copies (the
	// server sends no copy older than its file).
	for _, name := range slices.Sorted(maps.Keys(files)) {
		from := files[name]
		b, err := os.ReadFile(from)
		if err != nil {
			return "", fmt.Errorf("%w: make bench builds the floor and its copies", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func newPages(web, bench, minimal, cacheControl string) (*pages, error) {
	// The page as make demo serves it, its sign-in button included. Nothing
	// here signs in, so the fake login server's origin is never visited.
	cfg, err := demo.Site(web, demo.Options{SignInOrigin: "http://127.0.0.1"})
	if err != nil {
		return nil, err
	}
	cfg.CacheControl = cacheControl
	site, err := webserver.New(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(minimal); err != nil {
		return nil, errors.New(minimal + " is not built: run `make bench`")
	}
	// The floor is served as the module is: by the same server code, with
	// the same cache policy and its brotli and gzip copies (make bench
	// writes them beside it), from a folder that holds its page too.
	floor, err := floorRoot(web, bench, minimal)
	if err != nil {
		return nil, err
	}
	floorCfg, _ := demo.Site(floor, demo.Options{})
	floorCfg.CacheControl = cacheControl
	floorSite, err := webserver.New(floorCfg)
	if err != nil {
		return nil, err
	}
	p := &pages{mux: http.NewServeMux(), reports: make(chan engineReport, 16)}
	p.mux.Handle("/", copies(site))
	p.mux.Handle("/bench/minimal/", http.StripPrefix("/bench/minimal", copies(floorSite)))
	p.mux.Handle("GET /bench/engines/", http.StripPrefix("/bench/engines/", http.FileServer(http.Dir(filepath.Join(bench, "engines")))))
	p.mux.HandleFunc("POST /bench/engines/report", func(w http.ResponseWriter, r *http.Request) {
		var rep engineReport
		if err := json.NewDecoder(r.Body).Decode(&rep); err == nil {
			p.reports <- rep
		}
	})
	p.mux.Handle("/bench/plain/", http.StripPrefix("/bench/plain/", http.FileServer(http.Dir(filepath.Join(bench, "plain")))))
	return p, nil
}
