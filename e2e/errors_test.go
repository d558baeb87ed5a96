//go:build e2e

package e2e

import (
	"fmt"
	"testing"
)

// TestOneErrorClass: a page tests a call's rejection with instanceof
// SipgateError, whichever thread the module runs on and whichever copy of
// the loader it imported the class from; a TIMEOUT carries the limit that
// fired as timeoutMs, a 429's result the wait it asks for as
// retryAfterSeconds.
func TestOneErrorClass(t *testing.T) {
	for _, c := range []struct{ name, options string }{
		{"worker", `{}`},
		{"page", `{worker: false}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab, log := openEmbedder(t, "/blank.html")
			got := evaluate[map[string]any](t, tab, `(async () => {
				const m = await import(LOADER);
				const copy = await import(LOADER + "?another-copy");
				const sg = await m.load(`+c.options+`);
				const bad = await sg.fetchAccount("", "p").catch((e) => e);
				const slow = await sg.fetchAccount("u", "p", {baseURL: "ORIGIN/scenario/hang/v2", timeoutMs: 150}).catch((e) => e);
				const limited = await sg.fetchAccount("u", "p", {baseURL: "ORIGIN/scenario/status-429/v2"});
				return {
					thread: performance.getEntriesByName("sipgate-ready")[0].detail.thread,
					bad: [bad instanceof m.SipgateError, bad instanceof copy.SipgateError, bad instanceof Error, bad.name, bad.code],
					slow: [slow instanceof m.SipgateError, slow.code, slow.timeoutMs],
					limited: [limited.error.code, limited.error.retryAfterSeconds],
					load: [new m.SipgateLoadError("x", "https://a.example/f?token=1") instanceof copy.SipgateLoadError],
				};
			})()`)
			if got["thread"] != c.name {
				t.Fatalf("the module ran in %v, want %s\nconsole:\n%s", got["thread"], c.name, log.text())
			}
			want := map[string]string{
				"bad":     "[true true true SipgateError INVALID_ARGUMENT]",
				"slow":    "[true TIMEOUT 150]",
				"limited": "[RATE_LIMITED 30]",
				"load":    "[true]",
			}
			for k, w := range want {
				if g := fmt.Sprint(got[k]); g != w {
					t.Errorf("%s: %s, want %s", k, g, w)
				}
			}
		})
	}
}
