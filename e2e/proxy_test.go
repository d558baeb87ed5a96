//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
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
