package webserver

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStaysInsideTheWebRoot(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("page"), 0o644)
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("outside the root"), 0o644)
	// Links placed inside the root, by mistake or by someone else.
	os.Symlink(outside, filepath.Join(dir, "leak.txt"))
	os.Symlink("/etc/passwd", filepath.Join(dir, "passwd.txt"))
	os.Symlink(filepath.Dir(outside), filepath.Join(dir, "elsewhere"))
	os.Symlink("index.html", filepath.Join(dir, "inside.html")) // stays inside: fine
	h, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, path := range []string{"/leak.txt", "/passwd.txt", "/elsewhere/secret.txt"} {
		resp, body := fetch(t, srv, path)
		if resp.StatusCode != 404 || strings.Contains(body, "outside") || strings.Contains(body, "root:") {
			t.Errorf("GET %s = %d %q, want 404", path, resp.StatusCode, body)
		}
	}
	if resp, body := fetch(t, srv, "/inside.html"); resp.StatusCode != 200 || body != "page" {
		t.Errorf("a link within the root: %d %q", resp.StatusCode, body)
	}
}

func TestBadNames(t *testing.T) {
	srv := newTestServer(t)
	for path, want := range map[string]int{
		"/index.html%00":                   400,
		"/%00":                             400,
		"/index.html%0d%0aX-Injected:%201": 400,
		"/" + strings.Repeat("a", 60_000):  404,
		"/sub/" + strings.Repeat("b", 256): 404,
	} {
		resp, body := fetch(t, srv, path)
		if resp.StatusCode != want {
			t.Errorf("GET %.40s… = %d %q, want %d", path, resp.StatusCode, body, want)
		}
		if resp.Header.Get("X-Injected") != "" {
			t.Errorf("GET %.40s… set a header", path)
		}
	}
}

func TestTypesTheDeclarationsAsText(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sipgate-account.d.ts"), []byte("export {};"), 0o644)
	h, _ := New(Config{Dir: dir})
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, _ := fetch(t, srv, "/sipgate-account.d.ts")
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf(".d.ts served as %q, want text/plain", ct)
	}
}

func TestCapsRanges(t *testing.T) {
	srv := newCompressedServer(t)
	many := "bytes=" + strings.TrimSuffix(strings.Repeat("0-0,", 6000), ",")
	resp, body := get(t, srv, "GET", "/"+WasmFile, "", "Range", many)
	if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable || len(body) > 200 {
		t.Errorf("6000 ranges: %d, %d bytes; want 416 and a short answer", resp.StatusCode, len(body))
	}
	resp, body = get(t, srv, "GET", "/"+WasmFile, "", "Range", "bytes=0-0,2-2")
	if resp.StatusCode != http.StatusPartialContent || !strings.Contains(body, "multipart") && !strings.Contains(resp.Header.Get("Content-Type"), "multipart") {
		t.Errorf("two ranges: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// guardedServer serves a web root with one large file through GuardListener.
func guardedServer(t *testing.T, writeStall time.Duration, perClient int) (addr string, size int, guard *guardListener) {
	t.Helper()
	dir := t.TempDir()
	size = 32 << 20 // more than the socket buffers on both ends hold
	f, _ := os.Create(filepath.Join(dir, "big.txt"))
	f.Truncate(int64(size))
	f.Close()
	h, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	guard = GuardListener(ln, writeStall, perClient).(*guardListener)
	go srv.Serve(guard)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), size, guard
}

// openConns is how many connections the guard counts as open.
func (l *guardListener) openConns() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.open {
		n += c
	}
	return n
}

func TestDropsAClientThatStopsReading(t *testing.T) {
	addr, size, guard := guardedServer(t, 300*time.Millisecond, 8)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	// Read nothing until the server has taken the connection (before that
	// it counts none) and then let go of it.
	for deadline := time.Now().Add(30 * time.Second); guard.openConns() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the server never took the connection")
		}
		time.Sleep(time.Millisecond)
	}
	for deadline := time.Now().Add(30 * time.Second); guard.openConns() > 0; {
		if time.Now().After(deadline) {
			t.Fatal("the server still holds the connection of a client that reads nothing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	n, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection is still open after %d bytes", n)
	}
	if n >= int64(size) {
		t.Errorf("the whole file arrived (%d bytes): the stalled client was not dropped", n)
	}
}

func TestSlowButMovingAnswersStay(t *testing.T) {
	addr, size, _ := guardedServer(t, 300*time.Millisecond, 8)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || n != int64(size) {
		t.Errorf("a reading client got %d of %d bytes: %v", n, size, err)
	}
}

func TestCapsConnectionsPerClient(t *testing.T) {
	addr, _, guard := guardedServer(t, time.Minute, 4)
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 4; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// Each of the four is served.
	for i, c := range conns {
		io.WriteString(c, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		resp.Body.Close()
	}
	// The fifth is closed without an answer.
	fifth, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fifth, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
	fifth.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := io.ReadAll(fifth)
	fifth.Close()
	if len(b) > 0 || (err != nil && !errors.Is(err, syscall.ECONNRESET)) {
		t.Errorf("a fifth connection from the same address got %q, %v; want it closed", b, err)
	}
	// Once one closes, the address may connect again.
	conns[0].Close()
	conns = conns[1:]
	for deadline := time.Now().Add(10 * time.Second); guard.openConns() > 3; {
		if time.Now().After(deadline) {
			t.Fatal("the server still counts a closed connection")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no new connection is served after one closed: %v", err)
	}
	resp.Body.Close()
}
