package apiproxy

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// upstream records what reaches the API and answers with answer.
type upstream struct {
	*httptest.Server
	requests atomic.Int64
	mu       sync.Mutex
	last     *http.Request
}

func newUpstream(t *testing.T, answer http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.requests.Add(1)
		u.mu.Lock()
		u.last = r.Clone(r.Context())
		u.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func account(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Set-Cookie", "upstream=1")
	w.Header().Set("WWW-Authenticate", `Basic realm="api"`)
	w.Header().Set("X-Upstream-Internal", "yes")
	w.Write([]byte(`{"company":"ACME"}`))
}

func newProxy(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestForwardsOnlyTheAllowedHeaders(t *testing.T) {
	up := newUpstream(t, account)
	var logged strings.Builder
	p := newProxy(t, Config{Upstream: up.URL, Logf: func(f string, a ...any) { fmt.Fprintf(&logged, f, a...) }})
	resp, body := do(t, "GET", p.URL+"/v2/account?x=1",
		"Authorization", "Basic dGVzdDoxMjPCow==", "Accept", "application/json",
		"Cookie", "session=page", "User-Agent", "Mozilla/5.0 visitor", "Accept-Language", "de",
		"X-Forwarded-For", "203.0.113.9", "Referer", "https://page.example/", "Origin", "https://page.example",
		"Connection", "keep-alive, X-Hop", "X-Hop", "1")
	if resp.StatusCode != 200 || body != `{"company":"ACME"}` {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	got := up.last
	want := http.Header{"Authorization": {"Basic dGVzdDoxMjPCow=="}, "Accept": {"application/json"}, "Accept-Encoding": {"identity"}}
	if fmt.Sprint(got.Header) != fmt.Sprint(want) {
		t.Errorf("upstream got headers %v, want exactly %v", got.Header, want)
	}
	if got.Method != "GET" || got.URL.Path != "/v2/account" || got.URL.RawQuery != "" || got.Host != strings.TrimPrefix(up.URL, "http://") {
		t.Errorf("upstream got %s %s?%s Host %s", got.Method, got.URL.Path, got.URL.RawQuery, got.Host)
	}
	h := resp.Header
	if h.Get("Content-Type") != "application/json" || h.Get("Cache-Control") != "no-store" ||
		h.Get("Set-Cookie") != "" || h.Get("WWW-Authenticate") != "" || h.Get("X-Upstream-Internal") != "" {
		t.Errorf("response headers = %v", h)
	}
	if strings.Contains(logged.String(), "dGVzdDoxMjPCow") {
		t.Errorf("the Authorization header was logged: %s", logged.String())
	}
}

func TestAnswersEverythingElseItself(t *testing.T) {
	up := newUpstream(t, account)
	p := newProxy(t, Config{Upstream: up.URL})
	cases := []struct {
		method, path string
		status       int
	}{
		{"GET", "/v2/users", 404},
		{"GET", "/v2/account/", 404},
		{"GET", "/v2/accounts", 404},
		{"GET", "/v2/../v2/sessions", 404},
		{"GET", "/", 404},
		{"POST", "/v2/account", 405},
		{"PUT", "/v2/account", 405},
		{"DELETE", "/v2/account", 405},
		{"OPTIONS", "/v2/account", 405},
		// HEAD has no use for the account; forwarded, an upstream that
		// wrongly sent a body would put the account into the server log.
		{"HEAD", "/v2/account", 405},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, p.URL+c.path, nil)
		req.URL.Opaque = c.path
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s %s = %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
		if c.status == 405 && resp.Header.Get("Allow") != "GET" {
			t.Errorf("%s %s: Allow %q", c.method, c.path, resp.Header.Get("Allow"))
		}
	}
	if n := up.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the API, want none", n)
	}
}

func TestRateLimitPerClient(t *testing.T) {
	up := newUpstream(t, account)
	now := time.Unix(1_700_000_000, 0)
	var clock sync.Mutex
	client := "192.0.2.1"
	p := newProxy(t, Config{
		Upstream: up.URL, Limit: 3,
		Now:      func() time.Time { clock.Lock(); defer clock.Unlock(); return now },
		ClientIP: func(*http.Request) string { return client },
	})
	for i := 0; i < 3; i++ {
		if resp, _ := do(t, "GET", p.URL+"/v2/account"); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := do(t, "GET", p.URL+"/v2/account")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "20" || !strings.Contains(body, "3 requests a minute") {
		t.Errorf("4th request: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if n := up.requests.Load(); n != 3 {
		t.Errorf("%d requests reached the API, want 3", n)
	}
	client = "192.0.2.2" // another client has its own allowance
	if resp, _ := do(t, "GET", p.URL+"/v2/account"); resp.StatusCode != 200 {
		t.Errorf("another client: %d", resp.StatusCode)
	}
	client = "192.0.2.1"
	clock.Lock()
	now = now.Add(20 * time.Second) // one token back
	clock.Unlock()
	if resp, _ := do(t, "GET", p.URL+"/v2/account"); resp.StatusCode != 200 {
		t.Errorf("after 20 s: %d", resp.StatusCode)
	}
	if resp, _ := do(t, "GET", p.URL+"/v2/account"); resp.StatusCode != 429 {
		t.Errorf("right after: %d", resp.StatusCode)
	}
}

func TestUpstreamFailures(t *testing.T) {
	hang := newUpstream(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	slowBody := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("{"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	large := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 1<<20+1)))
	})
	exactly := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 1<<20)))
	})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String()
	ln.Close()
	cases := []struct {
		name, upstream string
		status         int
		says           string
	}{
		{"no answer", hang.URL, 504, "did not answer within 100ms"},
		{"body too slow", slowBody.URL, 504, "did not answer within 100ms"},
		{"over 1 MiB", large.URL, 502, "larger than the 1 MiB limit"},
		{"refused", closed, 502, "could not be reached"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProxy(t, Config{Upstream: c.upstream, Timeout: 100 * time.Millisecond})
			resp, body := do(t, "GET", p.URL+"/v2/account", "Authorization", "Basic eDp5")
			if resp.StatusCode != c.status || !strings.Contains(body, c.says) {
				t.Errorf("got %d %s, want %d %q", resp.StatusCode, body, c.status, c.says)
			}
		})
	}
	p := newProxy(t, Config{Upstream: exactly.URL})
	if resp, body := do(t, "GET", p.URL+"/v2/account"); resp.StatusCode != 200 || len(body) != 1<<20 {
		t.Errorf("exactly 1 MiB: %d, %d bytes", resp.StatusCode, len(body))
	}
}

func TestRefusesBadUpstream(t *testing.T) {
	for _, u := range []string{
		"ftp://x", "api.sipgate.com", "https://",
		// The visitor's credentials would cross the network in clear text.
		"http://api.sipgate.com", "http://192.0.2.1:8080", "http://localhost.example.com",
		// The proxy never sends credentials of its own.
		"https://admin:hunter2@api.sipgate.com", "http://admin:hunter2@127.0.0.1:9",
		// A path, query or fragment would be dropped: /v2/account goes to the same path.
		"https://api.sipgate.com/v2", "https://proxy.example/sipgate", "https://api.sipgate.com/?x=1", "https://api.sipgate.com#v2",
	} {
		_, err := New(Config{Upstream: u})
		if err == nil {
			t.Errorf("New accepted upstream %q", u)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "admin") {
			t.Errorf("the error repeats the URL's credentials: %v", err)
		}
	}
	for raw, want := range map[string]string{
		"":                       "https://api.sipgate.com",
		"http://127.0.0.1:8080/": "http://127.0.0.1:8080",
		"http://localhost:9":     "http://localhost:9",
		"http://[::1]:9":         "http://[::1]:9",
	} {
		if got, err := ParseUpstream(raw); err != nil || got != want {
			t.Errorf("ParseUpstream(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
}

func TestRateLimitKeysIPv6ByPrefix(t *testing.T) {
	up := newUpstream(t, account)
	var client atomic.Value
	p := newProxy(t, Config{Upstream: up.URL, Limit: 2, ClientIP: func(*http.Request) string { return client.Load().(string) }})
	status := func(ip string) int {
		client.Store(ip)
		resp, _ := do(t, "GET", p.URL+"/v2/account")
		return resp.StatusCode
	}
	// One host with a /64 may use any of its addresses: they share one allowance.
	if a, b, c := status("2001:db8:1:2::1"), status("2001:db8:1:2::2"), status("2001:db8:1:2:ffff::3"); a != 200 || b != 200 || c != 429 {
		t.Errorf("three addresses of one /64: %d %d %d, want 200 200 429", a, b, c)
	}
	if got := status("2001:db8:1:3::1"); got != 200 {
		t.Errorf("the next /64: %d, want 200", got)
	}
	if a, b, c := status("192.0.2.1"), status("::ffff:192.0.2.1"), status("192.0.2.1"); a != 200 || b != 200 || c != 429 {
		t.Errorf("an IPv4 address and its mapped form: %d %d %d, want 200 200 429", a, b, c)
	}
}

// TestNoSecondUpstream: neither the Host header nor an absolute-form
// request target can point the proxy elsewhere.
func TestNoSecondUpstream(t *testing.T) {
	up := newUpstream(t, account)
	p := newProxy(t, Config{Upstream: up.URL})
	addr := strings.TrimPrefix(p.URL, "http://")
	for _, head := range []string{
		"GET /v2/account HTTP/1.1\r\nHost: evil.example\r\n",
		"GET http://evil.example/v2/account HTTP/1.1\r\nHost: evil.example\r\n",
		"GET //evil.example/v2/account HTTP/1.1\r\nHost: x\r\n",
	} {
		before := up.requests.Load()
		resp, _ := rawRequest(t, addr, head+"\r\n", nil)
		switch n := up.requests.Load() - before; {
		case n == 0 && resp.StatusCode != 404:
			t.Errorf("%q: %d without reaching the API", head, resp.StatusCode)
		case n == 1 && up.last.Host != strings.TrimPrefix(up.URL, "http://"):
			t.Errorf("%q reached the API with Host %q", head, up.last.Host)
		}
	}
}
