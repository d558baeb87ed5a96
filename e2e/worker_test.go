//go:build e2e

// The edge Worker in workerd: the proxy suite, its client address, its
// rate limit under a flood, and how it survives its Go side.

package e2e

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"sipgate-account/internal/testkit/workerd"
)

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
