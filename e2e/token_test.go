//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"sipgate-account/internal/fakeapi"
)

// fetchAccountWithToken: the same contract as fetchAccount, with an OAuth
// access token sent as a Bearer token.

func TestTokenCalls(t *testing.T) {
	tab, _ := openPage(t)
	const fn = "fetchAccountWithToken"

	out := callFunc(t, tab, fn, js(fakeapi.DemoAccessToken)+`, {baseURL: "ORIGIN/v2"}`)
	if out.Resolved == nil || !out.Resolved.OK || string(out.Resolved.Account) != fakeapi.DemoAccount {
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

// The token's input rules are rows of internal/testkit/vectors' inputs table, run by
// TestInputRules and by every engine's self-test.
