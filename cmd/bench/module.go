package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The module's own figures: size, start-up, calls and memory.

// sizes reads a module's size as served: raw, and its gzip -9 and brotli
// -q 11 copies beside it (cmd/precompress writes them: make build for the
// module, make bench for the floor), the very bytes a browser downloads.
func sizes(path string) (Sizes, error) {
	var n [3]int
	for i, p := range []string{path, path + ".gz", path + ".br"} {
		info, err := os.Stat(p)
		if err != nil {
			return Sizes{}, fmt.Errorf("%w: run `make bench`, which builds it and its copies first", err)
		}
		n[i] = int(info.Size())
	}
	return Sizes{Raw: n[0], Gzip: n[1], Brotli: n[2]}, nil
}

// readMarks reads the page's start-up marks (prefix-load, -compiled,
// -ready) as milliseconds after navigation start.
func readMarks(ctx context.Context, t *chromedp.Target, prefix string) ([]float64, error) {
	return chromedp.Evaluate[[]float64](`["load", "compiled", "ready"].map(n => performance.getEntriesByName(`+
		quote(prefix+"-")+` + n)[0].startTime)`)(ctx, t)
}

// readyTime loads a page in a fresh browser context each time (an empty
// cache, like a first visit) and returns the median of each phase and of
// the total, and the waterfall of the load nearest the median.
func readyTime(chromium context.Context, url, prefix string, loads int) (Ready, error) {
	var load, compiled, started, total []float64
	var falls [][]Request
	for i := 0; i < loads; i++ {
		tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
		var fall []Request
		marks, err := chromedp.Run(tab, func(ctx context.Context, t *chromedp.Target) ([]float64, error) {
			if err := chromedp.Do(ctx, noNetworkRecording(), chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`))); err != nil {
				return nil, err
			}
			var err error
			if fall, err = waterfall()(ctx, t); err != nil {
				return nil, err
			}
			return readMarks(ctx, t, prefix)
		})
		cancel()
		if err != nil {
			return Ready{}, err
		}
		load, compiled = append(load, marks[0]), append(compiled, marks[1]-marks[0])
		started, total = append(started, marks[2]-marks[1]), append(total, marks[2])
		falls = append(falls, fall)
	}
	// The total is its own median, not the sum of the phases' medians.
	r := Ready{LoadStartMs: median(load), CompileMs: median(compiled), StartMs: median(started), TotalMs: median(total)}
	// The load nearest the median (with an even count, the median lies
	// between two).
	nearest := 0
	for i, t := range total {
		if math.Abs(t-r.TotalMs) < math.Abs(total[nearest]-r.TotalMs) {
			nearest = i
		}
	}
	r.Waterfall = falls[nearest]
	return r, nil
}

// waterfall reads a page's start-up as it saw it: the page, each file
// (Resource Timing), its marks (the loader's sipgate-load, -compiled and
// -ready among them), and, where a mark carries one, the module thread's
// own timeline (a worker's requests are not in the page's Resource Timing).
func waterfall() chromedp.Action[[]Request] {
	return chromedp.Evaluate[[]Request](`(() => {
		const marks = performance.getEntriesByType("mark");
		const timeline = marks.find((m) => m.detail?.timeline)?.detail.timeline ?? {};
		return [
			...performance.getEntriesByType("navigation").flatMap((e) => [{name: "(the page)", startMs: e.startTime, endMs: e.responseEnd},
				{name: "(the page: parsed)", startMs: e.domInteractive, endMs: e.domInteractive},
				{name: "(the page: its deferred scripts ran)", startMs: e.domContentLoadedEventStart, endMs: e.domContentLoadedEventStart}]),
			...performance.getEntriesByType("resource").map((e) => ({name: new URL(e.name).pathname, startMs: e.startTime, endMs: e.responseEnd})),
			...marks.map((e) => ({name: "(mark " + e.name + ")", startMs: e.startTime, endMs: e.startTime})),
			...Object.entries(timeline).map(([k, t]) => ({name: "(module thread: " + k + ")", startMs: t - performance.timeOrigin, endMs: t - performance.timeOrigin})),
		].sort((a, b) => a.startMs - b.startMs);
	})()`)
}

// counted counts the requests a server answers and the body bytes it sends.
type counted struct {
	next            http.Handler
	requests, bytes atomic.Int64
}

func (c *counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.requests.Add(1)
	c.next.ServeHTTP(&countingWriter{w, &c.bytes}, r)
}

func (c *counted) reset() { c.requests.Store(0); c.bytes.Store(0) }

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return w.ResponseWriter.Write(p)
}

func (w *countingWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// warmReady loads the page twice in one fresh browser context and times
// the second load: the HTTP cache and the browser's compiled-code cache at
// work, under the server's cache policy. It returns the median ready time
// of the repeat visits and what they asked of the server.
func warmReady(chromium context.Context, url string, server *counted, loads int) (ms float64, requests, bodyBytes int, err error) {
	var times []float64
	for i := 0; i < loads; i++ {
		tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
		marks, err := chromedp.Run(tab, func(ctx context.Context, t *chromedp.Target) ([]float64, error) {
			ready := chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`))
			if err := chromedp.Do(ctx, noNetworkRecording(), chromedp.Navigate(url), ready); err != nil {
				return nil, err
			}
			server.reset()
			if err := chromedp.Do(ctx, chromedp.Navigate(url), ready); err != nil {
				return nil, err
			}
			return readMarks(ctx, t, "sipgate")
		})
		cancel()
		if err != nil {
			return 0, 0, 0, err
		}
		times = append(times, marks[2])
	}
	return median(times), int(server.requests.Load()), int(server.bytes.Load()), nil
}

// noNetworkRecording turns off the DevTools network log that chromedp
// switches on for every tab. With it on, the browser keeps a copy of every
// response for DevTools, the 9 MB module included; a visitor's browser does
// not, and the figures are meant to be theirs.
func noNetworkRecording() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.Disable, cdp.Empty{})
		return err
	})
}

// perCall times the kinds of call one call each in turn, round after
// round, each round in the order of a row of a balanced Latin square: no
// kind always runs first, nor always right after the same other kind (a
// call runs slower after another thread's call, the floor's Worker after
// the page's Go, say), and the machine's drift falls on every kind alike,
// call by call. Blocks of one kind, tried before, let a slow stretch of the
// machine land on one kind's block: the same build read 1.02× and 1.08×.
func perCall(tab context.Context, calls int) (Calls, error) {
	kinds := []string{"ourCall", "plainCall", "minimalCall", "minimalWorkerCall", "moduleWorkerCall", "minimalTwinCall"}
	for _, k := range kinds {
		if _, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](fmt.Sprintf("timeEach(%s, 150)", k), chromedp.EvalAwaitPromise)); err != nil {
			return Calls{}, err // warm-up
		}
	}
	orders := balanced(len(kinds))
	times := make([][]float64, len(kinds))
	const chunk = 50 // rounds a script runs
	for r := 0; r < calls; r += chunk {
		var rows [][]int
		for i := r; i < min(r+chunk, calls); i++ {
			rows = append(rows, orders[i%len(orders)])
		}
		list, _ := json.Marshal(rows)
		t, err := chromedp.Run(tab, chromedp.Evaluate[[][]float64](fmt.Sprintf("timeRounds([%s], %s)", strings.Join(kinds, ", "), list), chromedp.EvalAwaitPromise))
		if err != nil {
			return Calls{}, err
		}
		for i := range kinds {
			times[i] = append(times[i], t[i]...)
		}
	}
	floor := trimmedMean(times[3])
	return Calls{N: calls, OursMs: median(times[0]), PlainMs: median(times[1]), FloorMs: median(times[2]),
		FloorWorkerMs: median(times[3]), WorkerRatio: trimmedMean(times[0]) / floor,
		ModuleWorkerMs: median(times[4]), ModuleWorkerRatio: trimmedMean(times[4]) / floor,
		TwinRatio: trimmedMean(times[5]) / floor, MeanRatio: mean(times[0]) / mean(times[3])}, nil
}

// trimmedMean is the mean of v without its lowest and highest 5 %. A
// stall of the machine (a few ms to tens) lands on one call of one kind;
// with the tails cut, the floor against a second copy of itself reads
// within 1 %, against 2 % for the plain mean.
func trimmedMean(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	cut := len(s) / 20
	return mean(s[cut : len(s)-cut])
}

// balanced returns the orders of a Williams design for n items: orders of
// 0…n-1 in which every item runs first equally often and follows every
// other item equally often (n orders for an even n; for an odd n, 2n: the
// square and its mirror).
func balanced(n int) [][]int {
	first := make([]int, n)
	for j, lo, hi := 0, 0, n-1; j < n; j++ {
		if j%2 == 0 {
			first[j], lo = lo, lo+1
		} else {
			first[j], hi = hi, hi-1
		}
	}
	// first is 0, n-1, 1, n-2, …; each row adds its index to it.
	var rows [][]int
	for r := 0; r < n; r++ {
		row := make([]int, n)
		for j, v := range first {
			row[j] = (v + r) % n
		}
		rows = append(rows, row)
	}
	if n%2 == 1 {
		for _, row := range rows[:n] {
			mirror := make([]int, n)
			for j, v := range row {
				mirror[n-1-j] = v
			}
			rows = append(rows, mirror)
		}
	}
	return rows
}

func mean(v []float64) float64 {
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// idle times the first call after the page sat idle for two seconds, ours
// and the floor's in a Worker in turn (the order turning round each
// round): a visitor's call comes after a pause, when timers and caches
// may have gone cold.
func idle(tab context.Context, c *Calls, rounds int) error {
	kinds := []string{"ourCall", "minimalWorkerCall"}
	var ours, floor, ratios []float64
	for r := 0; r < rounds; r++ {
		var got [2]float64
		for j := range kinds {
			i := (j + r) % len(kinds)
			t, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](
				fmt.Sprintf("new Promise((r) => setTimeout(r, 2000)).then(() => timeEach(%s, 1))", kinds[i]), chromedp.EvalAwaitPromise))
			if err != nil {
				return err
			}
			got[i] = t[0]
		}
		ours, floor, ratios = append(ours, got[0]), append(floor, got[1]), append(ratios, got[0]/got[1])
	}
	c.IdleRounds, c.IdleOursMs, c.IdleFloorWorkerMs, c.IdleRatio = rounds, median(ours), median(floor), median(ratios)
	return nil
}

// concurrent times bursts of calls at once, ours and plain in turn, three
// rounds each, and keeps the medians.
func concurrent(tab context.Context, c *Calls) error {
	var ours, plain []float64
	for i := 0; i < 3; i++ {
		o, err := chromedp.Run(tab, chromedp.Evaluate[float64](fmt.Sprintf("timeBurst(ourCall, %d)", c.Burst), chromedp.EvalAwaitPromise))
		if err != nil {
			return err
		}
		p, err := chromedp.Run(tab, chromedp.Evaluate[float64](fmt.Sprintf("timeBurst(plainCall, %d)", c.Burst), chromedp.EvalAwaitPromise))
		if err != nil {
			return err
		}
		ours, plain = append(ours, o), append(plain, p)
	}
	c.BurstMs, c.PlainBurstMs = median(ours), median(plain)
	return nil
}

// memory reads the module's linear memory and the page's JS heap (after a
// garbage collection) before and after many sequential calls.
func memory(tab context.Context, m *Memory) error {
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
	if m.LinearBefore, m.HeapBefore, err = measure(); err != nil {
		return err
	}
	if _, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](fmt.Sprintf("timeEach(ourCall, %d).then(() => [])", m.Calls), chromedp.EvalAwaitPromise)); err != nil {
		return err
	}
	m.LinearAfter, m.HeapAfter, err = measure()
	return err
}
