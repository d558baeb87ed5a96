//go:build e2e

// The visitor's session, in Chromium against both hosts: signed in once,
// still signed in after the access token expired, signed out; two tabs
// refreshing at once; a sign-out during a refresh; and the refusals.

package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/signin"
)

const sessionKey = "the hosts' session key, 32 characters or more"

// sessionWorld is a login server whose access tokens live 20 seconds:
// under the page's 30-second margin, so the page asks the session for
// each one, and the fake's clock can expire them without a wait.
func sessionWorld(t *testing.T) *signinWorld {
	w := newSigninWorld(t)
	w.login.SetLifetimes(20*time.Second, 30*time.Minute)
	w.sessionKey = sessionKey
	return w
}

// inPage runs expr (JavaScript, with m: the sign-in module) in the tab.
func inPage(t *testing.T, st *signinTab, expr string) string {
	t.Helper()
	out, err := runJS(st.ctx, `import("/sipgate-signin.js").then((m) => `+expr+`)`)
	if err != nil {
		t.Fatalf("%s: %v\n%s", expr, err, st.log.text())
	}
	return out
}

// signedInPage is the page on base in a browser context of its own,
// signed in with signIn().
func signedInPage(t *testing.T, base string) *signinTab {
	t.Helper()
	st := openSigninPage(t, base)
	// The window closes once it has answered: the click may end with its
	// target gone.
	chromedp.Do(startSignIn(t, st), chromedp.Click(chromedp.CSS(`#allow`)))
	if out := settled(t, st); !out.OK {
		t.Fatalf("sign-in: %+v", out)
	}
	return st
}

// tokenOrCode is accessToken()'s outcome as text: the token, or the code.
const tokenOrCode = `.then((r) => r.accessToken, (e) => "ERR " + e.code)`

func TestSession(t *testing.T) {
	for _, host := range signinHosts {
		t.Run(host.name, func(t *testing.T) {
			world := sessionWorld(t)
			base := host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)
			st := openSigninPage(t, base)
			showsAccount := func(what string) {
				t.Helper()
				if err := chromedp.Do(st.ctx, chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] > *`))); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if text, _ := runJS(st.ctx, `document.getElementById("result").textContent`); !strings.Contains(text, "Demo Telefon GmbH") || !strings.Contains(text, "Status: 200") {
					t.Fatalf("%s: the page shows %q\n%s", what, text, st.log.text())
				}
			}
			clearResult := func() {
				runJS(st.ctx, `(() => { const r = document.getElementById("result"); r.replaceChildren(); r.dataset.state = "idle"; })()`)
			}

			popup := popupOf(t, st.ctx, func() error { return chromedp.Do(st.ctx, chromedp.Click(chromedp.CSS(`#signin-button`))) })
			if err := chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#allow`)), chromedp.Click(chromedp.CSS(`#allow`))); err != nil {
				t.Fatalf("consent: %v", err)
			}
			showsAccount("after the sign-in")
			if err := chromedp.Do(st.ctx, chromedp.WaitVisible(chromedp.CSS(`#signout-button`))); err != nil {
				t.Fatal(err)
			}

			// A page on another site, in the same browser, asks for a token
			// as a form or a script could: refused, and nothing is spent.
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<!doctype html><title>another site</title>")
			}))
			defer other.Close()
			before := world.login.Refreshed()
			elsewhere := popupOf(t, st.ctx, func() error {
				_, err := runJS(st.ctx, `(window.open(`+js(strings.Replace(other.URL, "127.0.0.1", "localhost", 1))+`), "opened")`)
				return err
			})
			if err := chromedp.Do(elsewhere, chromedp.WaitReady("body")); err != nil {
				t.Fatal(err)
			}
			tried, err := runJS(elsewhere, `Promise.all([
				fetch(`+js(base+signin.TokenPath)+`, { method: "POST", mode: "no-cors", credentials: "include" }).then((r) => r.type, (e) => "failed"),
				fetch(`+js(base+signin.TokenPath)+`, { method: "POST", credentials: "include", headers: { "Sipgate-Session": "1" } }).then((r) => r.status, (e) => "failed"),
			]).then((all) => all.join(" "))`)
			if err != nil || tried != "opaque failed" {
				t.Errorf("another site's requests: %q %v", tried, err)
			}
			if n := world.login.Refreshed() - before; n != 0 {
				t.Errorf("another site's requests got %d tokens", n)
			}

			// The access token expires; the page gets the next one from the
			// session, without a window.
			world.login.Advance(time.Minute)
			clearResult()
			if label, _ := runJS(st.ctx, `document.getElementById("signin-button").textContent`); label != "Show my account" {
				t.Errorf("signed in, the button says %q", label)
			}
			if err := chromedp.Do(st.ctx, chromedp.Click(chromedp.CSS(`#signin-button`))); err != nil {
				t.Fatal(err)
			}
			showsAccount("after the access token expired")
			if world.login.Issued() != 1 || world.login.Refreshed() < 1 {
				t.Errorf("%d sign-ins and %d refreshes; want one sign-in, then refreshes", world.login.Issued(), world.login.Refreshed())
			}

			// Another visit: still signed in.
			if err := chromedp.Do(st.ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#signout-button`))); err != nil {
				t.Fatalf("signed in after a reload: %v\n%s", err, st.log.text())
			}

			// Signed out: revoked, and then refused a token.
			clearResult()
			if err := chromedp.Do(st.ctx, chromedp.Click(chromedp.CSS(`#signout-button`)),
				chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] > *`))); err != nil {
				t.Fatal(err)
			}
			if text, _ := runJS(st.ctx, `document.getElementById("result").textContent`); text != "You are signed out." || world.login.Revoked() != 1 {
				t.Errorf("after the sign-out the page shows %q; %d revoked", text, world.login.Revoked())
			}
			if got := inPage(t, st, `m.accessToken({ signIn: false })`+tokenOrCode); got != "ERR SIGNED_OUT" {
				t.Errorf("a token after the sign-out: %q", got)
			}
			if label, _ := runJS(st.ctx, `document.getElementById("signin-button").textContent`); label != "Sign in with sipgate" {
				t.Errorf("signed out, the button says %q", label)
			}

			// A session that ends meanwhile (its refresh token expired at
			// the login server): the page says so and offers the sign-in
			// again, from a click of its own, without opening a window.
			popup = popupOf(t, st.ctx, func() error { return chromedp.Do(st.ctx, chromedp.Click(chromedp.CSS(`#signin-button`))) })
			chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#allow`)), chromedp.Click(chromedp.CSS(`#allow`)))
			showsAccount("signed in again")
			world.login.Advance(31 * time.Minute)
			clearResult()
			if err := chromedp.Do(st.ctx, chromedp.Click(chromedp.CSS(`#signin-button`)),
				chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] > *`))); err != nil {
				t.Fatal(err)
			}
			text, _ := runJS(st.ctx, `document.getElementById("result").textContent`)
			label, _ := runJS(st.ctx, `document.getElementById("signin-button").textContent`)
			if !strings.Contains(text, "sign in again") || label != "Sign in with sipgate" || world.login.Issued() != 2 {
				t.Errorf("after the session ended: the page shows %q, the button says %q, %d sign-ins", text, label, world.login.Issued())
			}
			wantNoSessionSecret(t, st, world)
		})
	}
}

// TestSessionTabs: two tabs of one browser ask for tokens at once, over
// and over, while the login server rotates the refresh token and refuses
// the one before: no tab loses the session.
func TestSessionTabs(t *testing.T) {
	for _, host := range signinHosts {
		t.Run(host.name, func(t *testing.T) {
			world := sessionWorld(t)
			// Each refresh takes a while, so that the tabs' requests overlap.
			world.beforeToken = func(r *http.Request) {
				if r.PostForm.Get("grant_type") == "refresh_token" {
					time.Sleep(100 * time.Millisecond)
				}
			}
			base := host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)
			first := signedInPage(t, base)
			// A second tab in the same browser context (its cookies).
			tab2, cancel := chromedp.NewContext(first.ctx)
			defer cancel()
			second := &signinTab{base: base, ctx: tab2, log: first.log}
			if err := chromedp.Do(second.ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`))); err != nil {
				t.Fatal(err)
			}
			for round := 0; round < 3; round++ {
				var wg sync.WaitGroup
				got := make([]string, 2)
				for i, tab := range []*signinTab{first, second} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						got[i] = inPage(t, tab, `Promise.all([1, 2, 3].map(() => m.accessToken({ fresh: true, signIn: false })`+tokenOrCode+`)).then((all) => all.join(" "))`)
					}()
				}
				wg.Wait()
				// Each outcome is a token, never a code ("ERR …"). A token's
				// random letters may spell ERR: look at each one's prefix.
				for i, g := range got {
					outcomes := strings.Split(g, " ")
					for _, outcome := range outcomes {
						if len(outcomes) != 3 || !strings.HasPrefix(outcome, "fake-at-") {
							t.Fatalf("round %d, tab %d: %q", round, i+1, g)
						}
					}
				}
			}
			if world.login.Refreshed() < 6 {
				t.Errorf("%d refreshes: the tabs did not refresh", world.login.Refreshed())
			}
		})
	}
}

// TestSignOutDuringRefresh: a sign-out asked for while a refresh is at
// the login server ends the session all the same: after it there is no
// token, and the refresh's token no longer reads the account.
func TestSignOutDuringRefresh(t *testing.T) {
	for _, host := range signinHosts {
		t.Run(host.name, func(t *testing.T) {
			world := sessionWorld(t)
			base := host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)
			st := signedInPage(t, base)
			arrived, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			world.beforeToken = func(r *http.Request) {
				if r.PostForm.Get("grant_type") == "refresh_token" {
					once.Do(func() { close(arrived) })
					<-release
				}
			}
			inPage(t, st, `(window.__refresh = m.accessToken({ fresh: true, signIn: false })`+tokenOrCode+`, "started")`)
			<-arrived
			inPage(t, st, `(window.__signout = m.signOut().then((r) => String(r.revoked), (e) => "ERR " + e.code), "started")`)
			close(release)
			refreshed := inPage(t, st, `window.__refresh`)
			if revoked := inPage(t, st, `window.__signout`); revoked != "true" {
				t.Errorf("the sign-out: %q", revoked)
			}
			if got := inPage(t, st, `m.accessToken({ signIn: false })`+tokenOrCode); got != "ERR SIGNED_OUT" {
				t.Errorf("a token after the sign-out: %q", got)
			}
			if strings.HasPrefix(refreshed, "fake-at-") {
				req, _ := http.NewRequest("GET", base+"/v2/account", nil)
				req.Header.Set("Authorization", "Bearer "+refreshed)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("the refresh's token reads the account after the sign-out: %d", resp.StatusCode)
				}
			} else if refreshed != "ERR SIGNED_OUT" {
				t.Errorf("the refresh: %q", refreshed)
			}
		})
	}
}

// wantNoSessionSecret: no refresh token, no session key and no client
// secret in the tab's URLs, console, storage and readable cookies, nor in
// the host's log.
func wantNoSessionSecret(t *testing.T, st *signinTab, world *signinWorld) {
	t.Helper()
	storage, err := runJS(st.ctx, `JSON.stringify({local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie, url: location.href})`)
	if err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	urls := strings.Join(st.urls, "\n")
	st.mu.Unlock()
	wantNoSessionSecretIn(t, world, "the tab", urls+"\n"+st.log.text()+"\n"+storage)
}

func wantNoSessionSecretIn(t *testing.T, world *signinWorld, where, text string) {
	t.Helper()
	secrets := append(world.login.RefreshTokens(), sessionKey, fakeapi.DemoClientSecret)
	if len(secrets) < 3 {
		t.Fatal("no refresh token to look for")
	}
	for what, s := range map[string]string{where: text, "the host's log": world.hostLog()} {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Errorf("%q is in %s", secret, what)
			}
		}
	}
}
