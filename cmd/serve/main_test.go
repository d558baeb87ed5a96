package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/testkit/lockedbuf"
	"sipgate-account/internal/webserver"
	"sipgate-account/sipgate"
)

// start runs the command with args on a free port and a small web root,
// and returns its address and output. The command is stopped, and must
// stop cleanly, when the test ends.
func start(t *testing.T, args ...string) (string, *lockedbuf.Buffer) {
	t.Helper()
	return startWith(t, nil, args...)
}

// startWith is start with further files in the web root.
func startWith(t *testing.T, files map[string]string, args ...string) (string, *lockedbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("page"), 0o644)
	os.WriteFile(filepath.Join(dir, webserver.WasmFile), []byte("\x00asm"), 0o644)
	for name, body := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}

	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedbuf.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-dir", dir}, args...), out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run after cancel = %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not stop")
		}
	})

	addr := regexp.MustCompile(`on (http://\S+)`)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if m := addr.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "Ctrl+C") {
			return m[1], out
		}
		if time.Now().After(deadline) {
			t.Fatalf("no address printed: %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func get(t *testing.T, url string, user, pass string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestRunServesDemoAndStops(t *testing.T) {
	base, out := start(t, "-mock")
	want := []string{fakeapi.DemoUser, fakeapi.DemoPassword, fakeapi.DemoTokenID, fakeapi.DemoAccessToken}
	for _, sc := range fakeapi.Scenarios() {
		want = append(want, sc.Name+" ", sc.Description)
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("demo mode does not print %q:\n%s", w, out.String())
		}
	}
	if status, body := get(t, base+"/v2/account", fakeapi.DemoUser, fakeapi.DemoPassword); status != 200 || body != fakeapi.DemoAccount {
		t.Errorf("fake API = %d %q", status, body)
	}
}

func TestRunProxy(t *testing.T) {
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true}))
	defer api.Close()
	base, out := start(t, "-proxy", "-upstream", api.URL, "-proxy-limit", "2", "-proxy-timeout", "2s")
	if !strings.Contains(out.String(), "forwarded to "+api.URL+"/v2/account (2 requests a minute per address, 2s timeout)") ||
		!strings.Contains(out.String(), "sees the credentials in transit") {
		t.Errorf("proxy mode prints:\n%s", out.String())
	}
	if status, body := get(t, base+"/config.json", "", ""); status != 200 || body != `{"baseURL":"/v2"}` {
		t.Errorf("config.json = %d %q", status, body)
	}
	if status, body := get(t, base+"/v2/account", fakeapi.DemoUser, fakeapi.DemoPassword); status != 200 || body != fakeapi.DemoAccount {
		t.Errorf("through the proxy = %d %q", status, body)
	}
	get(t, base+"/v2/account", fakeapi.DemoUser, fakeapi.DemoPassword)
	if status, _ := get(t, base+"/v2/account", fakeapi.DemoUser, fakeapi.DemoPassword); status != 429 {
		t.Errorf("third request with -proxy-limit 2 = %d, want 429", status)
	}
	if strings.Contains(out.String(), sipgate.BasicAuth(fakeapi.DemoUser, fakeapi.DemoPassword)) {
		t.Errorf("the Authorization header was printed:\n%s", out.String())
	}
}

func TestRunNeedsTheBuiltModule(t *testing.T) {
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-dir", t.TempDir()}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("run without the .wasm = %v, want advice to run make build", err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	if err := run(context.Background(), []string{"-nope"}, io.Discard); err == nil {
		t.Error("unknown flag accepted")
	}
	if err := run(context.Background(), []string{"extra"}, io.Discard); err == nil {
		t.Error("stray argument accepted")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, webserver.WasmFile), []byte("\x00asm"), 0o644)
	if err := run(context.Background(), []string{"-mock", "-proxy", "-dir", dir}, io.Discard); err == nil || !strings.Contains(err.Error(), "choose one") {
		t.Errorf("-mock with -proxy = %v", err)
	}
	if err := run(context.Background(), []string{"-proxy", "-upstream", "ftp://x", "-dir", dir}, io.Discard); err == nil {
		t.Error("an ftp upstream was accepted")
	}
	for _, flag := range []string{"-write-stall", "-conns-per-client"} {
		if err := run(context.Background(), []string{flag, "0", "-dir", dir}, io.Discard); err == nil {
			t.Errorf("%s 0 accepted", flag)
		}
	}
}

func TestRunRefusesUnsafeUpstreams(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, webserver.WasmFile), []byte("\x00asm"), 0o644)
	for _, upstream := range []string{
		"http://api.sipgate.com",                   // credentials in clear text
		"https://user:s3cr3t-pw@api.sipgate.com",   // URL credentials
		"http://user:s3cr3t-pw@127.0.0.1:9",        // even on loopback
		"https://user:s3cr3t-pw@api.sipgate.com:x", // and when the URL is broken
	} {
		var out lockedbuf.Buffer
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-proxy", "-upstream", upstream, "-dir", dir}, &out)
		if err == nil {
			t.Errorf("-upstream %s accepted", upstream)
			continue
		}
		if strings.Contains(err.Error()+out.String(), "s3cr3t-pw") {
			t.Errorf("-upstream %s: the password is printed: %v\n%s", upstream, err, out.String())
		}
	}
}

// TestRunGuardsConnections: the listener's guard is wired in, with the
// flags' limits.
func TestRunGuardsConnections(t *testing.T) {
	base, _ := start(t, "-conns-per-client", "2", "-write-stall", "1s")
	addr := strings.TrimPrefix(base, "http://")
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
	}
	third, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	io.WriteString(third, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	third.SetReadDeadline(time.Now().Add(10 * time.Second))
	if b, _ := io.ReadAll(third); len(b) > 0 {
		t.Errorf("a third connection with -conns-per-client 2 got %q", b)
	}
}

// TestRunHelpAndBusyPort: -h prints the usage and succeeds; a port in use
// says how to pick another, in the shell's terms and make demo's.
func TestRunHelpAndBusyPort(t *testing.T) {
	var help strings.Builder
	if err := run(context.Background(), []string{"-h"}, &help); err != nil || !strings.Contains(help.String(), "-addr") {
		t.Errorf("-h = %v, printing %q; want the usage and no error", err, help.String())
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, webserver.WasmFile), []byte("\x00asm"), 0o644)
	err = run(context.Background(), []string{"-addr", busy.Addr().String(), "-dir", dir}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-addr") || !strings.Contains(err.Error(), "ADDR=") {
		t.Errorf("a port in use = %v, want advice naming -addr and ADDR=", err)
	}
}

// TestTryTheProxyLocally runs deploying.md's try-it command for the proxy
// as written, with the fake API where it says http://localhost:8080, and
// looks up the demo account through it.
func TestTryTheProxyLocally(t *testing.T) {
	doc, err := os.ReadFile("../../docs/deploying.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(doc), "<!-- try-it: proxy -->\n```sh\n")
	block, _, ok2 := strings.Cut(rest, "```\n<!-- end try-it -->")
	command, found := strings.CutPrefix(strings.TrimSpace(block), "go run ./cmd/serve ")
	if !ok1 || !ok2 || !found {
		t.Fatalf("deploying.md has no try-it command for the proxy: %q", block)
	}
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true}))
	defer api.Close()
	args := strings.Fields(strings.NewReplacer("http://localhost:8080", api.URL, "localhost:8081", "127.0.0.1:0").Replace(command))
	base, _ := start(t, args...)
	if status, body := get(t, base+"/v2/account", fakeapi.DemoUser, fakeapi.DemoPassword); status != 200 || body != fakeapi.DemoAccount {
		t.Errorf("%s: the demo account through the proxy = %d %q", command, status, body)
	}
}

// signInWalk runs "Sign in with sipgate" on base as a browser would (the
// cookie kept, each redirect followed by hand, Allow on the consent page)
// and returns the callback page.
func signInWalk(t *testing.T, base string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	_, page, err := fakeapi.SignIn(c, base+signin.StartPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(page)
}

var accessToken = regexp.MustCompile(`"accessToken":"([^"]+)"`)

// TestRunDemoSignIn: make demo signs in at the fake login server on its own
// origin, and the API takes the token.
func TestRunDemoSignIn(t *testing.T) {
	base, _ := start(t, "-mock")
	if _, body := get(t, base+"/config.json", "", ""); !strings.Contains(body, `"signIn":"/oauth/start"`) {
		t.Errorf("demo config.json = %s", body)
	}
	m := accessToken.FindStringSubmatch(signInWalk(t, base))
	if m == nil {
		t.Fatal("no token")
	}
	req, _ := http.NewRequest("GET", base+"/v2/account", nil)
	req.Header.Set("Authorization", sipgate.BearerAuth(m[1]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the demo's token: %d", resp.StatusCode)
	}
}

// TestRunProxySignIn: with -proxy, sign-in is on when the environment names
// the client, never printing the secret.
func TestRunProxySignIn(t *testing.T) {
	login := fakeapi.NewLogin()
	ls := httptest.NewServer(login.Handler())
	defer ls.Close()
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true, Login: login}))
	defer api.Close()

	base, _ := start(t, "-proxy", "-upstream", api.URL)
	if _, body := get(t, base+"/config.json", "", ""); body != `{"baseURL":"/v2"}` {
		t.Errorf("without a client, config.json = %s", body)
	}

	t.Setenv("SIPGATE_CLIENT_ID", fakeapi.DemoClientID)
	t.Setenv("SIPGATE_CLIENT_SECRET", fakeapi.DemoClientSecret)
	base, out := start(t, "-proxy", "-upstream", api.URL, "-login-server", ls.URL)
	if _, body := get(t, base+"/config.json", "", ""); body != `{"baseURL":"/v2","signIn":"/oauth/start"}` {
		t.Errorf("with a client, config.json = %s", body)
	}
	if !strings.Contains(out.String(), "register "+base+signin.CallbackPath) {
		t.Errorf("proxy mode does not name the redirect URI:\n%s", out.String())
	}
	page := signInWalk(t, base)
	if m := accessToken.FindStringSubmatch(page); m == nil || login.Issued() != 1 {
		t.Fatalf("the sign-in gave %s", page)
	}
	if strings.Contains(out.String()+page, fakeapi.DemoClientSecret) {
		t.Errorf("the secret was printed or answered:\n%s", out.String())
	}

	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, webserver.WasmFile), []byte("\x00asm"), 0o644)
	t.Setenv("SIPGATE_CLIENT_SECRET", "")
	if err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-proxy", "-dir", dir}, io.Discard); err == nil || !strings.Contains(err.Error(), "SIPGATE_CLIENT_SECRET") {
		t.Errorf("a client ID without a secret = %v", err)
	}
	t.Setenv("SIPGATE_CLIENT_SECRET", "s3cr3t-xyz")
	var printed lockedbuf.Buffer
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-proxy", "-login-server", "http://login.example", "-dir", dir}, &printed)
	if err == nil || strings.Contains(err.Error()+printed.String(), "s3cr3t-xyz") {
		t.Errorf("a login server over http = %v\n%s", err, printed.String())
	}
}
