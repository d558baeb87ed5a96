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

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/vectors"
)

// The module's contract (docs/javascript-api.md), checked call by call in
// Chromium against the fake API.

// demoArgs are good credentials for the fake API on the page's origin.
var demoArgs = js(fakeapi.DemoUser) + ", " + js(fakeapi.DemoPassword) + `, {baseURL: "ORIGIN/v2"}`

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
	if !r.OK || r.Status != 200 || r.StatusText != "OK" || r.Body != fakeapi.DemoAccount || r.Error != nil {
		t.Errorf("result = %+v", r)
	}
	var account map[string]any
	if err := json.Unmarshal(r.Account, &account); err != nil {
		t.Fatalf("account %s: %v", r.Account, err)
	}
	var want map[string]any
	json.Unmarshal([]byte(fakeapi.DemoAccount), &want)
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
	if out := call(t, tab, js(fakeapi.DemoUser)+", "+js(fakeapi.DemoPassword)+`, {baseURL: "/v2"}`); out.Resolved == nil || !out.Resolved.OK {
		t.Errorf("baseURL /v2: %+v %+v", out.Resolved, out.Rejected)
	}
	// The personal access token goes through the same call.
	out = call(t, tab, js(fakeapi.DemoTokenID)+", "+js(fakeapi.DemoToken)+`, {baseURL: "ORIGIN/v2/"}`)
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
	defer wantNoLeak(t, tab, log, fakeapi.DemoUser, "wrong")
	defer wantNoLeak(t, tab, log, fakeapi.DemoUser, fakeapi.DemoPassword)
	user, pass := js(fakeapi.DemoUser), js(fakeapi.DemoPassword)
	type statusCase struct {
		name, base string
		status     int
		code       string
		says       string
	}
	// The status table every host shares (internal/testkit/vectors), then answers
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
	// A body that is not UTF-8 reaches the page as the browser's own
	// decoder reads it.
	t.Run("body not UTF-8", func(t *testing.T) {
		out := call(t, tab, user+", "+pass+`, {baseURL: "ORIGIN/scenario/latin1/v2"}`)
		want, err := runJS(tab, `new TextDecoder().decode(new Uint8Array(`+latin1Bytes()+`))`)
		if err != nil {
			t.Fatal(err)
		}
		if out.Resolved == nil || out.Resolved.Body != want || want != "Zugriff verweigert f\uFFFDr Gr\uFFFD\uFFFDe \uFFFD (401)" {
			t.Errorf("body %+v, want %q", out.Resolved, want)
		}
	})
	wantAlive(t, tab)
}

// latin1Bytes is the latin1 scenario's body as a JavaScript array of
// its bytes.
func latin1Bytes() string {
	var b []int
	for _, c := range []byte(fakeapi.Latin1Body) {
		b = append(b, int(c))
	}
	list, _ := json.Marshal(b)
	return string(list)
}

func TestInputRules(t *testing.T) {
	tab, _ := openPage(t)
	// The input rules' one table (internal/testkit/vectors), as every engine's
	// self-test reads it; e2e/selftest/inputs.js builds the arguments.
	inputs := vectors.Load().Inputs
	before := apiRequests.Load()
	for _, in := range inputs {
		t.Run(in.Name, func(t *testing.T) {
			args, _ := json.Marshal(in.Args)
			out := callFunc(t, tab, in.Call, `...(await import("/selftest/inputs.js")).decodeArgs(`+string(args)+`)`)
			wantRejected(t, out, "INVALID_ARGUMENT", in.Says)
		})
	}
	if n := apiRequests.Load() - before; n != 0 {
		t.Errorf("bad input sent %d requests, want none", n)
	}
	// Allowed edge cases: defaults for undefined and null options, unknown
	// keys ignored, a password with ":" and exactly 4096 bytes.
	for _, args := range []string{
		js(fakeapi.DemoUser) + `, "x:y", undefined`,
		js(fakeapi.DemoUser) + `, "x:y", null`,
		js(fakeapi.DemoUser) + `, "é".repeat(2048), {baseURL: undefined, timeoutMs: undefined, signal: undefined, unknown: 1}`,
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

// TestPromiseWithoutWithResolvers: in an engine without
// Promise.withResolvers (before 2024) the module makes its promises with
// an executor, and they settle as they do elsewhere: a call resolves, a
// refused one rejects, and a timeout rejects with its limit.
func TestPromiseWithoutWithResolvers(t *testing.T) {
	tab, _ := openPage(t)
	got := evaluate[map[string]any](t, tab, `(async () => {
		const { load } = await import("/sipgate-account.js?older-engine");
		delete globalThis[Symbol.for("sipgate-account.instance")];
		delete globalThis.fetchAccount; delete globalThis.fetchAccountWithToken;
		delete Promise.withResolvers;
		performance.clearMarks();
		const sg = await load({worker: false});
		const thread = `+threadJS+`;
		const settle = (p) => p.then((r) => r.ok ? "ok" : r.error.code, (e) => e.code);
		return {
			thread,
			ok: await settle(sg.fetchAccount(`+demoArgs+`)),
			refused: await settle(sg.fetchAccount("", "p")),
			timeout: await settle(sg.fetchAccount("u", "p", {baseURL: "ORIGIN/scenario/hang/v2", timeoutMs: 50})),
			unauthorized: await settle(sg.fetchAccount("u", "p", {baseURL: "ORIGIN/v2"})),
		};
	})()`)
	want := map[string]any{"thread": "page, Go on the page", "ok": "ok", "refused": "INVALID_ARGUMENT", "timeout": "TIMEOUT", "unauthorized": "UNAUTHORIZED"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}
