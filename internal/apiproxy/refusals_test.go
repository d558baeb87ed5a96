// What the proxy refuses to pass on, either way.

package apiproxy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// rawRequest sends request bytes as written on a new connection and
// returns the status line and headers of the answer.
func rawRequest(t *testing.T, addr string, request string, body io.Reader) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		io.WriteString(conn, request)
		if body != nil {
			io.Copy(conn, body)
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRefusesRequestBodies(t *testing.T) {
	up := newUpstream(t, account)
	p := newProxy(t, Config{Upstream: up.URL})
	addr := strings.TrimPrefix(p.URL, "http://")
	head := "GET /v2/account HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n"
	cases := []struct {
		name, request string
		body          io.Reader
	}{
		{"Content-Length", head + "Content-Length: 5\r\n\r\nhello", nil},
		{"50 MB", head + "Content-Length: 52428800\r\n\r\n", io.LimitReader(zeros{}, 50<<20)},
		{"chunked", head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", nil},
		{"chunked with a trailer", head + "Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n", nil},
		{"Content-Length and chunked", head + "Content-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := rawRequest(t, addr, c.request, c.body)
			if resp.StatusCode != 400 || !strings.Contains(body, "has no body") {
				t.Errorf("got %d %s, want 400", resp.StatusCode, body)
			}
		})
	}
	if n := up.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the API, want none", n)
	}
	// A GET without a body still goes through on a fresh connection.
	if resp, _ := rawRequest(t, addr, head+"\r\n", nil); resp.StatusCode != 200 {
		t.Errorf("a GET without a body: %d", resp.StatusCode)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// withSecurityHeaders stands for the server around the proxy (cmd/serve
// sets its headers before the proxy runs).
func withSecurityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

func TestNoInformationalAnswerReachesTheClient(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Set-Cookie", "early=1")
		h.Set("WWW-Authenticate", `Basic realm="early"`)
		h.Set("Link", "</evil.js>; rel=preload; as=script")
		w.WriteHeader(http.StatusEarlyHints)
		w.WriteHeader(http.StatusProcessing)
		clear(h)
		account(w, r)
	})
	h, err := New(Config{Upstream: up.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(withSecurityHeaders(h))
	defer srv.Close()
	var informational []int
	req, _ := http.NewRequest("GET", srv.URL+"/v2/account", nil)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		Got1xxResponse: func(code int, _ textproto.MIMEHeader) error {
			informational = append(informational, code)
			return nil
		},
	}))
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(informational) > 0 {
		t.Errorf("the client got informational answers %v", informational)
	}
	h2 := resp.Header
	if resp.StatusCode != 200 || h2.Get("Content-Security-Policy") == "" || h2.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("final answer %d lost the security headers: %v", resp.StatusCode, h2)
	}
	if h2.Get("Set-Cookie") != "" || h2.Get("WWW-Authenticate") != "" || h2.Get("Link") != "" {
		t.Errorf("headers of the 1xx reached the client: %v", h2)
	}
}

func TestRefusesSwitchingProtocols(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		rw.Flush()
		io.Copy(io.Discard, conn) // held open until the proxy lets go
	})
	// A timeout far beyond the test's: the answer must not wait for it.
	p := newProxy(t, Config{Upstream: up.URL, Timeout: time.Hour})
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(p.URL + "/v2/account")
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.Contains(string(body), "informational") {
		t.Errorf("upstream 101: %d %s, want 502", resp.StatusCode, body)
	}
}

func TestRefusesCompressedAnswers(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"company":"ACME"}`))
	zw.Close()
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip") // though asked for identity
		w.Write(gz.Bytes())
	})
	p := newProxy(t, Config{Upstream: up.URL})
	resp, body := do(t, "GET", p.URL+"/v2/account")
	if resp.StatusCode != 502 || !strings.Contains(body, "compressed") {
		t.Errorf("a gzip answer: %d %q, want 502", resp.StatusCode, body)
	}
	if got := up.last.Header.Get("Accept-Encoding"); got != "identity" {
		t.Errorf("the API was asked for Accept-Encoding %q, want identity", got)
	}
}
