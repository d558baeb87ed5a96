//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/testkit/browser"
	"sipgate-account/internal/testkit/workerd"
	"sipgate-account/internal/webserver"
)

// "Sign in with sipgate" end to end, in Chromium, against both hosts of
// package signin: cmd/serve -proxy (the handler it serves) and the edge
// Worker in workerd. The fake login server runs on its own origin, as
// sipgate's does; the fake API behind the proxy takes its tokens.

// signinWorld is the login server and the API a host signs in with.
type signinWorld struct {
	login    *fakeapi.Login
	loginURL string
	apiURL   string
	// tokenCalls counts the calls to the token endpoint, which spend the
	// client's secret.
	tokenCalls atomic.Int64
}

func newSigninWorld(t *testing.T) *signinWorld {
	t.Helper()
	w := &signinWorld{login: fakeapi.NewLogin()}
	ls := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			w.tokenCalls.Add(1)
		}
		w.login.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(ls.Close)
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true, Login: w.login}))
	t.Cleanup(api.Close)
	w.loginURL, w.apiURL = ls.URL, api.URL
	return w
}

// signinLimit is the hosts' requests a minute per client here: every
// request of these tests comes from 127.0.0.1.
const signinLimit = 1000

// signinHost starts a host for the client (id, secret): "serve" or "worker".
type signinHost func(t *testing.T, w *signinWorld, id, secret string) string

var signinHosts = []struct {
	name  string
	start signinHost
}{
	{"cmd/serve -proxy", func(t *testing.T, w *signinWorld, id, secret string) string {
		t.Helper()
		proxy, err := apiproxy.New(apiproxy.Config{Upstream: w.apiURL, Limit: signinLimit})
		if err != nil {
			t.Fatal(err)
		}
		flow, err := signin.New(signin.Config{ClientID: id, ClientSecret: secret, LoginServer: w.loginURL, Limit: signinLimit})
		if err != nil {
			t.Fatal(err)
		}
		h, err := webserver.New(webserver.Config{Dir: webDir, API: proxy, SignIn: flow})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}},
	{"edge Worker", func(t *testing.T, w *signinWorld, id, secret string) string {
		t.Helper()
		return runWorker(t, workerd.Config{Upstream: w.apiURL, ClientID: id, ClientSecret: secret, LoginServer: w.loginURL, Limit: signinLimit}).URL
	}},
}

// signinTab is the page on a host, with every URL its tab requested.
type signinTab struct {
	base string
	ctx  context.Context
	log  *console
	mu   sync.Mutex
	urls []string
}

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

type signinOutcome struct {
	OK        bool   `json:"ok"`
	Token     string `json:"token"`
	ExpiresIn int    `json:"expiresIn"`
	Scope     string `json:"scope"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	Message   string `json:"message"`
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

func TestSignIn(t *testing.T) {
	for _, host := range signinHosts {
		t.Run(host.name, func(t *testing.T) {
			world := newSigninWorld(t)
			base := host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)

			t.Run("the button shows the demo account", func(t *testing.T) {
				st := openSigninPage(t, base)
				popup := popupOf(t, st.ctx, func() error {
					return chromedp.Do(st.ctx, chromedp.Click(chromedp.CSS(`#signin-button`)))
				})
				if err := chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#allow`)), chromedp.Click(chromedp.CSS(`#allow`))); err != nil {
					t.Fatalf("consent: %v", err)
				}
				if err := chromedp.Do(st.ctx, chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] > *`))); err != nil {
					t.Fatal(err)
				}
				text, _ := runJS(st.ctx, `document.getElementById("result").textContent`)
				if !strings.Contains(text, "Demo Telefon GmbH") || !strings.Contains(text, "Status: 200") {
					t.Errorf("after sign-in the page shows %q\n%s", text, st.log.text())
				}
				if world.login.Issued() != 1 {
					t.Errorf("%d tokens issued, want 1", world.login.Issued())
				}
				wantNoTokenLeak(t, st, world.login.AccessTokens())
				wantNoSecretInTab(t, st)
			})

			t.Run("signIn() and fetchAccountWithToken", func(t *testing.T) {
				st := openSigninPage(t, base)
				popup := startSignIn(t, st)
				if err := chromedp.Do(popup, chromedp.Click(chromedp.CSS(`#allow`))); err != nil {
					t.Fatal(err)
				}
				out := settled(t, st)
				if !out.OK || !strings.HasPrefix(out.Token, "fake-at-") || out.ExpiresIn != 300 || out.Scope != signin.DefaultScope {
					t.Fatalf("signIn() settled with %+v", out)
				}
				r := callFunc(t, st.ctx, "(await import(\"/sipgate-account.js\").then((m) => m.load())).fetchAccountWithToken",
					js(out.Token)+`, {baseURL: "/v2"}`)
				if r.Resolved == nil || r.Resolved.Status != 200 || !strings.Contains(string(r.Resolved.Account), "Demo Telefon GmbH") {
					t.Errorf("fetchAccountWithToken: %+v %+v", r.Resolved, r.Rejected)
				}
				wantNoTokenLeak(t, st, world.login.AccessTokens())
				wantNoSecretInTab(t, st)
			})

			// Each refusal: the call rejects with its code and its own
			// message, and the login server issues no token.
			refused := func(t *testing.T, st *signinTab, code, message string) {
				t.Helper()
				before := world.login.Issued()
				out := settled(t, st)
				if out.OK || out.Name != "SipgateSignInError" || out.Code != code || !strings.Contains(out.Message, message) {
					t.Errorf("got %+v, want %s with %q", out, code, message)
				}
				if n := world.login.Issued() - before; n != 0 {
					t.Errorf("%d tokens issued", n)
				}
			}
			t.Run("Deny", func(t *testing.T) {
				st := openSigninPage(t, base)
				popup := startSignIn(t, st)
				chromedp.Do(popup, chromedp.Click(chromedp.CSS(`#deny`)))
				refused(t, st, "DENIED", "you denied")
			})
			t.Run("a wrong state", func(t *testing.T) {
				st := openSigninPage(t, base)
				popup := startSignIn(t, st)
				navigate(t, popup, base+"/oauth/callback?code=forged&state=forged")
				refused(t, st, "STATE", "another state")
			})
			t.Run("no state", func(t *testing.T) {
				st := openSigninPage(t, base)
				popup := startSignIn(t, st)
				navigate(t, popup, base+"/oauth/callback?code=forged")
				refused(t, st, "STATE", "carries no state")
			})
			t.Run("no cookie", func(t *testing.T) {
				st := openSigninPage(t, base)
				popup := startSignIn(t, st)
				_, q := consentURL(t, popup)
				if _, err := chromedp.Call(st.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
					t.Fatal(err)
				}
				navigate(t, popup, base+"/oauth/callback?code=forged&state="+url.QueryEscape(q.Get("state")))
				refused(t, st, "STATE", "no sign-in was started")
			})
			t.Run("a replayed code", func(t *testing.T) {
				used := world.login.LastCode()
				st := openSigninPage(t, base)
				deliver(t, startSignIn(t, st), base, used)
				refused(t, st, "REFUSED", "Code already used")
			})
			t.Run("a wrong verifier", func(t *testing.T) {
				// A code issued for another sign-in's challenge, delivered
				// with this one's state: only the verifier tells them apart.
				st := openSigninPage(t, base)
				other := startSignIn(t, st)
				otherURL, _ := consentURL(t, other)
				code := allowAt(t, otherURL)
				chromedp.Cancel(other)
				settled(t, st) // CLOSED
				deliver(t, startSignIn(t, st), base, code)
				refused(t, st, "REFUSED", "PKCE verification failed")
			})
			t.Run("another redirect URI", func(t *testing.T) {
				st := openSigninPage(t, base)
				popup := startSignIn(t, st)
				u, q := consentURL(t, popup)
				q.Set("redirect_uri", base+"/oauth/callback?next=elsewhere")
				u.RawQuery = q.Encode()
				navigate(t, popup, u.String())
				if err := chromedp.Do(popup, chromedp.WaitVisible(chromedp.CSS(`#allow`)), chromedp.Click(chromedp.CSS(`#allow`))); err != nil {
					t.Fatal(err)
				}
				refused(t, st, "REFUSED", "Incorrect redirect_uri")
			})
			t.Run("the window closed", func(t *testing.T) {
				st := openSigninPage(t, base)
				popup := startSignIn(t, st)
				chromedp.Cancel(popup)
				refused(t, st, "CLOSED", "closed")
			})
			t.Run("aborted, or started elsewhere", func(t *testing.T) {
				st := openSigninPage(t, base)
				out, err := chromedp.Run(st.ctx, chromedp.Evaluate[[]signinOutcome](`(async () => {
					const { signIn } = await import("/sipgate-signin.js");
					const settle = (p) => p.then(() => ({ok: true}), (e) => ({ok: false, name: e.name, code: e.code, message: e.message}));
					const opened = [];
					const open = window.open;
					window.open = (...args) => { const w = open(...args); opened.push(w); return w; };
					const controller = new AbortController();
					const aborted = settle(signIn({ signal: controller.signal }));
					controller.abort();
					const elsewhere = settle(signIn({ startURL: "https://login.example/oauth/start" }));
					const out = [await aborted, await elsewhere];
					window.open = open;
					// The aborted sign-in's window is closed; none opened for the other.
					out.push({ok: opened.length === 1 && opened[0].closed});
					return out;
				})()`, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatal(err)
				}
				if out[0].Code != "ABORTED" || out[1].Code != "BAD_INPUT" || !strings.Contains(out[1].Message, "this page's origin") || !out[2].OK {
					t.Errorf("aborted: %+v; another origin: %+v; one window, closed: %v", out[0], out[1], out[2].OK)
				}
			})
			t.Run("an unknown client", func(t *testing.T) {
				other := host.start(t, world, "unknown-client", fakeapi.DemoClientSecret)
				st := openSigninPage(t, other)
				popup := popupOf(t, st.ctx, func() error {
					return chromedp.Do(st.ctx, chromedp.Click(chromedp.CSS(`#signin-button`)))
				})
				// The login server shows the error and sends the browser
				// nowhere, as RFC 6749 asks for a client it does not know.
				text, err := chromedp.Run(popup, chromedp.TextContent(chromedp.CSS(`#login-error`)))
				if err != nil || text != "Client not found." {
					t.Errorf("the login server shows %q (%v)", text, err)
				}
				chromedp.Cancel(popup)
				if err := chromedp.Do(st.ctx, chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] > *`))); err != nil {
					t.Fatal(err)
				}
				text, _ = runJS(st.ctx, `document.getElementById("result").textContent`)
				if !strings.Contains(text, "CLOSED") {
					t.Errorf("the page shows %q", text)
				}
			})
			t.Run("a wrong secret", func(t *testing.T) {
				other := host.start(t, world, fakeapi.DemoClientID, "not-the-secret")
				st := openSigninPage(t, other)
				popup := startSignIn(t, st)
				chromedp.Do(popup, chromedp.Click(chromedp.CSS(`#allow`)))
				refused(t, st, "REFUSED", "Invalid client secret")
			})

			t.Run("the secret reaches no browser", func(t *testing.T) {
				wantNoSecret(t, base)
			})
		})
	}
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

// wantNoTokenLeak: no URL the page requested, no storage and no console
// line holds an access token.
func wantNoTokenLeak(t *testing.T, st *signinTab, tokens []string) {
	t.Helper()
	storage, err := runJS(st.ctx, `JSON.stringify({local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie, url: location.href, history: history.length})`)
	if err != nil {
		t.Fatal(err)
	}
	all, err := chromedp.Call(st.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{st.base + "/", st.base + "/oauth/callback"}})
	if err != nil {
		t.Fatal(err)
	}
	cookies := all.Cookies
	st.mu.Lock()
	urls := strings.Join(st.urls, "\n")
	st.mu.Unlock()
	for _, tok := range tokens {
		for what, text := range map[string]string{"a URL": urls, "storage": storage, "the console": st.log.text()} {
			if strings.Contains(text, tok) {
				t.Errorf("the access token is in %s", what)
			}
		}
		for _, c := range cookies {
			if strings.Contains(c.Value, tok) {
				t.Errorf("the access token is in the cookie %s", c.Name)
			}
		}
	}
	if len(tokens) == 0 {
		t.Error("no token to look for")
	}
}

// wantNoSecretInTab: the client secret is in no URL the page requested and
// no console line.
func wantNoSecretInTab(t *testing.T, st *signinTab) {
	t.Helper()
	st.mu.Lock()
	urls := strings.Join(st.urls, "\n")
	st.mu.Unlock()
	if strings.Contains(urls, fakeapi.DemoClientSecret) || strings.Contains(st.log.text(), fakeapi.DemoClientSecret) {
		t.Error("the client secret is in a URL or the console")
	}
}

// wantNoSecret: the client secret is in no file under web/, and no answer
// of the host along the flow (walked here as a browser would, with every
// answer kept).
func wantNoSecret(t *testing.T, base string) {
	t.Helper()
	secret := fakeapi.DemoClientSecret
	filepath.WalkDir(webDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(path); strings.Contains(string(b), secret) {
				t.Errorf("%s holds the client secret", path)
			}
		}
		return nil
	})
	var answers strings.Builder
	keep := func(resp *http.Response, body string) {
		answers.WriteString(resp.Request.URL.String() + "\n")
		resp.Header.Write(&answers)
		answers.WriteString(body)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, string) {
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		keep(resp, string(b))
		return resp, string(b)
	}
	for _, p := range []string{"/", "/config.json", "/sipgate-signin.js", "/app.js", "/oauth/callback?code=x&state=y"} {
		get(base + p)
	}
	resp, _ := get(base + "/oauth/start")
	consent, _ := url.Parse(resp.Header.Get("Location"))
	code := allowAt(t, consent)
	_, body := get(base + "/oauth/callback?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(consent.Query().Get("state")))
	if !strings.Contains(body, `"ok":true`) {
		t.Errorf("the walked sign-in did not finish: %s", body)
	}
	if strings.Contains(body, "fake-rt-") || strings.Contains(body, "refresh") {
		t.Error("the callback page holds the refresh token")
	}
	if strings.Contains(answers.String(), secret) {
		t.Error("an answer of the host holds the client secret")
	}
}

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
