// Command bench measures what a page pays for the module: download size,
// start-up, per-call overhead against plain JavaScript (fetch + btoa), many
// calls at once, and memory over many calls. It drives real headless
// Chromium against the built page and the fake API on 127.0.0.1, prints one
// table and writes the figures as JSON. It asserts nothing: it measures.
//
//	go run ./cmd/bench [-web web] [-out bench/out/bench.json]
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/browser"
	"sipgate-account/internal/devserver"
	"sipgate-account/internal/mockapi"
	"sipgate-account/internal/workerd"
	"sipgate-account/sipgate"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// Figures is what one run measured.
type Figures struct {
	Date       string `json:"date"`
	Browser    string `json:"browser"`
	Cores      int    `json:"cores"`
	WasmRaw    int    `json:"wasmRawBytes"`
	WasmGzip   int    `json:"wasmGzipBytes"`
	WasmBrotli int    `json:"wasmBrotliBytes"` // 0 when the brotli tool is missing
	// The floor: bench/minimalclient, the smallest Go net/http client,
	// built with the module's flags and measured the same way.
	MinRaw       int        `json:"minimalRawBytes"`
	MinGzip      int        `json:"minimalGzipBytes"`
	MinBrotli    int        `json:"minimalBrotliBytes"`
	MinReadyMs   float64    `json:"minimalReadyMedianMs"`
	MinPhases    [3]float64 `json:"minimalReadyPhasesMs"` // as LoadStartMs, CompileMs, StartMs
	MinCallMs    float64    `json:"minimalCallMedianMs"`
	ReadyMs      float64    `json:"readyMedianMs"`
	LoadStartMs  float64    `json:"readyLoadStartMs"` // navigation start -> the page starts loading the module
	CompileMs    float64    `json:"readyCompileMs"`   // download, compile and instantiate
	StartMs      float64    `json:"readyGoStartMs"`   // Go runtime start until fetchAccount exists
	CallMs       float64    `json:"callMedianMs"`
	PlainCallMs  float64    `json:"plainCallMedianMs"`
	CallRatio    float64    `json:"callRatio"`
	Burst        int        `json:"burstCalls"`
	BurstMs      float64    `json:"burstMs"`
	PlainBurstMs float64    `json:"plainBurstMs"`
	BurstRatio   float64    `json:"burstRatio"`
	MemCalls     int        `json:"memoryCalls"`
	// What a same-origin proxy adds to a call: medians of sequential GETs
	// of /v2/account from a native client over loopback.
	ProxyCalls    int     `json:"proxyCalls"`
	DirectMs      float64 `json:"directCallMedianMs"`
	ServeProxyMs  float64 `json:"serveProxyCallMedianMs"`
	WorkerProxyMs float64 `json:"workerProxyCallMedianMs"`
	// Throughput of cmd/serve's proxy over loopback (requests a second,
	// 8 connections) when all requests come from one client, and when each
	// comes from a client of its own (ThroughputClients of them).
	ThroughputOne     float64 `json:"proxyThroughputOneClientPerSec"`
	ThroughputMany    float64 `json:"proxyThroughputManyClientsPerSec"`
	ThroughputClients int     `json:"proxyThroughputClients"`
	// The same in-page measurement in each engine (bench/engines).
	Engines      []EngineFigures `json:"engines"`
	LinearBefore int             `json:"linearMemoryBeforeBytes"`
	LinearAfter  int             `json:"linearMemoryAfterBytes"`
	HeapBefore   float64         `json:"jsHeapBeforeBytes"`
	HeapAfter    float64         `json:"jsHeapAfterBytes"`
}

// EngineFigures is one engine's start-up and per-call time, measured by
// bench/engines in-page: ready is the median over fresh page loads that
// each load the module from a URL of their own.
type EngineFigures struct {
	Engine      string  `json:"engine"`
	Version     string  `json:"version"`
	Loads       int     `json:"loads"`
	ReadyMs     float64 `json:"readyMedianMs"`
	CallMs      float64 `json:"callMedianMs"`
	PlainCallMs float64 `json:"plainCallMedianMs"`
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("bench", flag.ContinueOnError)
	web := flags.String("web", "web", "the built web root")
	out := flags.String("out", "bench/out/bench.json", "where to write the figures as JSON")
	minimal := flags.String("minimal", "bench/out/minimal.wasm", "the built bench/minimalclient module (make bench builds it)")
	minimalPage := flags.String("minimal-page", "bench/minimalclient", "the minimal client's page")
	enginePage := flags.String("engine-page", "bench/engines", "the in-page bench run in every engine")
	engineLoads := flags.Int("engine-loads", 5, "fresh page loads per engine for its ready time")
	engineCalls := flags.Int("engine-calls", 200, "sequential calls of each kind per engine")
	loads := flags.Int("loads", 10, "fresh page loads for the ready time")
	calls := flags.Int("calls", 300, "sequential calls of each kind for the per-call figure")
	burst := flags.Int("burst", 1000, "concurrent calls")
	memCalls := flags.Int("memory-calls", 10000, "sequential calls for the memory figure")
	proxyCalls := flags.Int("proxy-calls", 300, "sequential calls through each deployment of the proxy")
	clients := flags.Int("clients", 100_000, "distinct client addresses for the proxy's throughput")
	err := flags.Parse(args)
	if err != nil {
		return err
	}
	f := Figures{Date: time.Now().UTC().Format("2006-01-02"), Cores: runtime.NumCPU(), Burst: *burst, MemCalls: *memCalls, ProxyCalls: *proxyCalls}
	// brotli -q 11 takes about 20 s a module: both at once.
	minErr := make(chan error, 1)
	go func() {
		var err error
		f.MinRaw, f.MinGzip, f.MinBrotli, err = sizes(*minimal)
		minErr <- err
	}()
	if f.WasmRaw, f.WasmGzip, f.WasmBrotli, err = sizes(filepath.Join(*web, devserver.WasmFile)); err != nil {
		return err
	}
	if err := <-minErr; err != nil {
		return err
	}

	handler, err := devserver.New(devserver.Config{Dir: *web, Mock: true})
	if err != nil {
		return err
	}
	// The minimal client lives under /bench/minimal/ on the same origin, so
	// the module's page can load it beside the module for the per-call floor.
	mux := http.NewServeMux()
	mux.Handle("/", handler)
	mux.Handle("/bench/minimal/", http.StripPrefix("/bench/minimal/", http.FileServer(http.Dir(*minimalPage))))
	mux.HandleFunc("/bench/minimal/minimal.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		http.ServeFile(w, r, *minimal)
	})
	reports := make(chan engineReport, 16)
	mux.Handle("GET /bench/engines/", http.StripPrefix("/bench/engines/", http.FileServer(http.Dir(*enginePage))))
	mux.HandleFunc("POST /bench/engines/report", func(w http.ResponseWriter, r *http.Request) {
		var rep engineReport
		if err := json.NewDecoder(r.Body).Decode(&rep); err == nil {
			reports <- rep
		}
	})
	mux.HandleFunc("/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(*web, "wasm_exec.js"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	chromium, cancel, err := browser.Start()
	if err != nil {
		return fmt.Errorf("headless Chromium cannot run: %w", err)
	}
	defer cancel()
	f.Browser = browserVersion()

	ready, err := readyTime(chromium, srv.URL+"/", "sipgate", *loads)
	if err != nil {
		return fmt.Errorf("ready time: %w", err)
	}
	f.LoadStartMs, f.CompileMs, f.StartMs, f.ReadyMs = ready[0], ready[1], ready[2], ready[3]
	if ready, err = readyTime(chromium, srv.URL+"/bench/minimal/", "minimal", *loads); err != nil {
		return fmt.Errorf("ready time of the minimal client: %w", err)
	}
	f.MinReadyMs, f.MinPhases = ready[3], [3]float64{ready[0], ready[1], ready[2]}
	tab, cancelTab := chromedp.NewContext(chromium)
	defer cancelTab()
	if err := chromedp.Do(tab, browser.Observe(), noNetworkRecording(), chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`)),
		chromedp.Evaluate[chromedp.Void](setup(srv.URL)),
		chromedp.Evaluate[chromedp.Void](`loadMinimal()`, chromedp.EvalAwaitPromise)); err != nil {
		return err
	}
	if err := perCall(tab, *calls, &f); err != nil {
		return fmt.Errorf("per call: %w", err)
	}
	if err := concurrent(tab, &f); err != nil {
		return fmt.Errorf("concurrent: %w", err)
	}
	for _, e := range []string{"chromium", string(browser.Firefox), string(browser.WebKit)} {
		ef, err := engineBench(chromium, e, srv.URL, *engineLoads, *engineCalls, reports)
		if err != nil {
			return fmt.Errorf("%s: %w", e, err)
		}
		f.Engines = append(f.Engines, ef)
	}
	if err := proxies(ctx, &f); err != nil {
		return fmt.Errorf("proxies: %w", err)
	}
	if err := throughput(&f, *clients); err != nil {
		return fmt.Errorf("throughput: %w", err)
	}
	if err := memory(tab, &f); err != nil {
		return fmt.Errorf("memory: %w", err)
	}

	printTable(stdout, &f)
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}

// sizes reads a module's size as served: raw, gzip -9 (the standard
// library) and brotli -q 11 (the brotli tool, when installed).
func sizes(path string) (raw, gz, br int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%w: run `make bench`, which builds it first", err)
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	if out, err := exec.Command("brotli", "-q", "11", "-c", path).Output(); err == nil {
		br = len(out)
	}
	return len(b), buf.Len(), br, nil
}

// readyTime loads a page in a fresh browser context each time (an empty
// cache, like a first visit) and reads, from the page's performance marks
// (prefix-load, prefix-compiled, prefix-ready), how long after navigation
// start the page began loading its module, had it compiled, and had it
// running. It returns the median of each phase and of the total.
func readyTime(chromium context.Context, url, prefix string, loads int) ([4]float64, error) {
	var load, compiled, started, total []float64
	for i := 0; i < loads; i++ {
		tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
		marks, err := chromedp.Run(tab, func(ctx context.Context, t *chromedp.Target) ([]float64, error) {
			if err := chromedp.Do(ctx, noNetworkRecording(), chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`))); err != nil {
				return nil, err
			}
			return chromedp.Evaluate[[]float64](`["load", "compiled", "ready"].map(n => performance.getEntriesByName(`+quote(prefix+"-")+` + n)[0].startTime)`)(ctx, t)
		})
		cancel()
		if err != nil {
			return [4]float64{}, err
		}
		load, compiled = append(load, marks[0]), append(compiled, marks[1]-marks[0])
		started, total = append(started, marks[2]-marks[1]), append(total, marks[2])
	}
	// The total is its own median, not the sum of the phases' medians.
	return [4]float64{median(load), median(compiled), median(started), median(total)}, nil
}

// noNetworkRecording turns off the DevTools network log that chromedp
// switches on for every tab. With it on, the browser keeps a copy of every
// response for DevTools, the 9 MB module included; a visitor's browser does
// not, and the figures are meant to be theirs. It applies to our calls and
// the plain-JavaScript ones alike.
func noNetworkRecording() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.Disable, cdp.Empty{})
		return err
	})
}

// setup defines, in the page, the plain-JavaScript call a user would
// otherwise write, and timing helpers for both kinds of call.
func setup(origin string) string {
	return `
const base = ` + quote(origin+"/v2") + `;
const user = ` + quote(mockapi.DemoUser) + `, pass = ` + quote(mockapi.DemoPassword) + `;
globalThis.plainCall = async () => {
	const r = await fetch(base + "/account", {
		headers: {Authorization: "Basic " + btoa(user + ":" + pass), Accept: "application/json"},
		credentials: "omit", redirect: "error",
	});
	const body = await r.text();
	return {ok: r.ok, status: r.status, body, account: r.ok ? JSON.parse(body) : null};
};
globalThis.ourCall = () => fetchAccount(user, pass, {baseURL: base});
globalThis.minimalCall = async () => {
	const r = await minimalGet(base + "/account", "Basic " + btoa(user + ":" + pass));
	return {ok: r.status === 200};
};
globalThis.loadMinimal = async () => {
	const go = new Go();
	const {instance} = await WebAssembly.instantiateStreaming(fetch("/bench/minimal/minimal.wasm"), go.importObject);
	go.run(instance);
};
globalThis.timeEach = async (fn, n) => {
	const times = [];
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		const r = await fn();
		times.push(performance.now() - t0);
		if (!r.ok) throw new Error("call failed: " + r.status);
	}
	return times;
};
globalThis.timeBurst = async (fn, n) => {
	const t0 = performance.now();
	const rs = await Promise.all(Array.from({length: n}, fn));
	if (rs.some(r => !r.ok)) throw new Error("a call failed");
	return performance.now() - t0;
};
void 0;`
}

// browserVersion asks the binary; the user agent string shows only the
// major version.
func browserVersion() string {
	path, err := browser.Path()
	if err != nil {
		return "unknown"
	}
	v, err := exec.Command(path, "--version").Output()
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(v))
	if len(fields) >= 2 {
		return fields[0] + " " + fields[1]
	}
	return strings.TrimSpace(string(v))
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// perCall interleaves blocks of our calls, plain calls and the minimal Go
// client's calls, so that drift of the machine falls on all alike.
func perCall(tab context.Context, calls int, f *Figures) error {
	const block = 25
	kinds := []string{"ourCall", "plainCall", "minimalCall"}
	times := make([][]float64, len(kinds))
	for _, k := range kinds {
		if _, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](fmt.Sprintf("timeEach(%s, 20)", k), chromedp.EvalAwaitPromise)); err != nil {
			return err // warm-up
		}
	}
	for len(times[0]) < calls {
		n := min(block, calls-len(times[0]))
		for i, k := range kinds {
			t, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](fmt.Sprintf("timeEach(%s, %d)", k, n), chromedp.EvalAwaitPromise))
			if err != nil {
				return err
			}
			times[i] = append(times[i], t...)
		}
	}
	f.CallMs, f.PlainCallMs, f.MinCallMs = median(times[0]), median(times[1]), median(times[2])
	f.CallRatio = f.CallMs / f.PlainCallMs
	return nil
}

// concurrent times bursts of calls at once, ours and plain in turn, three
// rounds each, and keeps the medians.
func concurrent(tab context.Context, f *Figures) error {
	var ours, plain []float64
	for i := 0; i < 3; i++ {
		o, err := chromedp.Run(tab, chromedp.Evaluate[float64](fmt.Sprintf("timeBurst(ourCall, %d)", f.Burst), chromedp.EvalAwaitPromise))
		if err != nil {
			return err
		}
		p, err := chromedp.Run(tab, chromedp.Evaluate[float64](fmt.Sprintf("timeBurst(plainCall, %d)", f.Burst), chromedp.EvalAwaitPromise))
		if err != nil {
			return err
		}
		ours, plain = append(ours, o), append(plain, p)
	}
	f.BurstMs, f.PlainBurstMs = median(ours), median(plain)
	f.BurstRatio = f.BurstMs / f.PlainBurstMs
	return nil
}

type engineReport struct {
	Engine  string  `json:"engine"`
	Run     int     `json:"run"`
	Ready   float64 `json:"ready"`
	CallMs  float64 `json:"callMs"`
	PlainMs float64 `json:"plainMs"`
	Final   bool    `json:"final"`
	Error   string  `json:"error"`
}

// engineBench points one engine at bench/engines and collects its reports:
// a ready time per load, and the per-call medians at the end.
func engineBench(chromium context.Context, engine, origin string, loads, calls int, reports <-chan engineReport) (EngineFigures, error) {
	url := fmt.Sprintf("%s/bench/engines/?engine=%s&run=1&runs=%d&calls=%d", origin, engine, loads, calls)
	var stop func()
	if engine == "chromium" {
		tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
		if err := chromedp.Do(tab, noNetworkRecording(), chromedp.Navigate(url)); err != nil {
			cancel()
			return EngineFigures{}, err
		}
		stop = cancel
	} else {
		dir, err := os.MkdirTemp("", "bench-"+engine+"-")
		if err != nil {
			return EngineFigures{}, err
		}
		defer os.RemoveAll(dir)
		p, err := browser.Open(browser.Engine(engine), url, dir)
		if err != nil {
			return EngineFigures{}, err
		}
		stop = p.Stop
	}
	defer stop()
	ef := EngineFigures{Engine: engine, Version: engineVersion(engine), Loads: loads}
	var ready []float64
	timeout := time.After(5 * time.Minute)
	for {
		select {
		case rep := <-reports:
			if rep.Engine != engine {
				continue
			}
			if rep.Error != "" {
				return ef, errors.New(rep.Error)
			}
			ready = append(ready, rep.Ready)
			if rep.Final {
				ef.ReadyMs, ef.CallMs, ef.PlainCallMs = median(ready), rep.CallMs, rep.PlainMs
				return ef, nil
			}
		case <-timeout:
			return ef, errors.New("no report within 5 minutes")
		}
	}
}

// engineVersion asks the engine's package or binary.
func engineVersion(engine string) string {
	var out []byte
	switch engine {
	case "chromium":
		return browserVersion()
	case "firefox":
		out, _ = exec.Command("firefox-esr", "--version").Output()
	case "webkit":
		out, _ = exec.Command("dpkg-query", "-W", "-f=WebKitGTK ${Version}", "libwebkit2gtk-4.1-0").Output()
	}
	return strings.TrimSpace(strings.TrimPrefix(string(out), "Mozilla "))
}

// proxies times what each deployment of the same-origin proxy adds to a
// call: the fake API direct, through cmd/serve -proxy's handler, and through
// the Worker in workerd, in interleaved blocks.
func proxies(ctx context.Context, f *Figures) error {
	api := httptest.NewServer(mockapi.Handler(mockapi.Config{NoCORS: true}))
	defer api.Close()
	proxy, err := apiproxy.New(apiproxy.Config{Upstream: api.URL, Limit: 1 << 30})
	if err != nil {
		return err
	}
	serve := httptest.NewServer(proxy)
	defer serve.Close()
	worker, err := workerd.Start(ctx, workerd.Config{Root: ".", Upstream: api.URL, Limit: 1 << 30})
	if err != nil {
		return err
	}
	defer worker.Stop()

	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(base string) (float64, error) {
		req, _ := http.NewRequest("GET", base+"/v2/account", nil)
		req.SetBasicAuth(mockapi.DemoUser, mockapi.DemoPassword)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("%s: HTTP %d", base, resp.StatusCode)
		}
		return float64(time.Since(t0).Microseconds()) / 1000, err
	}
	bases := []string{api.URL, serve.URL, worker.URL}
	times := make([][]float64, len(bases))
	const block = 20
	for round := -1; len(times[0]) < f.ProxyCalls; round++ {
		for i, base := range bases {
			for j := 0; j < block; j++ {
				ms, err := get(base)
				if err != nil {
					return err
				}
				if round >= 0 { // the first round warms up
					times[i] = append(times[i], ms)
				}
			}
		}
	}
	f.DirectMs, f.ServeProxyMs, f.WorkerProxyMs = median(times[0]), median(times[1]), median(times[2])
	return nil
}

// throughput measures cmd/serve's proxy in front of the fake API, all over
// loopback, with 8 keep-alive connections: once with every request from one
// client, once with each request from a new one, so that the rate limit's
// store holds (and past its bound, evicts) that many clients. The limit
// itself is set too high to refuse anything. The client comes from a
// header, as on Cloudflare, since loopback has one address.
func throughput(f *Figures, clients int) error {
	api := httptest.NewServer(mockapi.Handler(mockapi.Config{NoCORS: true}))
	defer api.Close()
	const conns = 8
	measure := func(clientOf func(i int) string) (float64, error) {
		proxy, err := apiproxy.New(apiproxy.Config{Upstream: api.URL, Limit: 1 << 30,
			ClientIP: func(r *http.Request) string { return r.Header.Get("X-Client") }})
		if err != nil {
			return 0, err
		}
		srv := httptest.NewServer(proxy)
		defer srv.Close()
		client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: conns}}
		defer client.CloseIdleConnections()
		auth := sipgateBasic()
		var next atomic.Int64
		errc := make(chan error, conns)
		t0 := time.Now()
		for c := 0; c < conns; c++ {
			go func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= clients {
						errc <- nil
						return
					}
					req, _ := http.NewRequest("GET", srv.URL+"/v2/account", nil)
					req.Header.Set("Authorization", auth)
					req.Header.Set("X-Client", clientOf(i))
					resp, err := client.Do(req)
					if err != nil {
						errc <- err
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						errc <- fmt.Errorf("request %d: HTTP %d", i, resp.StatusCode)
						return
					}
				}
			}()
		}
		for c := 0; c < conns; c++ {
			if err := <-errc; err != nil {
				return 0, err
			}
		}
		return float64(clients) / time.Since(t0).Seconds(), nil
	}
	f.ThroughputClients = clients
	var err error
	if f.ThroughputOne, err = measure(func(int) string { return "192.0.2.1" }); err != nil {
		return err
	}
	// 10.0.0.0/8 holds 16 million addresses: one each.
	f.ThroughputMany, err = measure(func(i int) string {
		return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	})
	return err
}

func sipgateBasic() string { return sipgate.BasicAuth(mockapi.DemoUser, mockapi.DemoPassword) }

// memory reads the module's linear memory and the page's JS heap (after a
// garbage collection) before and after many sequential calls.
func memory(tab context.Context, f *Figures) error {
	type reading struct {
		linear int
		heap   float64
	}
	measure := func() (int, float64, error) {
		r, err := chromedp.Run(tab, func(ctx context.Context, t *chromedp.Target) (reading, error) {
			if _, err := cdp.Call(ctx, t, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
				return reading{}, err
			}
			heap, err := cdp.Call(ctx, t, cdpruntime.GetHeapUsage, cdp.Empty{})
			if err != nil {
				return reading{}, err
			}
			linear, err := chromedp.Evaluate[int](`__wasmMemoryBytes()`, chromedp.EvalAwaitPromise)(ctx, t)
			return reading{linear, heap.UsedSize}, err
		})
		return r.linear, r.heap, err
	}
	var err error
	if f.LinearBefore, f.HeapBefore, err = measure(); err != nil {
		return err
	}
	if _, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](fmt.Sprintf("timeEach(ourCall, %d).then(() => [])", f.MemCalls), chromedp.EvalAwaitPromise)); err != nil {
		return err
	}
	f.LinearAfter, f.HeapAfter, err = measure()
	return err
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func printTable(w io.Writer, f *Figures) {
	mb := func(n int) string { return fmt.Sprintf("%.2f MB (%d B)", float64(n)/1e6, n) }
	rows := [][2]string{
		{"date / browser / cores", fmt.Sprintf("%s / %s / %d", f.Date, f.Browser, f.Cores)},
		{".wasm raw", mb(f.WasmRaw)},
		{".wasm gzip -9", mb(f.WasmGzip)},
		{".wasm brotli -q 11", mb(f.WasmBrotli)},
		{"ready time (median of fresh loads)", fmt.Sprintf("%.1f ms", f.ReadyMs)},
		{"… page until module load starts / download+compile / Go start", fmt.Sprintf("%.1f ms / %.1f ms / %.1f ms", f.LoadStartMs, f.CompileMs, f.StartMs)},
		{"per call: fetchAccount / plain JS (median)", fmt.Sprintf("%.3f ms / %.3f ms = %.2f×", f.CallMs, f.PlainCallMs, f.CallRatio)},
		{"floor, minimal Go net/http client: raw / gzip / brotli", fmt.Sprintf("%s / %s / %s", mb(f.MinRaw), mb(f.MinGzip), mb(f.MinBrotli))},
		{"floor: ready (load starts / download+compile / Go start)", fmt.Sprintf("%.1f ms (%.1f / %.1f / %.1f ms)", f.MinReadyMs, f.MinPhases[0], f.MinPhases[1], f.MinPhases[2])},
		{"floor: per call (plain JS = 1)", fmt.Sprintf("%.3f ms = %.2f×", f.MinCallMs, f.MinCallMs/f.PlainCallMs)},
		{fmt.Sprintf("%d concurrent: ours / plain JS", f.Burst), fmt.Sprintf("%.0f ms / %.0f ms = %.2f×", f.BurstMs, f.PlainBurstMs, f.BurstRatio)},
		{"per call, native client: API direct / via cmd/serve -proxy / via the Worker in workerd (median)", fmt.Sprintf("%.3f ms / %.3f ms (+%.3f) / %.3f ms (+%.3f)",
			f.DirectMs, f.ServeProxyMs, f.ServeProxyMs-f.DirectMs, f.WorkerProxyMs, f.WorkerProxyMs-f.DirectMs)},
		{fmt.Sprintf("cmd/serve -proxy throughput: 1 client / %d clients", f.ThroughputClients), fmt.Sprintf("%.0f / %.0f requests/s = %.0f %%",
			f.ThroughputOne, f.ThroughputMany, 100*f.ThroughputMany/f.ThroughputOne)},
		{fmt.Sprintf("linear memory before / after %d calls", f.MemCalls), fmt.Sprintf("%.1f MiB / %.1f MiB", float64(f.LinearBefore)/(1<<20), float64(f.LinearAfter)/(1<<20))},
		{fmt.Sprintf("JS heap before / after %d calls", f.MemCalls), fmt.Sprintf("%.1f MiB / %.1f MiB", f.HeapBefore/(1<<20), f.HeapAfter/(1<<20))},
	}
	defer func() {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| engine | ready (bench page, median of loads) | per call: fetchAccount / plain JS (median of blocks of 25) |")
		fmt.Fprintln(w, "| --- | --- | --- |")
		for _, e := range f.Engines {
			fmt.Fprintf(w, "| %s | %.1f ms (%d loads) | %.3f ms / %.3f ms = %.2f× |\n", e.Version, e.ReadyMs, e.Loads, e.CallMs, e.PlainCallMs, e.CallMs/e.PlainCallMs)
		}
	}()
	fmt.Fprintln(w, "| figure | value |")
	fmt.Fprintln(w, "| --- | --- |")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s |\n", r[0], strings.ReplaceAll(r[1], "|", "/"))
	}
}
