//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sipgate-account/internal/mockapi"
	"sipgate-account/internal/vectors"
)

// The module's contract (docs/javascript-api.md), checked call by call in
// Chromium against the fake API.

// demoArgs are good credentials for the fake API on the page's origin.
var demoArgs = js(mockapi.DemoUser) + ", " + js(mockapi.DemoPassword) + `, {baseURL: "ORIGIN/v2"}`

// wantAlive checks that a good call still works: the module survived
// whatever the test did before.
func wantAlive(t *testing.T, tab context.Context) {
	t.Helper()
	out := call(t, tab, demoArgs)
	if out.Resolved == nil || !out.Resolved.OK {
		t.Fatalf("a good call after the test failed: %+v %+v", out.Resolved, out.Rejected)
	}
}

func wantRejected(t *testing.T, out outcome, code string, says ...string) {
	t.Helper()
	r := out.Rejected
	if r == nil {
		t.Errorf("resolved with %+v, want rejection %s", out.Resolved, code)
		return
	}
	if !r.IsError || r.Name != "SipgateError" || r.Code != code {
		t.Errorf("rejected with %+v, want an Error named SipgateError with code %s", r, code)
	}
	for _, s := range says {
		if !strings.Contains(r.Message, s) {
			t.Errorf("%s message %q does not say %q", code, r.Message, s)
		}
	}
}

func TestWasmExecMatchesCompiler(t *testing.T) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	// The page's copy, and the Worker's (make edge copies it).
	for _, copy := range []string{filepath.Join(webDir, "wasm_exec.js"), filepath.Join("..", "edge", "build", "wasm_exec.js")} {
		got, err := os.ReadFile(copy)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from $(go env GOROOT)/lib/wasm/wasm_exec.js: run `make build edge` to copy the one that matches the compiler", copy)
		}
	}
}

func TestSuccessResultShape(t *testing.T) {
	tab, _ := openPage(t)
	out := call(t, tab, demoArgs)
	r := out.Resolved
	if r == nil {
		t.Fatalf("rejected: %+v", out.Rejected)
	}
	if !r.OK || r.Status != 200 || r.StatusText != "OK" || r.Body != mockapi.DemoAccount || r.Error != nil {
		t.Errorf("result = %+v", r)
	}
	var account map[string]any
	if err := json.Unmarshal(r.Account, &account); err != nil {
		t.Fatalf("account %s: %v", r.Account, err)
	}
	var want map[string]any
	json.Unmarshal([]byte(mockapi.DemoAccount), &want)
	for k, v := range want {
		if account[k] != v {
			t.Errorf("account.%s = %v, want %v", k, account[k], v)
		}
	}
	wantKeys := []string{"ok", "status", "statusText", "body", "account", "error"}
	for _, k := range wantKeys {
		if !slices.Contains(r.Keys, k) {
			t.Errorf("result has no key %q (keys %v)", k, r.Keys)
		}
	}
	// A path on the page's origin is a baseURL too (a same-origin proxy).
	if out := call(t, tab, js(mockapi.DemoUser)+", "+js(mockapi.DemoPassword)+`, {baseURL: "/v2"}`); out.Resolved == nil || !out.Resolved.OK {
		t.Errorf("baseURL /v2: %+v %+v", out.Resolved, out.Rejected)
	}
	// The personal access token goes through the same call.
	out = call(t, tab, js(mockapi.DemoTokenID)+", "+js(mockapi.DemoToken)+`, {baseURL: "ORIGIN/v2/"}`)
	if out.Resolved == nil || !out.Resolved.OK {
		t.Errorf("token login: %+v %+v", out.Resolved, out.Rejected)
	}
}

func TestHeaderVectorsArriveByteExact(t *testing.T) {
	tab, _ := openPage(t)
	// A cookie on the page's origin must not travel with the call.
	if _, err := runJS(tab, `document.cookie = "session=page-cookie; path=/"`); err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors.Load().Basic {
		out := call(t, tab, js(v.User)+", "+js(v.Pass)+`, {baseURL: "ORIGIN/scenario/echo/v2"}`)
		if out.Resolved == nil || !out.Resolved.OK {
			t.Fatalf("%s: %+v %+v", v.User, out.Resolved, out.Rejected)
		}
		var echo struct{ Authorization, Accept, Cookie, Method string }
		json.Unmarshal(out.Resolved.Account, &echo)
		if echo.Authorization != v.Header {
			t.Errorf("%q/%q: server got Authorization %q, want %q", v.User, v.Pass, echo.Authorization, v.Header)
		}
		if echo.Accept != "application/json" || echo.Method != "GET" || echo.Cookie != "" {
			t.Errorf("%q: server got %+v, want Accept application/json, GET, no cookie", v.User, echo)
		}
	}
}

func TestStatusCodes(t *testing.T) {
	tab, log := openPage(t)
	defer wantNoLeak(t, tab, log, mockapi.DemoUser, "wrong")
	defer wantNoLeak(t, tab, log, mockapi.DemoUser, mockapi.DemoPassword)
	user, pass := js(mockapi.DemoUser), js(mockapi.DemoPassword)
	type statusCase struct {
		name, base string
		status     int
		code       string
		says       string
	}
	// The status table every host shares (internal/vectors), then answers
	// of other shapes.
	var cases []statusCase
	for _, v := range vectors.Load().Statuses {
		cases = append(cases, statusCase{"status " + strconv.Itoa(v.Status), "ORIGIN/scenario/status-" + strconv.Itoa(v.Status) + "/v2", v.Status, v.Code, v.Says})
	}
	cases = append(cases, []statusCase{
		{"wrong password", "ORIGIN/v2", 401, "UNAUTHORIZED", "username and/or password are wrong"},
		{"wrong endpoint", "ORIGIN/v1", 404, "NOT_FOUND", "wrong REST API endpoint, or the account was not found"},
		{"server error page", "ORIGIN/scenario/html-500/v2", 500, "SERVER_ERROR", "the API failed"},
		{"HTML instead of JSON", "ORIGIN/scenario/not-json/v2", 200, "BAD_RESPONSE", "not the expected JSON"},
		{"JSON array", "ORIGIN/scenario/array/v2", 200, "BAD_RESPONSE", "not the expected JSON"},
		{"broken JSON", "ORIGIN/scenario/bad-json/v2", 200, "BAD_RESPONSE", "not the expected JSON"},
		{"body over 1 MiB", "ORIGIN/scenario/too-large/v2", 200, "RESPONSE_TOO_LARGE", "1 MiB"},
	}...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pw := pass
			if c.name == "wrong password" {
				pw = js("wrong")
			}
			out := call(t, tab, user+", "+pw+`, {baseURL: "`+c.base+`"}`)
			r := out.Resolved
			if r == nil {
				t.Fatalf("rejected: %+v", out.Rejected)
			}
			if r.OK || r.Status != c.status || r.Error == nil || r.Error.Code != c.code || string(r.Account) != "null" {
				t.Fatalf("got ok=%v status=%d error=%+v account=%s, want status %d code %s", r.OK, r.Status, r.Error, r.Account, c.status, c.code)
			}
			if !strings.Contains(r.Error.Message, c.says) {
				t.Errorf("message %q does not say %q", r.Error.Message, c.says)
			}
			if c.code == "RESPONSE_TOO_LARGE" && len(r.Body) != 1<<20 {
				t.Errorf("kept %d body bytes, want 1 MiB", len(r.Body))
			}
		})
	}
	wantAlive(t, tab)
}

func TestInputRules(t *testing.T) {
	tab, _ := openPage(t)
	ok := js(mockapi.DemoPassword)
	cases := []struct{ name, args, says string }{
		{"no arguments", ``, "user must be a non-empty string"},
		{"user undefined", `undefined, ` + ok, "user must be a non-empty string"},
		{"user null", `null, ` + ok, "user must be a non-empty string"},
		{"user number", `42, ` + ok, "user must be a non-empty string"},
		{"user String object", `new String("u"), ` + ok, "user must be a non-empty string"},
		{"pass missing", `"u"`, "pass must be a non-empty string"},
		{"pass number", `"u", 1234`, "pass must be a non-empty string"},
		{"user empty", `"", ` + ok, "user must be a non-empty string"},
		{"pass empty", `"u", ""`, "pass must be a non-empty string"},
		{"colon in user", `"a:b", ` + ok, `must not contain ":"`},
		{"NUL in user", `"a\u0000b", ` + ok, "control character (U+0000)"},
		{"LF in pass", `"u", "p\n"`, "control character (U+000A)"},
		{"CR in pass", `"u", "p\r"`, "control character (U+000D)"},
		{"U+001F in pass", `"u", "p\u001f"`, "control character (U+001F)"},
		{"DEL in user", `"u\u007f", ` + ok, "control character (U+007F)"},
		{"user over 4096 bytes", `"a".repeat(4097), ` + ok, "longer than 4096 bytes"},
		{"pass over 4096 UTF-8 bytes, 1366 UTF-16 units", `"u", "€".repeat(1366)`, "longer than 4096 bytes"},
		{"lone surrogate", `"u", "p\ud800"`, "lone UTF-16 surrogate"},
		{"options a string", `"u", ` + ok + `, "https://api.sipgate.com/v2"`, "options must be an object"},
		{"options a number", `"u", ` + ok + `, 5`, "options must be an object"},
		{"baseURL empty", `"u", ` + ok + `, {baseURL: ""}`, "baseURL must not be empty"},
		{"baseURL a number", `"u", ` + ok + `, {baseURL: 5}`, "baseURL must be a string"},
		{"baseURL null", `"u", ` + ok + `, {baseURL: null}`, "baseURL must be a string"},
		{"baseURL relative, not a path", `"u", ` + ok + `, {baseURL: "v2"}`, "absolute URL"},
		{"baseURL protocol-relative", `"u", ` + ok + `, {baseURL: "//evil.example/v2"}`, "absolute URL"},
		{"baseURL not a URL", `"u", ` + ok + `, {baseURL: "not a url"}`, "absolute URL"},
		{"baseURL http to another host", `"u", ` + ok + `, {baseURL: "http://api.sipgate.com/v2"}`, "must use https"},
		{"baseURL ftp", `"u", ` + ok + `, {baseURL: "ftp://localhost/v2"}`, "must use https"},
		{"baseURL with credentials", `"u", ` + ok + `, {baseURL: "https://u:p@api.sipgate.com/v2"}`, "user info"},
		{"baseURL with two trailing slashes", `"u", ` + ok + `, {baseURL: "https://api.sipgate.com/v2//"}`, "more than one slash"},
		{"timeoutMs zero", `"u", ` + ok + `, {timeoutMs: 0}`, "timeoutMs must be a number > 0"},
		{"timeoutMs negative", `"u", ` + ok + `, {timeoutMs: -5}`, "timeoutMs must be a number > 0"},
		{"timeoutMs NaN", `"u", ` + ok + `, {timeoutMs: NaN}`, "timeoutMs must be a number > 0"},
		{"timeoutMs a string", `"u", ` + ok + `, {timeoutMs: "100"}`, "timeoutMs must be a number > 0"},
		{"signal not an AbortSignal", `"u", ` + ok + `, {signal: {aborted: true}}`, "signal must be an AbortSignal"},
		{"signal null", `"u", ` + ok + `, {signal: null}`, "signal must be an AbortSignal"},
		{"a getter that throws", `"u", ` + ok + `, {get baseURL() { throw new Error("boom"); }}`, "boom"},
		{"a Proxy that throws", `"u", ` + ok + `, new Proxy({}, {get() { throw new TypeError("trap"); }})`, "could not be read"},
		{"a signal Proxy that throws", `"u", ` + ok + `, {signal: new Proxy({}, {getPrototypeOf() { throw new Error("trap"); }})}`, "signal must be an AbortSignal"},
		{"user a Symbol", `Symbol("u"), ` + ok, "user must be a non-empty string, not symbol"},
		{"pass a Symbol", `"u", Symbol("p")`, "pass must be a non-empty string, not symbol"},
		{"user an object", `{toString() { return "u"; }}, ` + ok, "user must be a non-empty string, not object"},
		{"pass a BigInt", `"u", 10n`, "pass must be a non-empty string"},
		{"timeoutMs a BigInt", `"u", ` + ok + `, {timeoutMs: 10n}`, "timeoutMs must be a number > 0, not a BigInt"},
		{"options a Symbol", `"u", ` + ok + `, Symbol("o")`, "options must be an object"},
		{"options a function", `"u", ` + ok + `, () => ({})`, "options must be an object"},
		{"options true", `"u", ` + ok + `, true`, "options must be an object"},
		{"user a million characters", `"a".repeat(1e6), ` + ok, "longer than 4096 bytes"},
		{"pass a hundred million characters", `"u", "p".repeat(1e8)`, "longer than 4096 bytes"},
		{"header injection in user", `"a\r\nX-Injected: 1", ` + ok, "control character (U+000D)"},
		{"header injection in pass", `"u", "p\nX-Injected: 1"`, "control character (U+000A)"},
		{"lone low surrogate in user", `"\udc00u", ` + ok, "lone UTF-16 surrogate"},
		{"U+FFFD itself is fine but NUL is not", `"u\ufffd", "p\u0000"`, "control character (U+0000)"},
	}
	before := apiRequests.Load()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantRejected(t, call(t, tab, c.args), "INVALID_ARGUMENT", c.says)
		})
	}
	if n := apiRequests.Load() - before; n != 0 {
		t.Errorf("bad input sent %d requests, want none", n)
	}
	// Allowed edge cases: defaults for undefined and null options, unknown
	// keys ignored, a password with ":" and exactly 4096 bytes.
	for _, args := range []string{
		js(mockapi.DemoUser) + `, "x:y", undefined`,
		js(mockapi.DemoUser) + `, "x:y", null`,
		js(mockapi.DemoUser) + `, "é".repeat(2048), {baseURL: undefined, timeoutMs: undefined, signal: undefined, unknown: 1}`,
	} {
		out := call(t, tab, args)
		// The default baseURL is the real API, unreachable here (and outside
		// the page's CSP): the input passed, and the call failed on the network.
		if out.Rejected != nil && out.Rejected.Code == "INVALID_ARGUMENT" {
			t.Errorf("fetchAccount(%s) refused good input: %s", args, out.Rejected.Message)
		}
	}
	wantAlive(t, tab)
}
