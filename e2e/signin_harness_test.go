//go:build e2e

// The sign-in tests' tab, popup and consent-page helpers.

package e2e

import (
	"context"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
)

func openSigninPage(t *testing.T, base string) *signinTab {
	t.Helper()
	ctx, log := newTab(t)
	st := &signinTab{base: base, ctx: ctx, log: log}
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			st.mu.Lock()
			st.urls = append(st.urls, ev.Request.URL+ev.Request.URLFragment)
			st.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the page's console:\n%s", log.text())
		}
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#signin-button`))); err != nil {
		t.Fatalf("page: %v\n%s", err, log.text())
	}
	return st
}

// popupOf runs open in the tab and returns the window it opened, attached.
func popupOf(t *testing.T, tab context.Context, open func() error) context.Context {
	t.Helper()
	ch := chromedp.WaitNewTarget(tab, func(info *target.Info) bool { return info.Type == "page" })
	if err := open(); err != nil {
		t.Fatal(err)
	}
	var id target.ID
	select {
	case id = <-ch:
	case <-tab.Done():
		t.Fatalf("no window opened: %v", tab.Err())
	}
	popup, cancel := chromedp.NewContext(tab, chromedp.WithTargetID(id))
	t.Cleanup(cancel)
	return popup
}

// startSignIn calls signIn() in the page (as from a click: the popup
// blocker is off in the shared browser) and returns its window at the
// consent page; window.__signin is how the call settles.
func startSignIn(t *testing.T, st *signinTab) context.Context {
	t.Helper()
	popup := popupOf(t, st.ctx, func() error {
		_, err := runJS(st.ctx, `(window.__signin = import("/sipgate-signin.js").then((m) => m.signIn()).then(
			(r) => ({ok: true, token: r.accessToken, expiresIn: r.expiresIn, scope: r.scope}),
			(e) => ({ok: false, name: e.name, code: e.code, message: e.message})), "started")`)
		return err
	})
	if err := chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#allow`))); err != nil {
		t.Fatalf("no consent page: %v", err)
	}
	return popup
}

func settled(t *testing.T, st *signinTab) signinOutcome {
	t.Helper()
	out, err := chromedp.Run(st.ctx, chromedp.Evaluate[signinOutcome](`window.__signin`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("signIn(): %v\n%s", err, st.log.text())
	}
	return out
}

// consentURL is the popup's address at the consent page, and its query.
func consentURL(t *testing.T, popup context.Context) (*url.URL, url.Values) {
	t.Helper()
	loc, err := chromedp.Run(popup, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u, u.Query()
}

// navigate sends the popup somewhere else, as a forged link would.
func navigate(t *testing.T, popup context.Context, to string) {
	t.Helper()
	// The popup closes itself once it has posted: a navigation may end
	// with its target gone, which is no error here.
	chromedp.Do(popup, chromedp.Navigate(to))
}

// allowAt says Allow on the consent page at u as the browser would, and
// returns the code the login server sends back, which nobody redeemed.
func allowAt(t *testing.T, u *url.URL) string {
	t.Helper()
	back, err := fakeapi.Decide(u, true)
	if err != nil || back.Query().Get("code") == "" {
		t.Fatalf("Allow: %v %v", back, err)
	}
	return back.Query().Get("code")
}

// deliver sends the popup, waiting at the consent page, to the callback
// with code and the state of its own sign-in, as a link planted by
// someone holding that code would.
func deliver(t *testing.T, popup context.Context, base, code string) {
	t.Helper()
	_, q := consentURL(t, popup)
	navigate(t, popup, base+"/oauth/callback?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")))
}
