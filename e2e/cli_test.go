//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"sipgate-account/internal/cli"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/sipgate"
)

// TestCLIAgreesWithTheBrowser runs the terminal command (native net/http)
// and the browser module (Go's Fetch transport in Chromium) against the same
// answers of the fake API: `-json` must print the object the browser's
// promise resolves with, and a call without a response must fail with the
// same code. The messages say the same thing happened, each in its host's
// terms: the CLI never speaks of timeoutMs, baseURL, pages or CORS, the
// browser never of flags or variables.
func TestCLIAgreesWithTheBrowser(t *testing.T) {
	tab, _ := openPage(t)
	origin := strings.TrimSuffix(pageURL, "/")
	cases := []struct {
		name, base, user, pass string
		token                  bool
	}{
		{"account", "/v2", fakeapi.DemoUser, fakeapi.DemoPassword, false},
		{"personal access token", "/v2", fakeapi.DemoTokenID, fakeapi.DemoToken, false},
		{"OAuth access token", "/v2", "", fakeapi.DemoAccessToken, true},
		{"wrong password", "/v2", fakeapi.DemoUser, "wrong", false},
		{"wrong token", "/v2", "", "wrong", true},
		{"headers sent", "/scenario/echo/v2", "test", "123£", false},
		{"429 with Retry-After", "/scenario/status-429/v2", "u", "p", false},
		{"403", "/scenario/status-403/v2", "u", "p", false},
		{"404", "/scenario/status-404/v2", "u", "p", false},
		{"405", "/scenario/status-405/v2", "u", "p", false},
		{"503", "/scenario/status-503/v2", "u", "p", false},
		{"418", "/scenario/status-418/v2", "u", "p", false},
		{"HTML 500", "/scenario/html-500/v2", "u", "p", false},
		{"not JSON", "/scenario/not-json/v2", "u", "p", false},
		{"broken JSON", "/scenario/bad-json/v2", "u", "p", false},
		{"an array", "/scenario/array/v2", "u", "p", false},
		{"over 1 MiB", "/scenario/too-large/v2", "u", "p", false},
		{"refused", "CLOSED/v2", "u", "p", false},
		{"timeout", "/scenario/hang/v2", "u", "p", false},
		{"bad input", "/v2", "a:b", "p", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := origin + c.base
			if strings.HasPrefix(c.base, "CLOSED") {
				base = closedOrigin + strings.TrimPrefix(c.base, "CLOSED")
			}
			// A short timeout only where the answer never comes; elsewhere the
			// default, so that a busy machine cannot turn an answer into TIMEOUT.
			timeout := time.Duration(sipgate.DefaultTimeout)
			if c.name == "timeout" {
				timeout = 300 * time.Millisecond
			}
			ms := strconv.FormatInt(timeout.Milliseconds(), 10)
			args := []string{"-json", "-base-url", base, "-timeout", timeout.String()}
			vars := map[string]string{"SIPGATE_USERNAME": c.user, "SIPGATE_PASSWORD": c.pass}
			browserCall := "fetchAccount(" + js(c.user) + ", " + js(c.pass) + ", {baseURL: " + js(base) + ", timeoutMs: " + ms + "})"
			if c.token {
				args = append([]string{"-token"}, args...)
				vars = map[string]string{"SIPGATE_TOKEN": c.pass}
				browserCall = "fetchAccountWithToken(" + js(c.pass) + ", {baseURL: " + js(base) + ", timeoutMs: " + ms + "})"
			}

			var stdout, stderr bytes.Buffer
			code := cli.Run(context.Background(), args, cli.Env{
				Stdout: &stdout, Stderr: &stderr, Stdin: strings.NewReader(""),
				Getenv: func(k string) string { return vars[k] },
			})
			inBrowser, err := runJS(tab, ``+browserCall+`.then(
				(r) => JSON.stringify({resolved: r}),
				(e) => JSON.stringify({rejected: {name: e.name, code: e.code, message: e.message}}))`)
			if err != nil {
				t.Fatal(err)
			}
			var browser struct{ Resolved, Rejected any }
			if err := json.Unmarshal([]byte(inBrowser), &browser); err != nil {
				t.Fatal(err)
			}

			if browser.Resolved != nil {
				var got any
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("CLI printed %q (stderr %q, exit %d): %v", stdout.String(), stderr.String(), code, err)
				}
				cliMsg, browserMsg := takeMessage(got, "error"), takeMessage(browser.Resolved, "error")
				if !reflect.DeepEqual(got, browser.Resolved) {
					t.Errorf("the CLI and the browser disagree:\nCLI:     %s\nbrowser: %s", brief(stdout.String()), brief(inBrowser))
				}
				wantHostTerms(t, cliMsg, browserMsg)
				return
			}
			var got any
			if err := json.Unmarshal(stderr.Bytes(), &got); err != nil {
				t.Fatalf("CLI printed %q on stderr: %v", stderr.String(), err)
			}
			cliMsg, browserMsg := takeMessage(got, ""), takeMessage(browser.Rejected, "")
			if !reflect.DeepEqual(got, browser.Rejected) {
				t.Errorf("the CLI and the browser fail differently:\nCLI:     %s\nbrowser: %s", stderr.String(), inBrowser)
			}
			wantHostTerms(t, cliMsg, browserMsg)
		})
	}
}

// takeMessage removes the message from a decoded result (under key, for
// a result's error) or rejection and returns it; "" when there is none.
func takeMessage(v any, key string) string {
	m, _ := v.(map[string]any)
	if key != "" {
		m, _ = m[key].(map[string]any)
	}
	msg, _ := m["message"].(string)
	delete(m, "message")
	return msg
}

// wantHostTerms checks that each host words a message in its own terms.
func wantHostTerms(t *testing.T, cliMsg, browserMsg string) {
	t.Helper()
	if cliMsg == "" && browserMsg == "" {
		return
	}
	for _, word := range []string{"timeoutMs", "baseURL", "CORS", "page", "AbortSignal", "Content-Security-Policy"} {
		if strings.Contains(cliMsg, word) {
			t.Errorf("the CLI speaks of %s: %q", word, cliMsg)
		}
	}
	for _, word := range []string{"-base-url", "-timeout", "SIPGATE_", "Ctrl-C"} {
		if strings.Contains(browserMsg, word) {
			t.Errorf("the browser speaks of %s: %q", word, browserMsg)
		}
	}
	if cliMsg == "" || browserMsg == "" {
		t.Errorf("one host has no message: CLI %q, browser %q", cliMsg, browserMsg)
	}
}

// brief shortens a long JSON text for a failure message.
func brief(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
