//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/chromedp/chromedp"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
	"sipgate-account/internal/testkit/workerd"
	"sipgate-account/internal/webserver"
	"sipgate-account/sipgate"
)

// The same-origin proxy: the page and /v2/account on one origin, in front
// of a fake API that sends no CORS headers at all, so that only the proxy
// path can work.

// Proxy limits used by the tests: small, so that the rate limit shows.
const (
	proxyLimit   = 8
	proxyTimeout = 500 * time.Millisecond
)

// upstreamAPI is the fake API without CORS, recording what reaches it. Its
// mode makes /v2/account hang or answer too much.
type upstreamAPI struct {
	*httptest.Server
	requests atomic.Int64
	mode     atomic.Value // "", "hang", "large", "early-hints", "gzip", "deflate", "br", "status999" or "switch"
	mu       sync.Mutex
	headers  []http.Header
}

func newUpstreamAPI(t *testing.T) *upstreamAPI {
	t.Helper()
	u := &upstreamAPI{}
	api := fakeapi.Handler(fakeapi.Config{NoCORS: true})
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.requests.Add(1)
		u.mu.Lock()
		u.headers = append(u.headers, r.Header.Clone())
		u.mu.Unlock()
		switch u.mode.Load() {
		case "early-hints":
			// Informational answers first, with headers that must not
			// reach the browser; then the account.
			h := w.Header()
			h.Set("Set-Cookie", "early=1")
			h.Set("WWW-Authenticate", `Basic realm="early"`)
			h.Set("Link", "</evil.js>; rel=preload; as=script")
			w.WriteHeader(http.StatusEarlyHints)
			clear(h)
		case "gzip", "deflate", "br":
			// Compressed although asked for identity.
			coding := u.mode.Load().(string)
			var b bytes.Buffer
			var zw io.WriteCloser
			switch coding {
			case "gzip":
				zw = gzip.NewWriter(&b)
			case "deflate": // HTTP's deflate is the zlib format
				zw = zlib.NewWriter(&b)
			case "br":
				zw = brotli.NewWriter(&b)
			}
			io.WriteString(zw, fakeapi.DemoAccount)
			zw.Close()
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", coding)
			w.Write(b.Bytes())
			return
		case "status999":
			conn, rw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			rw.WriteString("HTTP/1.1 999 Odd\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
			rw.Flush()
			return
		case "switch":
			conn, rw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			rw.Flush()
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			io.Copy(io.Discard, conn)
			return
		case "hang":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		case "large":
			w.Write([]byte(strings.Repeat(" ", sipgate.MaxBodyBytes+1)))
			return
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstreamAPI) lastHeaders() http.Header {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.headers) == 0 {
		return nil
	}
	return u.headers[len(u.headers)-1]
}

// serveProxy is what `cmd/serve -proxy -upstream URL` serves.
func serveProxy(t *testing.T, upstream string) *httptest.Server {
	t.Helper()
	proxy, err := apiproxy.New(apiproxy.Config{Upstream: upstream, Limit: proxyLimit, Timeout: proxyTimeout})
	if err != nil {
		t.Fatal(err)
	}
	// The page may connect to the API too, so that what stops a direct call
	// there is the API's missing CORS answer, not the page's policy.
	h, err := webserver.New(webserver.Config{Dir: webDir, API: proxy, ConnectOrigins: []string{upstream}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// deployment is a proxy under test: where it answers, and how to send a
// request as client number n (each client has its own rate limit).
type deployment struct {
	base    string
	request func(t *testing.T, n int, method, path string, header http.Header) (*http.Response, string)
	// raw sends head (request line and headers, without the blank line)
	// and body as written, as client n.
	raw func(t *testing.T, n int, head, body string) (*http.Response, string)
	// decodes are the codings the host's transport decodes (the Workers
	// runtime's fetch: gzip and br) rather than refusing them.
	decodes []string
}

// rawExchange writes head, the client's extra header lines, the blank line
// and body on conn, and reads the answer.
func rawExchange(t *testing.T, conn net.Conn, head, extra, body string) (*http.Response, string) {
	t.Helper()
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	go io.WriteString(conn, head+extra+"\r\n"+body)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to %q: %v", head, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// fromAddress sends from the loopback address 127.0.0.n, which the server
// sees as the client's address.
func fromAddress(base string) func(t *testing.T, n int, method, path string, header http.Header) (*http.Response, string) {
	return func(t *testing.T, n int, method, path string, header http.Header) (*http.Response, string) {
		t.Helper()
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(n))}}
		client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext, DisableCompression: true}}
		return send(t, client, method, base+path, header)
	}
}

// rawFromAddress is fromAddress for requests written by hand.
func rawFromAddress(base string) func(t *testing.T, n int, head, body string) (*http.Response, string) {
	return func(t *testing.T, n int, head, body string) (*http.Response, string) {
		t.Helper()
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(n))}}
		conn, err := dialer.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		return rawExchange(t, conn, head, "", body)
	}
}

var demoAuth = http.Header{
	"Authorization": {sipgate.BasicAuth(fakeapi.DemoUser, fakeapi.DemoPassword)},
	"Accept":        {"application/json"},
}

// proxySuite is what every deployment of the proxy must do. Client numbers
// 2 and up are used, one range per part, so that the parts' rate limits do
// not meet.
func proxySuite(t *testing.T, d deployment, up *upstreamAPI) {
	t.Run("forwards only Authorization and Accept", func(t *testing.T) {
		header := demoAuth.Clone()
		header.Set("Cookie", "session=page-cookie")
		header.Set("User-Agent", "Mozilla/5.0 (visitor)")
		header.Set("Accept-Language", "de-DE")
		header.Set("X-Forwarded-For", "203.0.113.7")
		header.Set("Referer", d.base+"/")
		header.Set("Origin", d.base)
		resp, body := d.request(t, 2, "GET", "/v2/account", header)
		if resp.StatusCode != 200 || body != fakeapi.DemoAccount {
			t.Fatalf("got %d %q", resp.StatusCode, body)
		}
		got := up.lastHeaders()
		var names []string
		for k := range got {
			names = append(names, k)
		}
		slices.Sort(names)
		if strings.Join(names, ", ") != "Accept, Accept-Encoding, Authorization" || got.Get("Authorization") != demoAuth.Get("Authorization") {
			t.Errorf("the API got the headers %v, want exactly Accept, Accept-Encoding: identity and Authorization", got)
		}
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("answer headers %v", resp.Header)
		}
	})
	t.Run("answers everything else itself", func(t *testing.T) {
		before := up.requests.Load()
		for _, c := range []struct {
			method, path string
			status       int
		}{
			{"GET", "/v2/users", 404}, {"GET", "/v2/account/", 404}, {"GET", "/v2/sessions/calls", 404},
			{"GET", "/v2/%2e%2e/v1/account", 404}, {"GET", "/v2%2Faccount", 404}, {"GET", "/v2/%61ccount", 404},
			{"POST", "/v2/account", 405}, {"DELETE", "/v2/account", 405},
		} {
			resp, _ := d.request(t, 3, c.method, c.path, demoAuth)
			if resp.StatusCode != c.status {
				t.Errorf("%s %s = %d, want %d", c.method, c.path, resp.StatusCode, c.status)
			}
		}
		if n := up.requests.Load() - before; n != 0 {
			t.Errorf("%d requests reached the API, want none", n)
		}
	})
	t.Run("rate limit per client", func(t *testing.T) {
		before := up.requests.Load()
		for i := 1; i <= proxyLimit; i++ {
			if resp, _ := d.request(t, 4, "GET", "/v2/account", demoAuth); resp.StatusCode != 200 {
				t.Fatalf("request %d of %d: %d", i, proxyLimit, resp.StatusCode)
			}
		}
		resp, body := d.request(t, 4, "GET", "/v2/account", demoAuth)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "requests a minute") {
			t.Errorf("request %d: %d Retry-After %q %s", proxyLimit+1, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		if n := up.requests.Load() - before; n != proxyLimit {
			t.Errorf("%d requests reached the API, want %d", n, proxyLimit)
		}
		if resp, _ := d.request(t, 5, "GET", "/v2/account", demoAuth); resp.StatusCode != 200 {
			t.Errorf("another client: %d, want 200", resp.StatusCode)
		}
	})
	t.Run("refuses request bodies", func(t *testing.T) {
		before := up.requests.Load()
		head := "GET /v2/account HTTP/1.1\r\nHost: x\r\nAuthorization: " + demoAuth.Get("Authorization") + "\r\n"
		for _, c := range []struct{ name, head, body string }{
			{"Content-Length", head + "Content-Length: 5\r\n", "hello"},
			{"chunked with a trailer", head + "Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\n", "5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n"},
			{"Content-Length and chunked", head + "Content-Length: 10\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
		} {
			resp, body := d.raw(t, 8, c.head, c.body)
			if resp.StatusCode != 400 || !strings.Contains(body, "has no body") {
				t.Errorf("%s: %d %s, want 400", c.name, resp.StatusCode, body)
			}
		}
		if resp, _ := d.request(t, 8, "HEAD", "/v2/account", demoAuth); resp.StatusCode != 405 {
			t.Errorf("HEAD: %d, want 405", resp.StatusCode)
		}
		if n := up.requests.Load() - before; n != 0 {
			t.Errorf("%d requests reached the API, want none", n)
		}
	})
	t.Run("passes on no informational answer", func(t *testing.T) {
		defer up.mode.Store("")
		up.mode.Store("early-hints")
		resp, body := d.request(t, 9, "GET", "/v2/account", demoAuth)
		if resp.StatusCode != 200 || body != fakeapi.DemoAccount {
			t.Errorf("after a 103: %d %q", resp.StatusCode, body)
		}
		wantSecurityHeaders(t, "the answer after a 103", resp.Header)
		for _, k := range []string{"Set-Cookie", "WWW-Authenticate", "Link"} {
			if v := resp.Header.Get(k); v != "" {
				t.Errorf("the 103's %s reached the client: %q", k, v)
			}
		}
		up.mode.Store("switch")
		if resp, body := d.request(t, 9, "GET", "/v2/account", demoAuth); resp.StatusCode != 502 {
			t.Errorf("an upstream 101: %d %s, want 502", resp.StatusCode, body)
		}
	})
	t.Run("compressed answers arrive readable or not at all", func(t *testing.T) {
		defer up.mode.Store("")
		for _, coding := range []string{"gzip", "deflate", "br"} {
			up.mode.Store(coding)
			resp, body := d.request(t, 10, "GET", "/v2/account", demoAuth)
			switch decoded := slices.Contains(d.decodes, coding); {
			case decoded && (resp.StatusCode != 200 || body != fakeapi.DemoAccount):
				t.Errorf("a %s answer, which the runtime decodes: %d %q, want the account decoded", coding, resp.StatusCode, body)
			case !decoded && (resp.StatusCode != 502 || !strings.Contains(body, "compressed")):
				t.Errorf("a %s answer, which nothing here decodes: %d %q, want 502", coding, resp.StatusCode, body)
			}
			if got := up.lastHeaders().Get("Accept-Encoding"); got != "identity" {
				t.Errorf("the API was asked for Accept-Encoding %q, want identity", got)
			}
		}
	})
	t.Run("a status outside 100-599 is not passed on", func(t *testing.T) {
		defer up.mode.Store("")
		up.mode.Store("status999")
		resp, body := d.request(t, 12, "GET", "/v2/account", demoAuth)
		if resp.StatusCode != 502 || !strings.Contains(body, "outside 100-599") {
			t.Errorf("an upstream 999: %d %q, want 502", resp.StatusCode, body)
		}
		wantSecurityHeaders(t, "an upstream 999", resp.Header)
	})
	t.Run("one Authorization header", func(t *testing.T) {
		before := up.requests.Load()
		resp, body := d.request(t, 13, "GET", "/v2/account", http.Header{"Authorization": {"Basic YTpi", "Basic Yzpk"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "one Authorization header") {
			t.Errorf("two Authorization headers: %d %q, want 400", resp.StatusCode, body)
		}
		if n := up.requests.Load() - before; n != 0 {
			t.Errorf("%d requests reached the API, want none", n)
		}
	})
	t.Run("every answer carries the security headers", func(t *testing.T) {
		for _, path := range []string{"/v2/account", "/v2/users", "/", "/" + webserver.WasmFile, "/config.json"} {
			resp, _ := d.request(t, 11, "GET", path, demoAuth)
			wantSecurityHeaders(t, path, resp.Header)
		}
	})
	t.Run("upstream timeout and size cap", func(t *testing.T) {
		defer up.mode.Store("")
		up.mode.Store("hang")
		resp, body := d.request(t, 6, "GET", "/v2/account", demoAuth)
		if resp.StatusCode != 504 || !strings.Contains(body, "did not answer within") {
			t.Errorf("a hanging API: %d %s", resp.StatusCode, body)
		}
		up.mode.Store("large")
		resp, body = d.request(t, 6, "GET", "/v2/account", demoAuth)
		if resp.StatusCode != 502 || !strings.Contains(body, "larger than the 1 MiB limit") {
			t.Errorf("an answer over 1 MiB: %d %s", resp.StatusCode, body)
		}
	})
}

// wantSecurityHeaders checks the headers of webheaders.Security on an answer.
func wantSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("%s: security headers missing: CSP %q, nosniff %q, Referrer-Policy %q", what, csp,
			h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
	}
}

func TestServeProxy(t *testing.T) {
	up := newUpstreamAPI(t)
	srv := serveProxy(t, up.URL)
	proxySuite(t, deployment{base: srv.URL, request: fromAddress(srv.URL), raw: rawFromAddress(srv.URL)}, up)

	// A header naming another client does not get a new allowance here:
	// cmd/serve faces the browser and trusts only the connection's address.
	for i := 0; i <= proxyLimit; i++ {
		resp, _ := fromAddress(srv.URL)(t, 7, "GET", "/v2/account", http.Header{"Cf-Connecting-Ip": {"198.51.100." + strconv.Itoa(i+1)}})
		if i == proxyLimit && resp.StatusCode != 429 {
			t.Errorf("CF-Connecting-IP changed the client: request %d got %d", i+1, resp.StatusCode)
		}
	}
}

// TestPageThroughProxy: the page, served with the proxy, looks up the
// account on its own origin; the API (no CORS at all) sees no cookie.
func TestPageThroughProxy(t *testing.T) {
	up := newUpstreamAPI(t)
	pageThroughProxy(t, serveProxy(t, up.URL).URL, up, true)
}

// pageThroughProxy looks up the account on the page served at base. With
// direct, the page's policy lets it call the API itself too (serveProxy's
// does), and that call must fail for want of CORS; the Worker's policy
// allows only its own origin, which the security suite checks.
func pageThroughProxy(t *testing.T, base string, up *upstreamAPI, direct bool) {
	t.Helper()
	tab, log := newTab(t)
	if err := chromedp.Do(tab, browser.Observe(), chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`))); err != nil {
		t.Fatalf("page: %v\n%s", err, log.text())
	}
	if v, _ := runJS(tab, `document.getElementById("baseURL").value`); v != base+"/v2" {
		t.Errorf("the page's default API is %q, want this origin's /v2", v)
	}
	if _, err := runJS(tab, `document.cookie = "session=page-cookie; path=/"`); err != nil {
		t.Fatal(err)
	}
	text := submit(t, tab, fakeapi.DemoUser, fakeapi.DemoPassword, "")
	if !strings.Contains(text, "Demo Telefon GmbH") || !strings.Contains(text, "Status: 200") {
		t.Errorf("page shows %q", text)
	}
	got := up.lastHeaders()
	if got.Get("Cookie") != "" || got.Get("Authorization") != demoAuth.Get("Authorization") || len(got) != 3 {
		t.Errorf("the API got %v", got)
	}
	if direct {
		// Straight to the API the same call fails: it allows no other origin.
		out := call(t, tab, js(fakeapi.DemoUser)+", "+js(fakeapi.DemoPassword)+", {baseURL: "+js(up.URL+"/v2")+"}")
		if out.Rejected == nil || out.Rejected.Code != "NETWORK" {
			t.Errorf("direct call to the API without CORS: %+v %+v", out.Resolved, out.Rejected)
		}
	}

	// The proxy's own answers reach the page as the contract's codes.
	up.mode.Store("hang")
	out := call(t, tab, js(fakeapi.DemoUser)+", "+js(fakeapi.DemoPassword)+", {baseURL: "+js(base+"/v2")+"}")
	up.mode.Store("")
	if r := out.Resolved; r == nil || r.Status != 504 || r.Error.Code != "SERVER_ERROR" {
		t.Errorf("upstream timeout: %+v %+v", out.Resolved, out.Rejected)
	}
	var last outcome
	for i := 0; i < proxyLimit+1; i++ {
		last = call(t, tab, js(fakeapi.DemoUser)+", "+js(fakeapi.DemoPassword)+", {baseURL: "+js(base+"/v2")+"}")
	}
	if r := last.Resolved; r == nil || r.Status != 429 || r.Error.Code != "RATE_LIMITED" || !strings.Contains(r.Error.Message, "try again in") {
		b, _ := json.Marshal(last)
		t.Errorf("over the rate limit: %s", b)
	}
	wantNoLeak(t, tab, log, fakeapi.DemoUser, fakeapi.DemoPassword)
}

// startWorker runs the edge Worker (make edge) in workerd (make workerd)
// with up as its upstream.
func startWorker(t *testing.T, up *upstreamAPI) *workerd.Worker {
	t.Helper()
	return runWorker(t, workerd.Config{Upstream: up.URL, Limit: proxyLimit, Timeout: proxyTimeout, TrustClientIPHeader: "CF-Connecting-IP"})
}

// runWorker runs the edge Worker with cfg until the test ends, and shows
// what workerd printed when the test fails.
func runWorker(t *testing.T, cfg workerd.Config) *workerd.Worker {
	t.Helper()
	cfg.Root = ".."
	w, err := workerd.Start(t.Context(), cfg)
	if err != nil {
		t.Fatalf("the Worker cannot run: %v", err)
	}
	t.Cleanup(func() {
		w.Stop()
		if t.Failed() {
			t.Logf("workerd printed:\n%s", w.Log())
		}
	})
	return w
}

// asClient sends as client n the way Cloudflare marks every request: with
// the visitor's address in CF-Connecting-IP.
func asClient(base string) func(t *testing.T, n int, method, path string, header http.Header) (*http.Response, string) {
	return func(t *testing.T, n int, method, path string, header http.Header) (*http.Response, string) {
		t.Helper()
		header = header.Clone()
		if header == nil {
			header = http.Header{}
		}
		header.Set("CF-Connecting-IP", "198.51.100."+strconv.Itoa(n))
		return send(t, &http.Client{Transport: &http.Transport{DisableCompression: true}}, method, base+path, header)
	}
}

// rawAsClient is asClient for requests written by hand.
func rawAsClient(base string) func(t *testing.T, n int, head, body string) (*http.Response, string) {
	return func(t *testing.T, n int, head, body string) (*http.Response, string) {
		t.Helper()
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		return rawExchange(t, conn, head, "CF-Connecting-IP: 198.51.100."+strconv.Itoa(n)+"\r\n", body)
	}
}

// TestWorkerProxy runs the proxy suite against the Worker in workerd: the
// same package apiproxy, its I/O done by edge/worker.mjs.
func TestWorkerProxy(t *testing.T) {
	up := newUpstreamAPI(t)
	w := startWorker(t, up)
	proxySuite(t, deployment{base: w.URL, request: asClient(w.URL), raw: rawAsClient(w.URL), decodes: []string{"gzip", "br"}}, up)
}

// TestPageThroughWorker: the Worker also serves web/ (its ASSETS), so the
// whole page runs from it.
func TestPageThroughWorker(t *testing.T) {
	up := newUpstreamAPI(t)
	w := startWorker(t, up)
	pageThroughProxy(t, w.URL, up, false)
}

// TestWorkerRateLimitSurvivesAFlood: addresses flooding in cannot reset the
// allowance of a client that keeps coming back; a full store forgets the
// client idle the longest, never everyone. One host's IPv6 /64 is one client.
func TestWorkerRateLimitSurvivesAFlood(t *testing.T) {
	up := newUpstreamAPI(t)
	// One request a minute: no allowance comes back while the test runs.
	w, err := workerd.Start(t.Context(), workerd.Config{Root: "..", Upstream: up.URL, Limit: 1, Timeout: proxyTimeout, MaxClients: 20, TrustClientIPHeader: "CF-Connecting-IP"})
	if err != nil {
		t.Fatalf("the Worker cannot run: %v", err)
	}
	defer w.Stop()
	from := func(ip string) int {
		header := demoAuth.Clone()
		header.Set("CF-Connecting-IP", ip)
		resp, _ := send(t, &http.Client{}, "GET", w.URL+"/v2/account", header)
		return resp.StatusCode
	}
	limited := "2001:db8:aa:1::1"
	if got := from(limited); got != 200 {
		t.Fatalf("first request: %d", got)
	}
	if got := from("2001:db8:aa:1:ffff::2"); got != 429 {
		t.Errorf("another address of the same /64: %d, want 429", got)
	}
	answered := 0
	for i := 0; i < 200; i++ {
		if got := from("203.0.113." + strconv.Itoa(i)); got != 200 {
			t.Fatalf("flood request %d: %d", i+1, got)
		}
		if i%10 == 9 && from(limited) == 200 {
			answered++
		}
	}
	if answered > 0 {
		t.Errorf("the limited client got %d answers during a flood of 200 addresses", answered)
	}
	if t.Failed() {
		t.Logf("workerd printed:\n%s", w.Log())
	}
}

// TestWorkerClientAddress: without TRUST_CLIENT_IP_HEADER (self-hosted
// workerd, no front that sets the header), a client cannot choose its own
// rate-limit bucket by sending CF-Connecting-IP: the connection's address
// counts, and two addresses are two clients.
func TestWorkerClientAddress(t *testing.T) {
	up := newUpstreamAPI(t)
	w, err := workerd.Start(t.Context(), workerd.Config{Root: "..", Upstream: up.URL, Limit: 2, Timeout: proxyTimeout})
	if err != nil {
		t.Fatalf("the Worker cannot run: %v", err)
	}
	defer w.Stop()
	// workerd listens on 127.0.0.1; connections from 127.0.0.2 and .3 are
	// other addresses.
	from := fromAddress(w.URL)
	for i := 0; i < 3; i++ {
		header := demoAuth.Clone()
		header.Set("CF-Connecting-IP", "198.51.100."+strconv.Itoa(i+1))
		resp, _ := from(t, 2, "GET", "/v2/account", header)
		if want := []int{200, 200, 429}[i]; resp.StatusCode != want {
			t.Errorf("request %d from 127.0.0.2 naming another client each time: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if resp, _ := from(t, 3, "GET", "/v2/account", demoAuth); resp.StatusCode != 200 {
		t.Errorf("another connection address: %d, want 200 (its own allowance)", resp.StatusCode)
	}
	if t.Failed() {
		t.Logf("workerd printed:\n%s", w.Log())
	}
}

// TestWorkerSurvivesItsGoSide: the Go side panics in a crossing, then exits
// altogether; each time the request gets a 500 with the security headers,
// and the next requests are served as usual.
func TestWorkerSurvivesItsGoSide(t *testing.T) {
	up := newUpstreamAPI(t)
	w, err := workerd.Start(t.Context(), workerd.Config{Root: "..", Upstream: up.URL, Limit: 100, Timeout: proxyTimeout, Faults: true})
	if err != nil {
		t.Fatalf("the Worker cannot run: %v", err)
	}
	defer w.Stop()
	client := &http.Client{}
	for _, fault := range []string{"/__fault/panic", "/__fault/exit", "/__fault/panic"} {
		resp, _ := send(t, client, "GET", w.URL+fault, nil)
		if resp.StatusCode != 500 {
			t.Errorf("%s: %d, want 500", fault, resp.StatusCode)
		}
		wantSecurityHeaders(t, fault, resp.Header)
		for _, path := range []string{"/index.html", "/v2/account", "/config.json"} {
			resp, body := send(t, client, "GET", w.URL+path, demoAuth)
			if resp.StatusCode != 200 {
				t.Errorf("after %s: %s answered %d %q, want 200", fault, path, resp.StatusCode, body)
			}
			wantSecurityHeaders(t, "after "+fault+": "+path, resp.Header)
		}
	}
	if t.Failed() {
		t.Logf("workerd printed:\n%s", w.Log())
	}
}

// TestWorkerBadSetting: a setting the Worker cannot parse is never a
// silent default: its API paths and config.json answer 500 naming the
// setting, and the page's files are still served.
func TestWorkerBadSetting(t *testing.T) {
	w := runWorker(t, workerd.Config{Upstream: "http://127.0.0.1:9", Vars: map[string]string{"PROXY_LIMIT": "sixty"}})
	for _, path := range []string{"/v2/account", "/config.json", "/oauth/start"} {
		resp, err := http.Get(w.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 500 || !strings.Contains(string(b), `PROXY_LIMIT: "sixty"`) {
			t.Errorf("%s: %d %q, want a 500 naming PROXY_LIMIT", path, resp.StatusCode, b)
		}
	}
	resp, err := http.Get(w.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the page: %d", resp.StatusCode)
	}
	if !strings.Contains(w.Log(), "PROXY_LIMIT") {
		t.Errorf("workerd logged nothing of it:\n%s", w.Log())
	}
}
