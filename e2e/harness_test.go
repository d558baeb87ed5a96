//go:build e2e

// Package e2e runs the real module in real headless Chromium: the built
// web/sipgate-account.wasm, net/http's Fetch transport, the page in web/,
// served by the dev server with the fake API, all on 127.0.0.1.
//
// They sit behind the build tag e2e, which make test sets (go test -tags
// e2e ./e2e/), so that plain `go test ./...` on a fresh clone needs no
// build and no browser. Run with the tag, nothing here skips: when the
// module is not built or a browser cannot start, the tests fail and say why.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/demo"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
	"sipgate-account/internal/testkit/lockedbuf"
	"sipgate-account/internal/webserver"
)

// webDir is the real web root, with the module built by `make build`.
const webDir = "../web"

var (
	// pageURL is the page on the same origin as the fake API (demo mode).
	pageURL string
	// otherOrigin reaches the same server under another origin
	// (localhost instead of 127.0.0.1), for cross-origin calls.
	otherOrigin string
	// closedOrigin is a loopback address where nothing listens.
	closedOrigin string
	// apiRequests counts requests that reached the fake API, preflights
	// included; apiInFlight those still being answered.
	apiRequests, apiInFlight atomic.Int64
	// elsewhereURL is another origin, where the redirect scenario points;
	// elsewhereRequests counts what reached it.
	elsewhereURL      string
	elsewhereRequests atomic.Int64
	// moduleRequests counts requests for the .wasm on the page's origin.
	moduleRequests atomic.Int64
	// fileRequests are the request URIs of the module's files (.wasm and
	// wasm_exec.js) on the page's origin: a worker's fetches do not show in
	// the page's Resource Timing.
	fileRequests struct {
		sync.Mutex
		uris []string
	}
	// embedderURL is a second origin with pages that embed the module from
	// the first (see embedderPages).
	embedderURL string
	// chromium is the context of the one browser all tests share; each test
	// opens its own tab.
	chromium context.Context
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if _, err := os.Stat(filepath.Join(webDir, webserver.WasmFile)); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %s is not built: run `make build` (make test does)\n", webserver.WasmFile)
		return 1
	}
	var err error
	if closedOrigin, err = freeLoopbackOrigin(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhereRequests.Add(1)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Accept")
		w.Write([]byte(`{"elsewhere":true}`))
	}))
	defer elsewhere.Close()
	elsewhereURL = elsewhere.URL

	srv := httptest.NewUnstartedServer(nil)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	otherOrigin = "http://localhost:" + port
	cfg, _ := demo.Site(webDir, demo.Options{API: fakeapi.Config{RedirectTo: elsewhereURL}})
	// The page may connect to all of them, so that only the module's own
	// rules keep a call from going there.
	cfg.ConnectOrigins = []string{otherOrigin, closedOrigin, elsewhereURL}
	handler, err := webserver.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	// The self-test's modules, which the Chromium tests import too
	// (e2e/selftest/inputs.js builds the input rules' arguments).
	mux := http.NewServeMux()
	mux.Handle("/", withBlankPage(handler, nil))
	mux.Handle("GET /selftest/", http.StripPrefix("/selftest/", http.FileServer(http.Dir("selftest"))))
	srv.Config.Handler = countRequests(mux)
	srv.Start()
	defer srv.Close()
	pageURL = srv.URL + "/"

	embedder := httptest.NewServer(embedderPages())
	defer embedder.Close()
	embedderURL = embedder.URL

	var cancel func()
	chromium, cancel, err = browser.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: headless Chromium cannot run, so the browser tests cannot either:", err)
		return 1
	}
	defer cancel()
	return m.Run()
}

// openSite opens path on the module's own origin (pageURL), where
// /blank.html is an empty page.
func openSite(t *testing.T, path string) (context.Context, *console) {
	t.Helper()
	tab, log := newTab(t)
	if err := chromedp.Do(tab, chromedp.Navigate(pageURL+strings.TrimPrefix(path, "/"))); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tab, log
}

// openEmbedder opens one of embedderPages in a new tab.
func openEmbedder(t *testing.T, path string) (context.Context, *console) {
	t.Helper()
	tab, log := newTab(t)
	if err := chromedp.Do(tab, chromedp.Navigate(embedderURL+path)); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tab, log
}

// freeLoopbackOrigin returns an origin on 127.0.0.1 with a port that was
// free a moment ago and is closed now: a connection there is refused.
func freeLoopbackOrigin() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return "http://" + ln.Addr().String(), nil
}

// console collects what a tab writes to its console.
type console struct {
	mu    sync.Mutex
	lines []string
}

func (c *console) add(s string) { c.mu.Lock(); c.lines = append(c.lines, s); c.mu.Unlock() }

func (c *console) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.lines, "\n")
}

// openPage opens the page in a new tab and waits until the module is ready.
func openPage(t *testing.T) (context.Context, *console) {
	t.Helper()
	ctx, log := newTab(t)
	err := chromedp.Do(ctx,
		browser.Observe(),
		chromedp.Navigate(pageURL),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`)),
	)
	if err != nil {
		t.Fatalf("the page did not get ready: %v\nconsole:\n%s", err, log.text())
	}
	return ctx, log
}

// outcome is how one fetchAccount call settled.
type outcome struct {
	Resolved *result    `json:"resolved"`
	Rejected *rejection `json:"rejected"`
}

type result struct {
	OK         bool            `json:"ok"`
	Status     int             `json:"status"`
	StatusText string          `json:"statusText"`
	Body       string          `json:"body"`
	Account    json.RawMessage `json:"account"`
	Error      *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	// Keys lists the result's own keys, to check its shape.
	Keys []string `json:"keys"`
}

type rejection struct {
	IsError bool   `json:"isError"`
	Name    string `json:"name"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// server is a running web server.
type server struct {
	url string
	cmd *exec.Cmd
	log *lockedbuf.Buffer
}

// startServer runs cmd (in its own process group) until the test ends and
// waits until port answers.
func startServer(t *testing.T, name string, cmd *exec.Cmd, port string) *server {
	t.Helper()
	s := &server{url: "http://127.0.0.1:" + port, cmd: cmd, log: &lockedbuf.Buffer{}}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s cannot start: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("%s printed:\n%s", name, s.log.String())
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return s
		}
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", name, s.log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen on %s: %s", name, port, s.log.String())
		}
	}
}

// waitLog waits until the server has printed line, and returns what it
// printed: a server may answer on its port before it has written out
// what it prints at start.
func (s *server) waitLog(t *testing.T, line string) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(s.log.String(), line); {
		if time.Now().After(deadline) {
			t.Fatalf("the server never printed %q:\n%s", line, s.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s.log.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func send(t *testing.T, client *http.Client, method, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = strings.TrimPrefix(url, "http://"+req.URL.Host)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// demoSite is make demo's site on dir, without sign-in.
func demoSite(dir string) webserver.Config {
	cfg, _ := demo.Site(dir, demo.Options{})
	return cfg
}
