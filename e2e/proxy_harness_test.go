//go:build e2e

// The proxy tests' upstream API and their ways of asking a proxy: as a
// client, raw, from another address.

package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
	"sipgate-account/sipgate"
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
