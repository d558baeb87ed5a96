// Forged callbacks, too many requests, and what the network may write
// into the log.

package signin

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sipgate-account/internal/fakeapi"
)

// TestForgedCallbacks: callbacks with a state and a cookie that a client
// made itself, not this server, are refused without a token call, which
// would spend the client's secret at the login server.
func TestForgedCallbacks(t *testing.T) {
	login := fakeapi.NewLogin()
	var tokenCalls atomic.Int64
	ls := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			tokenCalls.Add(1)
		}
		login.Handler().ServeHTTP(w, r)
	}))
	defer ls.Close()
	f, err := New(Config{ClientID: fakeapi.DemoClientID, ClientSecret: fakeapi.DemoClientSecret, LoginServer: ls.URL, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	other := newSealer("another secret")
	for i := 0; i < 100; i++ {
		state, verifier := fmt.Sprintf("S%d", i), fmt.Sprintf("V%d", i)
		value := []string{
			state + "." + verifier,                                                               // the old, unsigned shape
			other.seal(state, verifier, time.Now()),                                              // signed with another key
			f.sealer.seal(state, verifier, time.Now().Add(-11*time.Minute)),                      // too old
			strings.Replace(f.sealer.seal("X"+state, verifier, time.Now()), "X"+state, state, 1), // changed
		}[i%4]
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s%s?state=%s&code=C%d", srv.URL, CallbackPath, state, i), nil)
		req.AddCookie(&http.Cookie{Name: cookieBase, Value: value})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if m := outcome(t, string(b)); m.Code != CodeState {
			t.Fatalf("forged callback %d: %+v, want %s", i, m, CodeState)
		}
	}
	if n := tokenCalls.Load(); n != 0 {
		t.Errorf("100 forged callbacks made %d token calls", n)
	}
}

// TestRateLimit: /oauth/ allows Limit requests a minute per client
// address, then answers 429 with Retry-After, without a token call.
func TestRateLimit(t *testing.T) {
	srv, login, c := flowWith(t, Config{Limit: 3})
	for i := 0; i < 3; i++ {
		if resp, _ := get(t, c, srv.URL+StartPath); resp.StatusCode != http.StatusFound {
			t.Fatalf("start %d: %d", i, resp.StatusCode)
		}
	}
	resp, body := get(t, c, srv.URL+CallbackPath+"?state=S&code=C")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "3 requests a minute") {
		t.Errorf("the 4th request: %d %q %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if login.Issued() != 0 {
		t.Errorf("%d tokens issued", login.Issued())
	}
}

// TestLogLinesQuoted: what the login server sends reaches the log quoted,
// so it cannot make a line of its own.
func TestLogLinesQuoted(t *testing.T) {
	var lines []string
	f, _ := New(Config{ClientID: "a", ClientSecret: "b", Logf: func(format string, args ...any) {
		lines = append(lines, fmt.Sprintf(format, args...))
	}})
	r := httptest.NewRequest("GET", "http://127.0.0.1/oauth/callback", nil)
	f.Finish(r, 400, http.Header{"Content-Type": {"application/json"}}, []byte(`{"error":"invalid_grant\nINJECTED LOG LINE"}`))
	f.Finish(r, 502, http.Header{"Content-Type": {"text/html\nINJECTED"}}, []byte(`x`))
	f.Failed(r, errors.New("dial: refused\nINJECTED"))
	if len(lines) != 3 {
		t.Fatalf("log lines %q", lines)
	}
	for _, l := range lines {
		if strings.Contains(l, "\n") {
			t.Errorf("a log line holds a line break: %q", l)
		}
	}
}
