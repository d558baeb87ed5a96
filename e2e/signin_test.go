//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/testkit/lockedbuf"
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
	// beforeToken, if set, sees each token call first (its form parsed).
	beforeToken func(r *http.Request)
	// sessionKey is the hosts' SIPGATE_SESSION_KEY, if set before they
	// start; hostLog is what the host logged, once it runs.
	sessionKey string
	hostLog    func() string
}

func newSigninWorld(t *testing.T) *signinWorld {
	t.Helper()
	w := &signinWorld{login: fakeapi.NewLogin()}
	ls := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			w.tokenCalls.Add(1)
			if w.beforeToken != nil {
				r.ParseForm()
				w.beforeToken(r)
			}
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
		log := &lockedbuf.Buffer{}
		w.hostLog = log.String
		flow, err := signin.New(signin.Config{ClientID: id, ClientSecret: secret, LoginServer: w.loginURL, Limit: signinLimit,
			SessionKey: w.sessionKey, Logf: func(format string, args ...any) { fmt.Fprintf(log, format+"\n", args...) }})
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
		cfg := workerd.Config{Upstream: w.apiURL, ClientID: id, ClientSecret: secret, LoginServer: w.loginURL, Limit: signinLimit}
		if w.sessionKey != "" {
			cfg.Vars = map[string]string{"SIPGATE_SESSION_KEY": w.sessionKey}
		}
		worker := runWorker(t, cfg)
		w.hostLog = worker.Log
		return worker.URL
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

type signinOutcome struct {
	OK        bool   `json:"ok"`
	Token     string `json:"token"`
	ExpiresIn int    `json:"expiresIn"`
	Scope     string `json:"scope"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	Message   string `json:"message"`
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
