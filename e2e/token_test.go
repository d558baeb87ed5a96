//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"sipgate-account/internal/mockapi"
)

// fetchAccountWithToken: the same contract as fetchAccount, with an OAuth
// access token sent as a Bearer token.

func TestTokenCalls(t *testing.T) {
	tab, _ := openPage(t)
	const fn = "fetchAccountWithToken"

	out := callFunc(t, tab, fn, js(mockapi.DemoAccessToken)+`, {baseURL: "ORIGIN/v2"}`)
	if out.Resolved == nil || !out.Resolved.OK || string(out.Resolved.Account) != mockapi.DemoAccount {
		t.Fatalf("demo access token: %+v %+v", out.Resolved, out.Rejected)
	}

	out = callFunc(t, tab, fn, `"abc.DEF-123_~+/=", {baseURL: "ORIGIN/scenario/echo/v2"}`)
	var echo struct{ Authorization, Accept, Cookie, Method string }
	if out.Resolved == nil || json.Unmarshal(out.Resolved.Account, &echo) != nil {
		t.Fatalf("echo: %+v %+v", out.Resolved, out.Rejected)
	}
	if echo.Authorization != "Bearer abc.DEF-123_~+/=" || echo.Accept != "application/json" || echo.Method != "GET" || echo.Cookie != "" {
		t.Errorf("server got %+v, want Authorization Bearer abc.DEF-123_~+/=, Accept application/json, GET, no cookie", echo)
	}

	out = callFunc(t, tab, fn, `"expired-token", {baseURL: "ORIGIN/v2"}`)
	if r := out.Resolved; r == nil || r.OK || r.Status != 401 || r.Error.Code != "UNAUTHORIZED" || !strings.Contains(r.Error.Message, "the access token was refused: it is wrong, expired or revoked, or lacks the scope account:read") {
		t.Errorf("wrong token: %+v %+v", out.Resolved, out.Rejected)
	}
	// Options, timeouts and aborts are shared with fetchAccount.
	wantRejected(t, callFunc(t, tab, fn, `"tok", {baseURL: "ORIGIN/scenario/hang/v2", timeoutMs: 50}`), "TIMEOUT")
	wantRejected(t, callFunc(t, tab, fn, `"tok", {baseURL: "ORIGIN/v2", signal: AbortSignal.abort()}`), "ABORTED")
}

func TestTokenInputRules(t *testing.T) {
	tab, _ := openPage(t)
	cases := []struct{ name, args, says string }{
		{"no arguments", ``, "accessToken must be a non-empty string"},
		{"a number", `42`, "accessToken must be a non-empty string, not number"},
		{"null", `null`, "accessToken must be a non-empty string"},
		{"a BigInt", `1n`, "accessToken must be a non-empty string"},
		{"empty", `""`, "accessToken must be a non-empty string"},
		{"with the scheme", `"Bearer abc"`, "whitespace"},
		{"a trailing space", `"abc "`, "whitespace"},
		{"a tab", `"a\tb"`, "whitespace"},
		{"a line feed", `"a\nb"`, "control character (U+000A)"},
		{"header injection", `"a\r\nX-Injected: 1"`, "control character (U+000D)"},
		{"NUL", `"a\u0000b"`, "control character (U+0000)"},
		{"non-ASCII", `"tökén"`, "non-ASCII"},
		{"no-break space", `"a\u00a0b"`, "non-ASCII"},
		{"over 4096 bytes", `"a".repeat(4097)`, "longer than 4096 bytes"},
		{"a million characters", `"a".repeat(1e6)`, "longer than 4096 bytes"},
		{"lone surrogate", `"a\ud800"`, "lone UTF-16 surrogate"},
		{"options a string", `"tok", "https://api.sipgate.com/v2"`, "options must be an object"},
		{"baseURL http to another host", `"tok", {baseURL: "http://api.sipgate.com/v2"}`, "must use https"},
		{"timeoutMs zero", `"tok", {timeoutMs: 0}`, "timeoutMs must be a number > 0"},
		{"signal not an AbortSignal", `"tok", {signal: {}}`, "signal must be an AbortSignal"},
	}
	before := apiRequests.Load()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantRejected(t, callFunc(t, tab, "fetchAccountWithToken", c.args), "INVALID_ARGUMENT", c.says)
		})
	}
	if n := apiRequests.Load() - before; n != 0 {
		t.Errorf("bad input sent %d requests, want none", n)
	}
	wantAlive(t, tab)
}
