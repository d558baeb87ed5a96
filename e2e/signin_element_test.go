//go:build e2e

// The element's sign-in mode, on both hosts and on a site without sign-in.

package e2e

import (
	"sipgate-account/internal/fakeapi"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestElementSignIn: <sipgate-account mode="signin"> signs in, shows the
// account and signs out with no page code, on both hosts; where the site
// offers no sign-in it says so instead of showing a button.
func TestElementSignIn(t *testing.T) {
	const markup = `<sipgate-account id="signin-element" mode="signin" base-url="/v2"></sipgate-account>`
	// add puts the element on embed.html as markup would, and waits for
	// its first state.
	add := func(t *testing.T, base string) *signinTab {
		t.Helper()
		st := &signinTab{base: base}
		st.ctx, st.log = newTab(t)
		if err := chromedp.Do(st.ctx, chromedp.Navigate(base+"/embed.html"), chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`))); err != nil {
			t.Fatal(err)
		}
		if _, err := runJS(st.ctx, `(document.body.insertAdjacentHTML("beforeend", `+js(markup)+`), "added")`); err != nil {
			t.Fatal(err)
		}
		return st
	}
	shadow := func(st *signinTab, expr string) string {
		out, _ := runJS(st.ctx, `(() => { const r = document.getElementById("signin-element").shadowRoot; return `+expr+`; })()`)
		return out
	}
	// until polls the element's shadow DOM (it has no light-DOM hook to
	// wait on) until expr is true.
	until := func(t *testing.T, st *signinTab, what, expr string) {
		t.Helper()
		if _, err := runJS(st.ctx, `new Promise((resolve) => { const r = () => document.getElementById("signin-element").shadowRoot;
			const check = () => (`+expr+`) ? resolve(true) : requestAnimationFrame(check); check(); })`); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, st.log.text())
		}
	}
	for _, host := range signinHosts {
		t.Run(host.name, func(t *testing.T) {
			world := sessionWorld(t)
			base := host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)
			st := add(t, base)
			until(t, st, "the button", `r().querySelector("button[type=submit]").textContent === "Sign in with sipgate"`)
			if hidden := shadow(st, `String(r.querySelector("fieldset").hidden && r.querySelector(".sign-out").hidden)`); hidden != "true" {
				t.Error("signed out, the element shows its fields or a sign-out button")
			}
			popup := popupOf(t, st.ctx, func() error {
				_, err := runJS(st.ctx, `(document.getElementById("signin-element").shadowRoot.querySelector("button[type=submit]").click(), "clicked")`)
				return err
			})
			chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#allow`)), chromedp.Click(chromedp.CSS(`#allow`)))
			until(t, st, "the account", `r().querySelector(".result").textContent.includes("Demo Telefon GmbH")`)
			until(t, st, "signed in", `!r().querySelector(".sign-out").hidden && r().querySelector("button[type=submit]").textContent === "Show my account"`)
			if events, _ := runJS(st.ctx, `document.getElementById("events").textContent`); !strings.Contains(events, "sipgate-account: status 200") {
				t.Errorf("the events log shows %q", events)
			}
			shadow(st, `(r.querySelector(".sign-out").click(), "")`)
			until(t, st, "signed out", `r().querySelector(".result").textContent === "You are signed out."`)
			if world.login.Revoked() != 1 || world.login.Issued() != 1 {
				t.Errorf("%d revoked, %d signed in", world.login.Revoked(), world.login.Issued())
			}
			until(t, st, "the button again", `r().querySelector("button[type=submit]").textContent === "Sign in with sipgate"`)
		})
	}
	t.Run("no sign-in here", func(t *testing.T) {
		st := add(t, strings.TrimSuffix(pageURL, "/"))
		until(t, st, "the notice", `r().querySelector(".result").textContent.includes("offers no sign-in")`)
		if hidden := shadow(st, `String(r.querySelector("button[type=submit]").hidden)`); hidden != "true" {
			t.Error("the element shows a sign-in button where the site offers none")
		}
	})
}
