//go:build e2e

// Where the sign-in's secrets must never show: URLs, storage, the
// console, files under web/, the hosts' answers.

package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
)

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
