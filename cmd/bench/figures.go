package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Figures is what one run measured.
type Figures struct {
	Date    string `json:"date"`
	Browser string `json:"browser"`
	Cores   int    `json:"cores"`
	// The module, and the floor it is compared with: bench/minimalclient,
	// the smallest Go net/http client, built with the module's flags and
	// measured the same way (on the page's thread, with script tags).
	Module Sizes `json:"module"`
	Floor  Sizes `json:"floor"`
	// Start-up on loopback, median of fresh loads (an empty cache).
	Ready      Ready `json:"ready"`
	FloorReady Ready `json:"floorReady"`
	// A repeat visit: the same page loaded again in the same browser, with
	// the files revalidated (no-cache and an ETag, what cmd/serve sends) or
	// kept (max-age with immutable, for content-hashed file names).
	Warm Warm `json:"warm"`
	// Calls from a page, ours against plain JavaScript and the floor.
	Calls Calls `json:"calls"`
	// The module's linear memory and the page's JS heap around many calls.
	Memory Memory `json:"memory"`
	// The same in-page bench in every engine (bench/engines).
	Engines []EngineFigures `json:"engines"`
	// What the same-origin proxies add, and what cmd/serve's proxy takes.
	Proxy Proxy `json:"proxy"`
	// A first visit over an emulated mobile link, the form submitted at once.
	Link Link `json:"link"`
	// Lighthouse on the two pages, median of runs.
	Lighthouse []LighthouseFigures `json:"lighthouse"`
}

// Sizes of a module as served: raw, and the gzip -9 and brotli -q 11
// copies a server sends (cmd/precompress).
type Sizes struct {
	Raw    int `json:"rawBytes"`
	Gzip   int `json:"gzipBytes"`
	Brotli int `json:"brotliBytes"`
}

// Ready is start-up from navigation: when the page began loading the
// module, how long download and compile took, how long Go took to start,
// and the total (each a median of its own).
type Ready struct {
	LoadStartMs float64 `json:"loadStartMs"`
	CompileMs   float64 `json:"compileMs"`
	StartMs     float64 `json:"goStartMs"`
	TotalMs     float64 `json:"totalMs"`
	// Waterfall is the load nearest the median, as the page saw it.
	Waterfall []Request `json:"waterfall"`
}

type Warm struct {
	RevalidatedMs float64 `json:"revalidatedMs"`
	KeptMs        float64 `json:"keptMs"`
	// Requests of the repeat visit that went to the server, and their body
	// bytes, under each policy.
	RevalidatedRequests int `json:"revalidatedRequests"`
	RevalidatedBytes    int `json:"revalidatedBytes"`
	KeptRequests        int `json:"keptRequests"`
	KeptBytes           int `json:"keptBytes"`
}

type Calls struct {
	N       int     `json:"calls"`
	OursMs  float64 `json:"oursMedianMs"`
	PlainMs float64 `json:"plainMedianMs"`
	FloorMs float64 `json:"floorMedianMs"`
	// FloorWorkerMs is the floor called in a module Worker with a message
	// a call: the module's own setup, the same boundary crossed.
	FloorWorkerMs float64 `json:"floorWorkerMedianMs"`
	// WorkerRatio is fetchAccount's time against the floor in a Worker:
	// the ratio of their trimmed means (see perCall and trimmedMean; a
	// single call is timed to 0.1 ms only). MeanRatio is the ratio of
	// their plain means, which machine stalls move more; TwinRatio a
	// second floor Worker's trimmed mean against the first's: the noise of
	// the measurement itself.
	WorkerRatio float64 `json:"workerRatio"`
	MeanRatio   float64 `json:"meanRatio"`
	TwinRatio   float64 `json:"twinRatio"`
	// ModuleWorkerMs is the module itself called in such a Worker, with
	// no loader in between, and ModuleWorkerRatio its time against the
	// floor's, as WorkerRatio: the module's own cost per call, apart from
	// the loader's messages.
	ModuleWorkerMs    float64 `json:"moduleWorkerMedianMs"`
	ModuleWorkerRatio float64 `json:"moduleWorkerRatio"`
	// IdleOursMs and IdleFloorWorkerMs are the first call after the page
	// sat idle for two seconds, as a visitor's call is: medians over
	// rounds that turn the order round; IdleRatio the median of the
	// rounds' ratios.
	IdleRounds        int     `json:"idleRounds"`
	IdleOursMs        float64 `json:"idleOursMedianMs"`
	IdleFloorWorkerMs float64 `json:"idleFloorWorkerMedianMs"`
	IdleRatio         float64 `json:"idleRatio"`
	Burst             int     `json:"burstCalls"`
	BurstMs           float64 `json:"burstMs"`
	PlainBurstMs      float64 `json:"plainBurstMs"`
}

type Memory struct {
	Calls        int     `json:"calls"`
	LinearBefore int     `json:"linearBeforeBytes"`
	LinearAfter  int     `json:"linearAfterBytes"`
	HeapBefore   float64 `json:"jsHeapBeforeBytes"`
	HeapAfter    float64 `json:"jsHeapAfterBytes"`
}

// EngineFigures is one engine's start-up and per-call time, measured by
// bench/engines in-page: ready is the median over fresh page loads that
// each load the module from a URL of their own.
type EngineFigures struct {
	Engine  string  `json:"engine"`
	Version string  `json:"version"`
	Loads   int     `json:"loads"`
	ReadyMs float64 `json:"readyMedianMs"`
	// StartMs is load() until the module runs, from a URL of its own (an
	// empty cache); FloorStartMs the floor started in a module Worker the
	// same way, in turn with it.
	StartMs      float64 `json:"startMedianMs"`
	FloorStartMs float64 `json:"floorStartMedianMs"`
	CallMs       float64 `json:"callMedianMs"`
	PlainCallMs  float64 `json:"plainCallMedianMs"`
}

type Proxy struct {
	Calls int `json:"calls"`
	// Medians of sequential GETs of /v2/account from a native client over
	// loopback: the fake API itself, through cmd/serve -proxy, through the
	// Worker in workerd, and through a plain-JavaScript Worker that only
	// forwards (bench/plainworker: what workerd costs any proxying Worker).
	DirectMs      float64 `json:"directMs"`
	ServeMs       float64 `json:"serveProxyMs"`
	WorkerMs      float64 `json:"workerMs"`
	PlainWorkerMs float64 `json:"plainWorkerMs"`
	// workerd's CPU time per request (its process's user and system time
	// over the requests), ours and the plain Worker's.
	WorkerCPUMs      float64 `json:"workerCpuMs"`
	PlainWorkerCPUMs float64 `json:"plainWorkerCpuMs"`
	// cmd/serve -proxy's throughput with every request from one client, and
	// with each from a client of its own (Clients of them).
	ThroughputOne  float64 `json:"throughputOneClientPerSec"`
	ThroughputMany float64 `json:"throughputManyClientsPerSec"`
	Clients        int     `json:"throughputClients"`
}

type Link struct {
	DownMbps float64 `json:"downMbitPerSec"`
	RTTMs    float64 `json:"rttMs"`
	// Navigation to the first answer, the demo login submitted as soon as
	// the form takes it: the page with the module, the plain-JavaScript page.
	OursMs  float64 `json:"oursFirstAnswerMs"`
	PlainMs float64 `json:"plainFirstAnswerMs"`
	// The page with the module over HTTP/2 with TLS, as hosts serve it:
	// one connection, where HTTP/1.1 queues the page's files behind six.
	OursHTTP2Ms               float64 `json:"oursFirstAnswerHTTP2Ms"`
	HTTP2Requests, HTTP2Bytes int
	// The module's transfer alone at the link's rate, and its ready time.
	TransferMs float64 `json:"moduleTransferMs"`
	ReadyMs    float64 `json:"readyMs"`
	// A repeat visit on the same link: first answer, files revalidated or kept.
	WarmRevalidatedMs float64 `json:"warmRevalidatedFirstAnswerMs"`
	WarmKeptMs        float64 `json:"warmKeptFirstAnswerMs"`
	// What the server sent: the first visit's requests and body bytes
	// (the module's once, or twice), and the repeat visits' requests.
	FirstRequests, FirstBytes                 int
	WarmRevalidatedRequests, WarmKeptRequests int
	// Waterfall is the last first visit's requests as the page saw them
	// (Resource Timing; the Worker's own are not the page's to see).
	Waterfall []Request `json:"waterfall"`
}

// Request is one request of a page load: its file and when it started and
// ended, in ms from navigation start.
type Request struct {
	Name    string  `json:"name"`
	StartMs float64 `json:"startMs"`
	EndMs   float64 `json:"endMs"`
}

type LighthouseFigures struct {
	Page          string  `json:"page"`
	Runs          int     `json:"runs"`
	Version       string  `json:"version"`
	Performance   float64 `json:"performance"`
	Accessibility float64 `json:"accessibility"`
	BestPractices float64 `json:"bestPractices"`
	SEO           float64 `json:"seo"`
	CLS           float64 `json:"cls"`
	TBTMs         float64 `json:"tbtMs"`
	LCPMs         float64 `json:"lcpMs"`
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
	ready := func(r Ready) string {
		return fmt.Sprintf("%.1f ms (load starts %.1f / download+compile %.1f / Go start %.1f)", r.TotalMs, r.LoadStartMs, r.CompileMs, r.StartMs)
	}
	c, p, l := f.Calls, f.Proxy, f.Link
	rows := [][2]string{
		{"date / browser / cores", fmt.Sprintf("%s / %s / %d", f.Date, f.Browser, f.Cores)},
		{".wasm raw / gzip -9 / brotli -q 11", fmt.Sprintf("%s / %s / %s", mb(f.Module.Raw), mb(f.Module.Gzip), mb(f.Module.Brotli))},
		{"floor, minimal Go net/http client: raw / gzip / brotli", fmt.Sprintf("%s / %s / %s", mb(f.Floor.Raw), mb(f.Floor.Gzip), mb(f.Floor.Brotli))},
		{"cold ready (median of fresh loads)", ready(f.Ready)},
		{"floor: cold ready", ready(f.FloorReady)},
		{"cold ready / floor", fmt.Sprintf("%.2f×", f.Ready.TotalMs/f.FloorReady.TotalMs)},
		{"warm ready: files revalidated (no-cache, ETag) / kept (immutable)", fmt.Sprintf("%.1f ms (%d requests, %d body bytes) / %.1f ms (%d requests, %d body bytes)",
			f.Warm.RevalidatedMs, f.Warm.RevalidatedRequests, f.Warm.RevalidatedBytes, f.Warm.KeptMs, f.Warm.KeptRequests, f.Warm.KeptBytes)},
		{"per call: fetchAccount / plain JS / floor (median)", fmt.Sprintf("%.3f ms / %.3f ms / %.3f ms = %.2f× / 1 / %.2f×", c.OursMs, c.PlainMs, c.FloorMs, c.OursMs/c.PlainMs, c.FloorMs/c.PlainMs)},
		{"per call: fetchAccount (its Worker) / floor in a Worker: medians; ratio of trimmed means (of plain means)", fmt.Sprintf("%.3f ms / %.3f ms; %.2f× (%.2f×)", c.OursMs, c.FloorWorkerMs, c.WorkerRatio, c.MeanRatio)},
		{"… the module alone in a Worker, no loader / floor in a Worker", fmt.Sprintf("%.3f ms / %.3f ms; %.2f×", c.ModuleWorkerMs, c.FloorWorkerMs, c.ModuleWorkerRatio)},
		{"… a second floor Worker / the floor in a Worker: the measurement's noise", fmt.Sprintf("%.2f×", c.TwinRatio)},
		{fmt.Sprintf("first call after 2 s idle: fetchAccount / floor in a Worker: medians of %d; median ratio", c.IdleRounds), fmt.Sprintf("%.3f ms / %.3f ms; %.2f×", c.IdleOursMs, c.IdleFloorWorkerMs, c.IdleRatio)},
		{fmt.Sprintf("%d concurrent: ours / plain JS", c.Burst), fmt.Sprintf("%.0f ms / %.0f ms = %.2f×", c.BurstMs, c.PlainBurstMs, c.BurstMs/c.PlainBurstMs)},
		{fmt.Sprintf("linear memory before / after %d calls", f.Memory.Calls), fmt.Sprintf("%.1f MiB / %.1f MiB", float64(f.Memory.LinearBefore)/(1<<20), float64(f.Memory.LinearAfter)/(1<<20))},
		{fmt.Sprintf("JS heap before / after %d calls", f.Memory.Calls), fmt.Sprintf("%.1f MiB / %.1f MiB", f.Memory.HeapBefore/(1<<20), f.Memory.HeapAfter/(1<<20))},
		{"per call, native client: API direct / via cmd/serve -proxy", fmt.Sprintf("%.3f ms / %.3f ms (+%.3f)", p.DirectMs, p.ServeMs, p.ServeMs-p.DirectMs)},
		{"… via the Worker in workerd / via a plain-JS forwarding Worker", fmt.Sprintf("%.3f ms (+%.3f) / %.3f ms (+%.3f)", p.WorkerMs, p.WorkerMs-p.DirectMs, p.PlainWorkerMs, p.PlainWorkerMs-p.DirectMs)},
		{"workerd CPU per request: the Worker / plain-JS Worker", fmt.Sprintf("%.2f ms / %.2f ms", p.WorkerCPUMs, p.PlainWorkerCPUMs)},
		{fmt.Sprintf("cmd/serve -proxy throughput: 1 client / %d clients", p.Clients), fmt.Sprintf("%.0f / %.0f requests/s = %.0f %%", p.ThroughputOne, p.ThroughputMany, 100*p.ThroughputMany/p.ThroughputOne)},
		{fmt.Sprintf("first visit, %.0f Mbit/s %.0f ms RTT: first answer, ours / plain JS", l.DownMbps, l.RTTMs), fmt.Sprintf("%.0f ms / %.0f ms (module transfer alone %.0f ms, ready at %.0f ms)", l.OursMs, l.PlainMs, l.TransferMs, l.ReadyMs)},
		{"… the same first visit over HTTP/2 (TLS): first answer, ours (requests, body bytes)", fmt.Sprintf("%.0f ms (%d, %d B)", l.OursHTTP2Ms, l.HTTP2Requests, l.HTTP2Bytes)},
		{"… what the first visit asked of the server: requests, body bytes", fmt.Sprintf("%d, %d B", l.FirstRequests, l.FirstBytes)},
		{"repeat visit on that link: first answer, revalidated / kept (requests)", fmt.Sprintf("%.0f ms / %.0f ms (%d / %d)", l.WarmRevalidatedMs, l.WarmKeptMs, l.WarmRevalidatedRequests, l.WarmKeptRequests)},
	}
	fmt.Fprintln(w, "| figure | value |")
	fmt.Fprintln(w, "| --- | --- |")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s |\n", r[0], strings.ReplaceAll(r[1], "|", "/"))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| engine | ready (bench page, median of loads) | cold start: load() / the floor in a Worker | per call: fetchAccount / plain JS (median of blocks of 25) |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	for _, e := range f.Engines {
		fmt.Fprintf(w, "| %s | %.1f ms (%d loads) | %.1f ms / %.1f ms = %.2f× | %.3f ms / %.3f ms = %.2f× |\n", e.Version, e.ReadyMs, e.Loads,
			e.StartMs, e.FloorStartMs, e.StartMs/e.FloorStartMs, e.CallMs, e.PlainCallMs, e.CallMs/e.PlainCallMs)
	}
	for _, r := range []struct {
		what string
		fall []Request
	}{{"cold ready, `index.html` on loopback (the load nearest the median), as the page saw it", f.Ready.Waterfall},
		{"the floor's cold ready on loopback (the load nearest the median)", f.FloorReady.Waterfall}} {
		if len(r.fall) == 0 {
			continue
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "| %s | start | end |\n", r.what)
		fmt.Fprintln(w, "| --- | ---: | ---: |")
		for _, e := range r.fall {
			fmt.Fprintf(w, "| %s | %.1f ms | %.1f ms |\n", e.Name, e.StartMs, e.EndMs)
		}
	}
	if len(f.Link.Waterfall) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "| first visit on the %.0f Mbit/s, %.0f ms link, as the page saw it | start | end |\n", f.Link.DownMbps, f.Link.RTTMs)
		fmt.Fprintln(w, "| --- | ---: | ---: |")
		for _, r := range f.Link.Waterfall {
			fmt.Fprintf(w, "| %s | %.0f ms | %.0f ms |\n", r.Name, r.StartMs, r.EndMs)
		}
	}
	if len(f.Lighthouse) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "| page (Lighthouse %s, mobile, median of %d) | performance | accessibility | best practices | SEO | CLS | TBT | LCP |\n", f.Lighthouse[0].Version, f.Lighthouse[0].Runs)
		fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- |")
		for _, lh := range f.Lighthouse {
			fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2f | %.2f | %.3f | %.0f ms | %.0f ms |\n", lh.Page, lh.Performance, lh.Accessibility, lh.BestPractices, lh.SEO, lh.CLS, lh.TBTMs, lh.LCPMs)
		}
	}
}
