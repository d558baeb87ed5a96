package sipgate

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sipgate-account/internal/testkit/vectors"
)

// result maps a response as the client does after a Basic call.
func result(status int, h http.Header, body string, tooLarge bool) *Result {
	return newResult(response{status: status, header: h, body: []byte(body), tooLarge: tooLarge})
}

func TestNewResultMapping(t *testing.T) {
	type mapping struct {
		status int
		body   string
		code   Code
		says   string
	}
	// The status table every host shares (internal/testkit/vectors), then bodies.
	var cases []mapping
	retryAfter := map[int]string{}
	for _, v := range vectors.Load().Statuses {
		cases = append(cases, mapping{v.Status, `{"status":` + strconv.Itoa(v.Status) + `}`, Code(v.Code), v.Says})
		retryAfter[v.Status] = v.RetryAfter
	}
	cases = append(cases, []mapping{
		{200, `{"company":"ACME"}`, "", ""},
		{200, "  {\"a\":1}\n", "", ""},
		{200, `{}`, "", ""},
		{204, ``, CodeBadResponse, "not the expected JSON"},
		{200, `[{"company":"ACME"}]`, CodeBadResponse, "not the expected JSON"},
		{200, `{"company":`, CodeBadResponse, "not the expected JSON"},
		{200, `{"company":"ACME"} trailing`, CodeBadResponse, "not the expected JSON"},
		{200, `<html>`, CodeBadResponse, "not the expected JSON"},
		{200, `"text"`, CodeBadResponse, "not the expected JSON"},
		{401, ``, CodeUnauthorized, "username and/or password are wrong"},
		{404, ``, CodeNotFound, "or the account was not found"},
		{403, "This endpoint requires a sipgate Classic PBX Account", CodeForbidden, "account:read"},
		{500, `<h1>oops</h1>`, CodeServerError, "the API failed"},
		{302, ``, CodeHTTPError, "302"},
		{600, ``, CodeHTTPError, "600"},
	}...)
	for _, c := range cases {
		h := http.Header{}
		if v := retryAfter[c.status]; v != "" {
			h.Set("Retry-After", v)
		}
		r := result(c.status, h, c.body, false)
		if r.Status != c.status || r.Body != c.body {
			t.Errorf("%d %q: status/body = %d %q", c.status, c.body, r.Status, r.Body)
		}
		if c.code == "" {
			if !r.OK || r.Problem != nil || string(r.Account) != strings.TrimSpace(c.body) {
				t.Errorf("%d %q: want ok with account, got %+v", c.status, c.body, r)
			}
			continue
		}
		if r.OK || r.Account != nil || r.Problem == nil || r.Problem.Code != c.code {
			t.Errorf("%d %q: want %s, got %+v", c.status, c.body, c.code, r)
			continue
		}
		if !strings.Contains(r.Problem.Summary(), c.says) {
			t.Errorf("%d: summary %q does not say %q", c.status, r.Problem.Summary(), c.says)
		}
	}
}

func TestNewResultTooLargeWinsOverStatus(t *testing.T) {
	for _, status := range []int{200, 401, 500} {
		r := result(status, nil, "{}", true)
		if r.OK || r.Problem == nil || r.Problem.Code != CodeResponseTooLarge || !strings.Contains(r.Problem.Summary(), "1 MiB") {
			t.Errorf("status %d: %+v", status, r)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for v, says := range map[string]string{
		"120":                           "try again in 120 seconds (Retry-After: 120)",
		"Wed, 21 Oct 2037 07:28:00 GMT": "try again after Wed, 21 Oct 2037 07:28:00 GMT",
		"":                              "wait a while",
		"<script>":                      "wait a while",
	} {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		r := result(429, h, "", false)
		if !strings.Contains(r.Problem.Summary(), says) {
			t.Errorf("Retry-After %q: summary %q does not say %q", v, r.Problem.Summary(), says)
		}
	}
}

func wantCode(t *testing.T, err error, code Code) *Error {
	t.Helper()
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v (%T), want *Error with %s", err, err, code)
	}
	if se.Code != code {
		t.Fatalf("got code %s (%s), want %s", se.Code, se.Summary(), code)
	}
	return se
}

func TestAccountSuccess(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "GET" || r.URL.Path != "/v2/account" {
			http.NotFound(w, r)
			return
		}
		got = r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"company":"ACME","verified":true,"extra":{"x":[1,2]}}`))
	}))
	defer srv.Close()

	res, err := NewClient(srv.Client()).Account(context.Background(), "test", "123£", Options{BaseURL: srv.URL + "/v2/"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.Status != 200 || res.StatusText != "OK" || string(res.Account) != `{"company":"ACME","verified":true,"extra":{"x":[1,2]}}` {
		t.Errorf("result = %+v", res)
	}
	if got.Get("Authorization") != "Basic dGVzdDoxMjPCow==" || got.Get("Accept") != "application/json" || got.Get("Cookie") != "" {
		t.Errorf("headers = %v", got)
	}
}

func TestAccountInvalidInputSendsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := NewClient(nil)
	for _, in := range []struct{ user, pass, base string }{
		{"", "p", srv.URL}, {"u", "", srv.URL}, {"a:b", "p", srv.URL}, {"u", "p\n", srv.URL},
		{"u", "p", strings.Replace(srv.URL, "http://", "ftp://", 1)},
	} {
		_, err := c.Account(context.Background(), in.user, in.pass, Options{BaseURL: in.base})
		wantCode(t, err, CodeInvalidArgument)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

func TestAccountStatusOverHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	res, err := NewClient(nil).Account(context.Background(), "u", "p", Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.Problem.Code != CodeRateLimited || !strings.Contains(res.Problem.Summary(), "7 seconds") {
		t.Errorf("result = %+v", res.Problem)
	}
}

func TestAccountTooLarge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("{"))
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for i := 0; i < 80; i++ { // 5 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	res, err := NewClient(nil).Account(context.Background(), "u", "p", Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res.Problem == nil || res.Problem.Code != CodeResponseTooLarge || len(res.Body) != MaxBodyBytes {
		t.Errorf("got %v with %d body bytes", res.Problem, len(res.Body))
	}
}

func TestAccountNetworkRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = NewClient(nil).Account(context.Background(), "u", "p", Options{BaseURL: "http://" + addr})
	se := wantCode(t, err, CodeNetwork)
	if se.Network == nil || se.Network.Failure != NetworkRefused || se.Network.Host != addr || !strings.Contains(se.Summary(), "refused") {
		t.Errorf("NETWORK problem %+v: %s", se.Problem, se.Summary())
	}
}

func TestAccountNetworkNoHost(t *testing.T) {
	_, err := NewClient(nil).Account(context.Background(), "u", "p", Options{BaseURL: "https://no-such-host.invalid/v2"})
	se := wantCode(t, err, CodeNetwork)
	if se.Network == nil || se.Network.Failure != NetworkNoHost || !strings.Contains(se.Summary(), "no-such-host.invalid") {
		t.Errorf("NETWORK problem %+v: %s", se.Problem, se.Summary())
	}
}

func TestAccountRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.RedirectHandler(other.URL+"/v2/account", http.StatusFound))
	defer srv.Close()
	_, err := NewClient(nil).Account(context.Background(), "u", "p", Options{BaseURL: srv.URL})
	if se := wantCode(t, err, CodeNetwork); se.Network == nil || se.Network.Failure != NetworkRedirect {
		t.Errorf("NETWORK problem %+v", se.Problem)
	}
	if elsewhere.Load() != 0 {
		t.Error("the redirect was followed")
	}
}

// hang answers nothing until the client goes away.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// trickle sends headers and then one byte at a time, for a long while.
func trickle(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(200)
	for i := 0; i < 200; i++ {
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestAccountTimeout(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{"headers": hang, "body": trickle} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			_, err := NewClient(nil).Account(context.Background(), "u", "p", Options{BaseURL: srv.URL, Timeout: 100 * time.Millisecond})
			se := wantCode(t, err, CodeTimeout)
			if se.Timeout == nil || se.Timeout.After != 100*time.Millisecond || !strings.Contains(se.Summary(), "within 100ms") {
				t.Errorf("TIMEOUT problem %+v: %s", se.Problem, se.Summary())
			}
		})
	}
}

func TestAccountAborted(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{"headers": hang, "body": trickle} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			_, err := NewClient(nil).Account(ctx, "u", "p", Options{BaseURL: srv.URL})
			wantCode(t, err, CodeAborted)
		})
	}
	t.Run("before the call", func(t *testing.T) {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := NewClient(nil).Account(ctx, "u", "p", Options{BaseURL: srv.URL})
		wantCode(t, err, CodeAborted)
		if hits.Load() != 0 {
			t.Error("a request was sent after the abort")
		}
	})
}

// TestRateLimitIsTyped: a 429's Retry-After arrives as a duration to wait,
// in seconds or from a date, and nil when there is none to read.
func TestRateLimitIsTyped(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for header, want := range map[string]time.Duration{
		"30":                            30 * time.Second,
		" 0 ":                           0,
		"Mon, 30 Nov 2026 12:02:00 GMT": 2 * time.Minute,
		"Mon, 30 Nov 2026 11:00:00 GMT": 0, // past: at once
	} {
		rl := rateLimit(header, now)
		if rl.RetryAfter == nil || *rl.RetryAfter != want {
			t.Errorf("Retry-After %q: %v, want %v", header, rl.RetryAfter, want)
		}
	}
	for _, header := range []string{"", "soon", "-5"} {
		if rl := rateLimit(header, now); rl.RetryAfter != nil {
			t.Errorf("Retry-After %q: %v, want none", header, *rl.RetryAfter)
		}
	}
}
