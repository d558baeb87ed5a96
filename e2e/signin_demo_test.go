//go:build e2e

// Sign-in with the browser's popup blocker on, and make demo's sign-in.

package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
)

// TestSignInPopupBlocked: with the browser's popup blocker on, signIn()
// outside a click rejects with POPUP_BLOCKED, and the page's button (a
// click) opens the sign-in.
func TestSignInPopupBlocked(t *testing.T) {
	world := newSigninWorld(t)
	base := signinHosts[0].start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)
	strict, cancel, err := browser.Start(chromedp.Flag("disable-popup-blocking", false))
	if err != nil {
		t.Fatalf("a second Chromium cannot start: %v", err)
	}
	defer cancel()
	tab, cancelTab := chromedp.NewContext(strict)
	defer cancelTab()
	tab, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(tab, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#signin-button`))); err != nil {
		t.Fatal(err)
	}
	st := &signinTab{base: base, ctx: tab, log: &console{}}
	if _, err := runJS(tab, `(window.__signin = import("/sipgate-signin.js").then((m) => m.signIn()).then(
			() => ({ok: true}), (e) => ({ok: false, name: e.name, code: e.code, message: e.message})), "started")`); err != nil {
		t.Fatal(err)
	}
	if out := settled(t, st); out.Code != "POPUP_BLOCKED" || !strings.Contains(out.Message, "from a click") {
		t.Errorf("signIn() without a click: %+v", out)
	}
	popup := popupOf(t, tab, func() error {
		return chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#signin-button`)))
	})
	if err := chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#allow`)), chromedp.Click(chromedp.CSS(`#allow`))); err != nil {
		t.Fatalf("the button's sign-in: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] .account`))); err != nil {
		t.Fatal(err)
	}
}

// TestSignInDemo: make demo's page (cmd/serve -mock, built and run as
// make demo runs it) signs in at the fake login server on its own origin.
func TestSignInDemo(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "serve")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/serve").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/serve: %v\n%s", err, out)
	}
	port := freePort(t)
	srv := startServer(t, "cmd/serve -mock", exec.Command(bin, "-mock", "-addr", "127.0.0.1:"+port, "-dir", webDir), port)
	// What it prints at start ends with how to stop it.
	if printed := srv.waitLog(t, "Press Ctrl+C"); !strings.Contains(printed, "Sign in with sipgate") {
		t.Errorf("make demo does not mention the sign-in:\n%s", printed)
	}
	tab, log := newTab(t)
	if err := chromedp.Do(tab, chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.CSS(`#signin-button`))); err != nil {
		t.Fatalf("%v\n%s", err, log.text())
	}
	popup := popupOf(t, tab, func() error {
		return chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#signin-button`)))
	})
	consent, err := chromedp.Run(popup, chromedp.TextContent(chromedp.CSS(`body`)))
	if err != nil || !strings.Contains(consent, fakeapi.DemoUser) || !strings.Contains(consent, "account:read") {
		t.Errorf("the consent page says %q (%v)", consent, err)
	}
	if err := chromedp.Do(popup, chromedp.Click(chromedp.CSS(`#allow`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] .account`))); err != nil {
		t.Fatalf("%v\n%s", err, log.text())
	}
	text, _ := runJS(tab, `document.getElementById("result").textContent`)
	if !strings.Contains(text, "Demo Telefon GmbH") {
		t.Errorf("after the demo's sign-in the page shows %q", text)
	}
}
