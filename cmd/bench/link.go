package main

import (
	"context"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
)

// A first visit on a mobile link: the page is opened and the demo login
// submitted as soon as the form takes it; the figure is the time from
// navigation to the answer on the page.
//
// The link is emulated by the server, not by DevTools: DevTools' network
// conditions do not reach the module's fetch in its worker. Every answer
// waits one round trip before its first byte, and all answers share the
// link's rate.

// link is a server's side of an emulated link.
type link struct {
	next        http.Handler
	rtt         time.Duration
	bytesPerSec float64

	mu   sync.Mutex
	free time.Time // when the link is free for the next bytes
}

func newLink(next http.Handler, mbps float64, rtt time.Duration) *link {
	return &link{next: next, rtt: rtt, bytesPerSec: mbps * 1e6 / 8}
}

func (l *link) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(l.rtt) // the request's way there and the answer's first byte back
	l.next.ServeHTTP(&pacedWriter{ResponseWriter: w, l: l}, r)
}

// reserve books n bytes on the link and says when they have gone through.
func (l *link) reserve(n int) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := time.Now()
	if l.free.After(start) {
		start = l.free
	}
	l.free = start.Add(time.Duration(float64(n) / l.bytesPerSec * float64(time.Second)))
	return l.free
}

type pacedWriter struct {
	http.ResponseWriter
	l *link
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		n := min(len(b), 16<<10)
		time.Sleep(time.Until(p.l.reserve(n)))
		m, err := p.ResponseWriter.Write(b[:n])
		written += m
		if err != nil {
			return written, err
		}
		http.NewResponseController(p.ResponseWriter).Flush()
		b = b[n:]
	}
	return written, nil
}

func (p *pacedWriter) Flush() { http.NewResponseController(p.ResponseWriter).Flush() }

// firstAnswer opens url in tab, submits the demo login as soon as the form
// takes it, and returns the time from navigation to the answer on the page
// (bench/answered.js records it).
func firstAnswer(tab context.Context, url string) (float64, error) {
	return chromedp.Run(tab, func(ctx context.Context, t *chromedp.Target) (float64, error) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.CSS(`#submit:not([disabled])`)),
			chromedp.SendKeys(chromedp.CSS(`#username`), fakeapi.DemoUser),
			chromedp.SendKeys(chromedp.CSS(`#password`), fakeapi.DemoPassword+"\r"),
			chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"]`)),
		)
		if err != nil {
			return 0, err
		}
		return chromedp.Evaluate[float64](`__answeredAt`)(ctx, t)
	})
}

// answeredScript installs bench/answered.js in every page the tab opens.
func answeredScript(path string) (chromedp.Action[chromedp.Void], error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: string(src)})
		return err
	}), nil
}

// startup is when the module was ready, and how many bytes it came in.
type startup struct {
	Ready   float64 `json:"ready"`
	Encoded float64 `json:"encoded"`
}

// linkVisits measures, on the emulated link, the first visit of the page
// with the module (ours) and of the plain-JavaScript page (plain), then a
// repeat visit of ours with the files revalidated and with them kept; each
// the median of its loads, each first visit in a fresh browser context.
func linkVisits(chromium context.Context, oursServer, keptServer *counted, ours, plain, kept, answered string, loads int, l *Link) error {
	mark, err := answeredScript(answered)
	if err != nil {
		return err
	}
	var o, p, ready, transfer, warmRevalidated, warmKept []float64
	for i := 0; i < loads; i++ {
		for _, visit := range []struct {
			url          string
			first, again *[]float64
		}{
			{ours, &o, &warmRevalidated},
			{kept, nil, &warmKept},
			{plain, &p, nil},
		} {
			tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
			err := chromedp.Do(tab, noNetworkRecording(), mark)
			oursServer.reset()
			keptServer.reset()
			ms, err2 := firstAnswer(tab, visit.url)
			if visit.url == ours {
				l.FirstRequests, l.FirstBytes = int(oursServer.requests.Load()), int(oursServer.bytes.Load())
			}
			if err == nil {
				err = err2
			}
			if err == nil && visit.first != nil {
				*visit.first = append(*visit.first, ms)
			}
			if err == nil && visit.url == ours {
				var d startup
				d, err = chromedp.Run(tab, chromedp.Evaluate[startup](`({ready: performance.getEntriesByName("sipgate-ready")[0].startTime, `+
					`encoded: performance.getEntriesByName("sipgate-compiled")[0].detail.encodedBytes})`))
				ready = append(ready, d.Ready)
				l.Waterfall, err = chromedp.Run(tab, waterfall())
				transfer = append(transfer, d.Encoded/(l.DownMbps*1e6/8)*1000)
			}
			if err == nil && visit.again != nil {
				oursServer.reset()
				keptServer.reset()
				if ms, err = firstAnswer(tab, visit.url); err == nil {
					*visit.again = append(*visit.again, ms)
				}
				if visit.url == ours {
					l.WarmRevalidatedRequests = int(oursServer.requests.Load())
				} else {
					l.WarmKeptRequests = int(keptServer.requests.Load())
				}
			}
			cancel()
			if err != nil {
				return err
			}
		}
	}
	l.OursMs, l.PlainMs, l.ReadyMs, l.TransferMs = median(o), median(p), median(ready), median(transfer)
	l.WarmRevalidatedMs, l.WarmKeptMs = median(warmRevalidated), median(warmKept)
	return nil
}

// firstVisits is the median first answer of first visits of url, each in
// a fresh browser context, and what the last one asked of server.
func firstVisits(chromium context.Context, server *counted, url, answered string, loads int) (ms float64, requests, bytes int, err error) {
	mark, err := answeredScript(answered)
	if err != nil {
		return 0, 0, 0, err
	}
	var all []float64
	for i := 0; i < loads; i++ {
		tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
		err := chromedp.Do(tab, noNetworkRecording(), mark)
		server.reset()
		var m float64
		if err == nil {
			m, err = firstAnswer(tab, url)
		}
		requests, bytes = int(server.requests.Load()), int(server.bytes.Load())
		cancel()
		if err != nil {
			return 0, 0, 0, err
		}
		all = append(all, m)
	}
	return median(all), requests, bytes, nil
}
