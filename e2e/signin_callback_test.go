//go:build e2e

// The sign-in's callback: its page, and callbacks this server did not
// start.

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/signin"
)

// TestSignInCallbackPage: the callback page's headers, its script allowed
// by the policy's hash, and no code left in the window's history; a page on
// another origin that opens the sign-in gets nothing.
func TestSignInCallbackPage(t *testing.T) {
	for _, host := range signinHosts {
		t.Run(host.name, func(t *testing.T) {
			world := newSigninWorld(t)
			callbackPage(t, world, host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret))
		})
	}
}

func callbackPage(t *testing.T, world *signinWorld, base string) {
	t.Run("headers", func(t *testing.T) {
		resp, err := http.Get(base + "/oauth/callback?code=x&state=y")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for k, want := range map[string]string{"Content-Security-Policy": signin.PageCSP, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
			if got := resp.Header.Values(k); len(got) != 1 || got[0] != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
	})

	t.Run("no code in the history", func(t *testing.T) {
		tab, log := newTab(t)
		if err := chromedp.Do(tab, chromedp.Navigate(base+"/oauth/start"), chromedp.WaitVisible(chromedp.CSS(`#allow`)),
			chromedp.Click(chromedp.CSS(`#allow`)), chromedp.WaitVisible(chromedp.CSS(`#status`))); err != nil {
			t.Fatal(err)
		}
		text, err := runJS(tab, `new Promise((r) => setTimeout(() => r(document.getElementById("status").textContent), 0))`)
		if err != nil || text != "You are signed in. You can close this window." {
			t.Errorf("the callback page says %q (%v)\n%s", text, err, log.text())
		}
		history, err := chromedp.Call(tab, page.GetNavigationHistory, cdp.Empty{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range history.Entries {
			if strings.Contains(e.URL, "code=") || strings.Contains(e.URL, "fake-at-") {
				t.Errorf("the history holds %s", e.URL)
			}
		}
		if last := history.Entries[len(history.Entries)-1].URL; last != base+"/oauth/callback" {
			t.Errorf("the window shows %s, want the callback without its query", last)
		}
		if world.login.Issued() != 1 {
			t.Errorf("%d tokens issued, want 1", world.login.Issued())
		}
	})

	t.Run("an opener on another origin gets nothing", func(t *testing.T) {
		tab, _ := openEmbedder(t, "/blank.html")
		popup := popupOf(t, tab, func() error {
			_, err := runJS(tab, `(window.__got = [], addEventListener("message", (e) => __got.push(e.data)),
				window.__popup = window.open(`+js(base+"/oauth/start")+`, "_blank", "popup"), "opened")`)
			return err
		})
		before := world.login.Issued()
		if err := chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#allow`)), chromedp.Click(chromedp.CSS(`#allow`))); err != nil {
			t.Fatal(err)
		}
		// The popup has posted (to its own origin) once it says it closes
		// by itself; a message to this page would be here a moment later.
		if err := chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#status`))); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(popup, chromedp.Poll[bool](`document.getElementById("status").textContent.includes("closes by itself")`)); err != nil {
			t.Fatal(err)
		}
		got, err := runJS(tab, `new Promise((resolve) => setTimeout(() => resolve(JSON.stringify(__got)), 500))`)
		if err != nil || got != "[]" {
			t.Errorf("the page on another origin got %s (%v)", got, err)
		}
		if world.login.Issued() != before+1 {
			t.Error("the sign-in did not run to its end, so the test proves nothing")
		}
	})
}

// TestForgedCallbacks: in both hosts, 100 callbacks whose state and
// cookie a client made itself are refused without a token call, which
// would spend the client's secret at the login server.
func TestForgedCallbacks(t *testing.T) {
	for _, host := range signinHosts {
		t.Run(host.name, func(t *testing.T) {
			world := newSigninWorld(t)
			base := host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)
			for i := 0; i < 100; i++ {
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/oauth/callback?state=S%d&code=C%d", base, i, i), nil)
				req.Header.Set("Cookie", fmt.Sprintf("sipgate_signin=S%d.V%d", i, i))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !strings.Contains(string(b), `"code":"STATE"`) {
					t.Fatalf("forged callback %d: %d %.300s, want a STATE refusal", i, resp.StatusCode, b)
				}
			}
			if n := world.tokenCalls.Load(); n != 0 {
				t.Errorf("100 forged callbacks made %d token calls", n)
			}
		})
	}
}
