// The visitor's session: refresh, sign-out, and every refusal.

package signin

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"sipgate-account/internal/fakeapi"
)

// sessionWorld is a flow at a fake login server, with what it logged and
// what it answered, for the scan for secrets.
type sessionWorld struct {
	flow  *Flow
	srv   *httptest.Server
	login *fakeapi.Login
	now   time.Time
	mu    sync.Mutex
	seen  strings.Builder // every answer and log line
}

const testSessionKey = "a session key of at least 32 characters"

func newSessionWorld(t *testing.T, cfg Config) *sessionWorld {
	t.Helper()
	w := &sessionWorld{login: fakeapi.NewLogin(), now: time.Now()}
	ls := httptest.NewServer(w.login.Handler())
	t.Cleanup(ls.Close)
	cfg.ClientID, cfg.ClientSecret, cfg.LoginServer, cfg.Limit = fakeapi.DemoClientID, fakeapi.DemoClientSecret, ls.URL, 1000
	cfg.Now = func() time.Time { return w.now }
	cfg.Logf = func(format string, args ...any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.seen.WriteString(strings.ReplaceAll(format, "%", "") + " ")
		for _, a := range args {
			b, _ := json.Marshal(a)
			w.seen.Write(b)
		}
	}
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.flow = f
	w.srv = httptest.NewServer(f)
	t.Cleanup(w.srv.Close)
	return w
}

// browser is a client that keeps cookies and stops at redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn runs the flow to its end in c.
func (w *sessionWorld) signIn(t *testing.T, c *http.Client) {
	t.Helper()
	resp, page, err := fakeapi.SignIn(c, w.srv.URL+StartPath)
	if err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	resp.Header.Write(&w.seen)
	w.seen.Write(page)
	w.mu.Unlock()
	if m := outcome(t, string(page)); !m.OK {
		t.Fatalf("sign-in: %+v", m)
	}
}

// do sends a request as the page's module would (to the session's paths:
// with its header)
// unless header says otherwise, and keeps the answer for the scan.
func (w *sessionWorld) do(t *testing.T, c *http.Client, method, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, w.srv.URL+path, nil)
	if header == nil && path != StartPath && !strings.HasPrefix(path, CallbackPath) {
		req.Header.Set(RequestHeader, "1")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, v := range resp.Header {
		w.seen.WriteString(k + ": " + strings.Join(v, ", ") + "\n")
	}
	w.seen.Write(b)
	return resp, string(b)
}

type sessionAnswer struct {
	AccessToken string `json:"accessToken"`
	ExpiresIn   int    `json:"expiresIn"`
	Scope       string `json:"scope"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	SignedOut   bool   `json:"signedOut"`
	SignedIn    bool   `json:"signedIn"`
	Revoked     bool   `json:"revoked"`
}

func (w *sessionWorld) post(t *testing.T, c *http.Client, path string, header http.Header) (int, sessionAnswer, *http.Response) {
	t.Helper()
	method := "POST"
	if path == SessionPath {
		method = "GET"
	}
	resp, body := w.do(t, c, method, path, header)
	var a sessionAnswer
	if resp.Header.Get("Content-Type") == "application/json" {
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatalf("%s: %v in %q", path, err, body)
		}
	}
	return resp.StatusCode, a, resp
}

// sessionCookieOf is the session's Set-Cookie in resp, "" if none.
func sessionCookieOf(resp *http.Response) string {
	for _, c := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, sessionBase+"=") {
			return c
		}
	}
	return ""
}

func TestSession(t *testing.T) {
	w := newSessionWorld(t, Config{SessionKey: testSessionKey})
	c := browser()
	w.signIn(t, c)
	u, _ := url.Parse(w.srv.URL)
	var kept string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionBase {
			kept = ck.Value
		}
	}
	if kept == "" {
		t.Fatal("no session cookie after the sign-in")
	}

	if status, a, _ := w.post(t, c, SessionPath, nil); status != 200 || !a.SignedIn || w.login.Refreshed() != 0 {
		t.Errorf("signed in, /oauth/session says %d %+v (and %d refreshes)", status, a, w.login.Refreshed())
	}
	status, a, resp := w.post(t, c, TokenPath, nil)
	if status != 200 || !strings.HasPrefix(a.AccessToken, "fake-at-") || a.ExpiresIn != 300 || a.Scope != DefaultScope {
		t.Fatalf("refresh: %d %+v", status, a)
	}
	set := sessionCookieOf(resp)
	for _, part := range []string{"Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=1800"} {
		if !strings.Contains(set, part) {
			t.Errorf("the rotated session cookie %q lacks %s", set, part)
		}
	}
	if w.login.Refreshed() != 1 {
		t.Errorf("%d refreshes at the login server", w.login.Refreshed())
	}
	// Rotated: the cookie before is the login server's stale token now.
	stale := browser()
	stale.Jar.SetCookies(u, []*http.Cookie{{Name: sessionBase, Value: kept}})
	if status, a, resp := w.post(t, stale, TokenPath, nil); status != 401 || a.Code != CodeSignedOut || !strings.Contains(sessionCookieOf(resp), "Max-Age=0") {
		t.Errorf("the cookie before the rotation: %d %+v, cookie %q", status, a, sessionCookieOf(resp))
	}

	// Signed out: revoked at the login server, the cookie cleared, and
	// the cookie's value, sent again, refused.
	var last string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionBase {
			last = ck.Value
		}
	}
	status, a, resp = w.post(t, c, SignOutPath, nil)
	if status != 200 || !a.SignedOut || !a.Revoked || w.login.Revoked() != 1 || !strings.Contains(sessionCookieOf(resp), "Max-Age=0") {
		t.Errorf("sign-out: %d %+v, %d revoked, cookie %q", status, a, w.login.Revoked(), sessionCookieOf(resp))
	}
	if status, a, _ := w.post(t, c, TokenPath, nil); status != 401 || a.Code != CodeSignedOut {
		t.Errorf("a token after the sign-out: %d %+v", status, a)
	}
	if status, a, _ := w.post(t, c, SessionPath, nil); status != 200 || a.SignedIn {
		t.Errorf("signed out, /oauth/session says %d %+v", status, a)
	}
	replay := browser()
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: sessionBase, Value: last}})
	if status, a, _ := w.post(t, replay, TokenPath, nil); status != 401 || a.Code != CodeSignedOut || !strings.Contains(a.Message, "Session not active") {
		t.Errorf("the revoked session's cookie: %d %+v", status, a)
	}
	// A sign-out with no session still answers, and clears.
	if status, a, resp := w.post(t, browser(), SignOutPath, nil); status != 200 || !a.SignedOut || a.Revoked || !strings.Contains(sessionCookieOf(resp), "Max-Age=0") {
		t.Errorf("a sign-out with no session: %d %+v", status, a)
	}
	w.scan(t)
}

func TestSessionRefusals(t *testing.T) {
	w := newSessionWorld(t, Config{SessionKey: testSessionKey})
	c := browser()
	w.signIn(t, c)
	u, _ := url.Parse(w.srv.URL)
	value := func() string {
		for _, ck := range c.Jar.Cookies(u) {
			if ck.Name == sessionBase {
				return ck.Value
			}
		}
		t.Fatal("no session cookie")
		return ""
	}()
	with := func(v string) *http.Client {
		b := browser()
		b.Jar.SetCookies(u, []*http.Cookie{{Name: sessionBase, Value: v}})
		return b
	}
	earlier := newBox("an earlier session key, 32 characters or more", "")
	other := newBox("", fakeapi.DemoClientSecret) // the key the client secret gives
	tampered := []byte(value)
	tampered[10] ^= 1
	before := w.login.Refreshed()
	for _, c := range []struct {
		name    string
		client  *http.Client
		method  string
		path    string
		header  http.Header
		status  int
		code    string
		cleared bool
	}{
		{"no header", c, "POST", TokenPath, http.Header{"X-Other": {"1"}}, 403, "", false},
		{"from another site", c, "POST", TokenPath, http.Header{RequestHeader: {"1"}, "Sec-Fetch-Site": {"cross-site"}}, 403, "", false},
		{"from a sibling subdomain", c, "POST", SignOutPath, http.Header{RequestHeader: {"1"}, "Sec-Fetch-Site": {"same-site"}}, 403, "", false},
		{"GET", c, "GET", TokenPath, nil, 405, "", false},
		{"the session's state, asked from another site", c, "GET", SessionPath, http.Header{RequestHeader: {"1"}, "Sec-Fetch-Site": {"cross-site"}}, 403, "", false},
		{"the session's state, without the header", c, "GET", SessionPath, http.Header{"X-Other": {"1"}}, 403, "", false},
		{"no cookie", browser(), "POST", TokenPath, nil, 401, CodeSignedOut, false},
		{"a cookie from an earlier key", with(earlier.seal(sealed{RefreshToken: "fake-rt-x", Expires: w.now.Add(time.Hour).Unix()})), "POST", TokenPath, nil, 401, CodeSignedOut, true},
		{"a cookie under the client secret's key", with(other.seal(sealed{RefreshToken: "fake-rt-x", Expires: w.now.Add(time.Hour).Unix()})), "POST", TokenPath, nil, 401, CodeSignedOut, true},
		{"an altered cookie", with(string(tampered)), "POST", TokenPath, nil, 401, CodeSignedOut, true},
		{"an expired cookie", with(w.flow.box.seal(sealed{RefreshToken: "fake-rt-x", Expires: w.now.Add(-time.Second).Unix()})), "POST", TokenPath, nil, 401, CodeSignedOut, true},
		{"a refresh token the login server does not know", with(w.flow.box.seal(sealed{RefreshToken: "fake-rt-x", Expires: w.now.Add(time.Hour).Unix()})), "POST", TokenPath, nil, 401, CodeSignedOut, true},
	} {
		var status int
		var a sessionAnswer
		var resp *http.Response
		if c.method == "POST" {
			status, a, resp = w.post(t, c.client, c.path, c.header)
		} else {
			resp, _ = w.do(t, c.client, c.method, c.path, c.header)
			status = resp.StatusCode
		}
		if status != c.status || a.Code != c.code || (sessionCookieOf(resp) != "") != c.cleared {
			t.Errorf("%s: %d %+v, cookie %q", c.name, status, a, sessionCookieOf(resp))
		}
	}
	if n := w.login.Refreshed() - before; n != 0 {
		t.Errorf("the refusals got %d tokens", n)
	}
	// The session is untouched by all of it.
	if status, a, _ := w.post(t, c, TokenPath, nil); status != 200 || a.AccessToken == "" {
		t.Errorf("the session after the refusals: %d %+v", status, a)
	}
	// The refresh token expires at the login server: the session ends.
	w.login.Advance(31 * time.Minute)
	if status, a, _ := w.post(t, c, TokenPath, nil); status != 401 || a.Code != CodeSignedOut || !strings.Contains(a.Message, "Token is not active") {
		t.Errorf("after the refresh token expired: %d %+v", status, a)
	}
	w.scan(t)
}

// TestSignOutUnreachable: the login server cannot be reached: the cookie
// is cleared all the same, and the answer says the revocation did not
// happen.
func TestSignOutUnreachable(t *testing.T) {
	w := newSessionWorld(t, Config{})
	c := browser()
	w.signIn(t, c)
	w.flow.revokeURL = "http://127.0.0.1:1/revoke"
	status, a, resp := w.post(t, c, SignOutPath, nil)
	if status != 200 || !a.SignedOut || a.Revoked || !strings.Contains(a.Message, "could not be reached") || !strings.Contains(sessionCookieOf(resp), "Max-Age=0") {
		t.Errorf("sign-out, login server gone: %d %+v, cookie %q", status, a, sessionCookieOf(resp))
	}
	if status, a, _ := w.post(t, c, TokenPath, nil); status != 401 || a.Code != CodeSignedOut {
		t.Errorf("a token after it: %d %+v", status, a)
	}
	w.scan(t)
}

// scan: no refresh token, session key or client secret in any answer or
// log line.
func (w *sessionWorld) scan(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	seen := w.seen.String()
	w.mu.Unlock()
	secrets := append(w.login.RefreshTokens(), testSessionKey, fakeapi.DemoClientSecret)
	for _, s := range secrets {
		if strings.Contains(seen, s) {
			t.Errorf("%q shows in an answer or a log line", s)
		}
	}
	if len(secrets) < 3 || !strings.Contains(seen, "fake-at-") {
		t.Error("the scan saw nothing: the test is broken")
	}
}

func TestNewRefusesAShortSessionKey(t *testing.T) {
	if _, err := New(Config{ClientID: "id", ClientSecret: "secret", SessionKey: "short"}); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("a short session key: %v", err)
	}
}
