package signin

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sipgate-account/internal/exchange"
	"sipgate-account/internal/fakeapi"
)

// flowWith runs the flow for a client at a fake login server, and returns
// the flow's server, the login server and a browser-like client that keeps
// cookies and stops at redirects.
func flowWith(t *testing.T, cfg Config) (*httptest.Server, *fakeapi.Login, *http.Client) {
	t.Helper()
	login := fakeapi.NewLogin()
	ls := httptest.NewServer(login.Handler())
	t.Cleanup(ls.Close)
	cfg.LoginServer = ls.URL
	if cfg.ClientID == "" {
		cfg.ClientID, cfg.ClientSecret = fakeapi.DemoClientID, fakeapi.DemoClientSecret
	}
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return srv, login, &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// decide answers the consent page at auth as the person would.
func decide(t *testing.T, auth *url.URL, decision string) *url.URL {
	t.Helper()
	back, err := fakeapi.Decide(auth, decision == "allow")
	if err != nil {
		t.Fatal(err)
	}
	return back
}

var outcomeRE = regexp.MustCompile(`<script type="application/json" id="outcome">(.*?)</script>`)

func outcome(t *testing.T, page string) message {
	t.Helper()
	m := outcomeRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no outcome in %q", page)
	}
	var msg message
	if err := json.Unmarshal([]byte(m[1]), &msg); err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestFlow(t *testing.T) {
	srv, login, c := flowWith(t, Config{})
	resp, _ := get(t, c, srv.URL+StartPath)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("start: %d", resp.StatusCode)
	}
	auth, _ := url.Parse(resp.Header.Get("Location"))
	q := auth.Query()
	for k, want := range map[string]string{"response_type": "code", "client_id": fakeapi.DemoClientID, "scope": DefaultScope,
		"code_challenge_method": "S256", "redirect_uri": srv.URL + CallbackPath} {
		if q.Get(k) != want {
			t.Errorf("auth URL %s = %q, want %q", k, q.Get(k), want)
		}
	}
	if auth.Path != RealmPath+"/auth" || q.Get("state") == "" || len(q.Get("code_challenge")) != 43 {
		t.Errorf("auth URL %s", auth)
	}
	cookie := resp.Header.Get("Set-Cookie")
	for _, part := range []string{cookieBase + "=", "Path=/;", "Max-Age=600", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, part) {
			t.Errorf("the cookie %q lacks %s", cookie, part)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("a cookie for http on loopback is Secure, which the browser would not keep: %q", cookie)
	}
	// The cookie's verifier is the challenge's.
	verifier := strings.Split(strings.TrimPrefix(strings.Split(cookie, ";")[0], cookieBase+"="), ".")[1]
	sum := sha256.Sum256([]byte(verifier))
	if base64.RawURLEncoding.EncodeToString(sum[:]) != q.Get("code_challenge") {
		t.Error("the challenge is not the cookie's verifier's")
	}

	back := decide(t, auth, "allow")
	resp, page := get(t, c, back.String())
	m := outcome(t, page)
	if !m.OK || !strings.HasPrefix(m.AccessToken, "fake-at-") || m.ExpiresIn != 300 || m.Scope != DefaultScope || m.Type != MessageType {
		t.Errorf("callback: %+v", m)
	}
	if strings.Contains(page, "fake-rt-") || strings.Contains(page, "refresh") {
		t.Error("the page holds the refresh token")
	}
	if got := resp.Header.Get("Set-Cookie"); !strings.Contains(got, "Max-Age=0") || !strings.Contains(got, "Path=/;") {
		t.Errorf("the callback does not clear the cookie: %q", got)
	}
	if resp.Header.Get("Content-Security-Policy") != PageCSP || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("callback headers %v", resp.Header)
	}
	if login.Issued() != 1 {
		t.Errorf("%d tokens issued", login.Issued())
	}
	// The same answer again: the cookie is gone.
	_, page = get(t, c, back.String())
	if m := outcome(t, page); m.Code != CodeState || login.Issued() != 1 {
		t.Errorf("the callback twice: %+v, %d tokens", m, login.Issued())
	}
}

// TestPageCSP: the policy's hash is the page's one script.
func TestPageCSP(t *testing.T) {
	f, _ := New(Config{ClientID: "a", ClientSecret: "b"})
	a := f.page(httptest.NewRequest("GET", "http://127.0.0.1/oauth/callback", nil), message{Code: CodeDenied, Message: "</script><script>alert(1)</script>"})
	body := string(a.Body)
	scripts := regexp.MustCompile(`<script>([\s\S]*?)</script>`).FindAllStringSubmatch(body, -1)
	if len(scripts) != 1 {
		t.Fatalf("%d scripts run in %s", len(scripts), body)
	}
	sum := sha256.Sum256([]byte(scripts[0][1]))
	if !strings.Contains(PageCSP, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("the policy %q does not allow the script", PageCSP)
	}
	if strings.Contains(body, "</script><script>alert") {
		t.Error("a message ends the data block")
	}
}

func TestCookieSecure(t *testing.T) {
	for _, c := range []struct {
		url, redirect string
		secure        bool
	}{
		{"http://127.0.0.1:8080/oauth/start", "", false},
		{"http://localhost:8080/oauth/start", "", false},
		{"http://[::1]:8080/oauth/start", "", false},
		{"https://account.example/oauth/start", "", true},
		{"http://account.example/oauth/start", "", true}, // behind a TLS front
		{"http://127.0.0.1:8080/oauth/start", "https://account.example/oauth/callback", true},
	} {
		f, err := New(Config{ClientID: "a", ClientSecret: "b", RedirectURL: c.redirect})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", c.url, nil)
		if strings.HasPrefix(c.url, "http://") {
			r.TLS = nil
		}
		r.URL.Scheme = "" // as a server sees it
		a, _ := f.Plan(r)
		cookie := a.Header.Get("Set-Cookie")
		if got := strings.Contains(cookie, "Secure"); got != c.secure {
			t.Errorf("%s (redirect %q): Secure %v, want %v", c.url, c.redirect, got, c.secure)
		}
		// Secure, it is a __Host- cookie, which no sibling subdomain can set.
		if got := strings.HasPrefix(cookie, "__Host-"+cookieBase+"="); got != c.secure {
			t.Errorf("%s (redirect %q): %q, want the __Host- prefix exactly when Secure", c.url, c.redirect, cookie)
		}
	}
}

func TestRefusals(t *testing.T) {
	srv, login, c := flowWith(t, Config{})
	startAt := func() (*url.URL, url.Values) {
		resp, _ := get(t, c, srv.URL+StartPath)
		u, _ := url.Parse(resp.Header.Get("Location"))
		return u, u.Query()
	}
	callback := func(q url.Values) message {
		_, page := get(t, c, srv.URL+CallbackPath+"?"+q.Encode())
		return outcome(t, page)
	}
	auth, q := startAt()
	back := decide(t, auth, "deny")
	if m := callback(back.Query()); m.Code != CodeDenied {
		t.Errorf("deny: %+v", m)
	}
	auth, q = startAt()
	code := decide(t, auth, "allow").Query().Get("code")
	if m := callback(url.Values{"code": {code}, "state": {"forged"}}); m.Code != CodeState || !strings.Contains(m.Message, "another state") {
		t.Errorf("a wrong state: %+v", m)
	}
	_, q = startAt()
	if m := callback(url.Values{"code": {code}}); m.Code != CodeState || !strings.Contains(m.Message, "no state") {
		t.Errorf("no state: %+v", m)
	}
	c.Jar, _ = cookiejar.New(nil)
	if m := callback(url.Values{"code": {code}, "state": {q.Get("state")}}); m.Code != CodeState || !strings.Contains(m.Message, "no sign-in was started") {
		t.Errorf("no cookie: %+v", m)
	}
	_, q = startAt()
	if m := callback(url.Values{"state": {q.Get("state")}, "error": {"server_error"}, "error_description": {"down"}}); m.Code != CodeRefused || !strings.Contains(m.Message, "server_error (down)") {
		t.Errorf("an error: %+v", m)
	}
	_, q = startAt()
	if m := callback(url.Values{"state": {q.Get("state")}}); m.Code != CodeRefused || !strings.Contains(m.Message, "no code") {
		t.Errorf("no code: %+v", m)
	}
	if login.Issued() != 0 {
		t.Errorf("%d tokens issued", login.Issued())
	}
	for _, c := range []struct{ method, path string }{{"POST", StartPath}, {"GET", "/oauth/other"}, {"GET", "/oauth%2Fstart"}} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 && resp.StatusCode != 405 {
			t.Errorf("%s %s: %d", c.method, c.path, resp.StatusCode)
		}
	}
}

// TestFinish: what the token endpoint may answer, and what the page gets.
func TestFinish(t *testing.T) {
	f, _ := New(Config{ClientID: "a", ClientSecret: "b"})
	r := httptest.NewRequest("GET", "http://127.0.0.1/oauth/callback", nil)
	jsonType := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	for _, c := range []struct {
		name   string
		status int
		header http.Header
		body   string
		code   string
	}{
		{"a token", 200, jsonType, `{"access_token":"t","token_type":"bearer","expires_in":300,"refresh_token":"r"}`, ""},
		{"a refusal", 400, jsonType, `{"error":"invalid_grant","error_description":"Code not valid"}`, CodeRefused},
		{"HTML", 502, http.Header{"Content-Type": {"text/html"}}, `<h1>Bad Gateway</h1>`, CodeUnreachable},
		{"not a bearer token", 200, jsonType, `{"access_token":"t","token_type":"mac"}`, CodeUnreachable},
		{"no token", 200, jsonType, `{}`, CodeUnreachable},
		{"too large", 200, jsonType, `{"access_token":"` + strings.Repeat("x", maxTokenAnswer) + `"}`, CodeUnreachable},
	} {
		a := f.Finish(r, c.status, c.header, []byte(c.body))
		m := outcome(t, string(a.Body))
		if m.Code != c.code || (c.code == "" && (!m.OK || m.AccessToken != "t")) {
			t.Errorf("%s: %+v", c.name, m)
		}
		if strings.Contains(string(a.Body), `"r"`) {
			t.Errorf("%s: the refresh token reached the page", c.name)
		}
	}
	if m := outcome(t, string(f.Failed(r, exchange.ErrTimeout).Body)); m.Code != CodeUnreachable || !strings.Contains(m.Message, "within 10s") {
		t.Errorf("a timeout: %+v", m)
	}
	if m := outcome(t, string(f.Failed(r, errors.New("dial tcp: refused")).Body)); m.Code != CodeUnreachable || strings.Contains(m.Message, "dial") {
		t.Errorf("no answer: %+v", m)
	}
}

// TestExchangeRequest: the token call is x/oauth2's Exchange's: a form
// with the code, the exact redirect URI and the verifier, and the client
// in HTTP Basic, each part URL-encoded first.
func TestExchangeRequest(t *testing.T) {
	f, _ := New(Config{ClientID: "id:with space", ClientSecret: "s&cret", LoginServer: "https://login.example"})
	r := httptest.NewRequest("GET", "https://account.example/oauth/callback?code=C&state=S", nil)
	r.AddCookie(&http.Cookie{Name: cookieName(true), Value: f.sealer.seal("S", "V", time.Now())})
	a, out := f.Plan(r)
	if a != nil {
		t.Fatalf("refused: %s", a.Body)
	}
	if out.Method != "POST" || out.URL != "https://login.example"+RealmPath+"/token" {
		t.Errorf("%s %s", out.Method, out.URL)
	}
	form, _ := url.ParseQuery(string(out.Body))
	want := url.Values{"grant_type": {"authorization_code"}, "code": {"C"}, "redirect_uri": {"https://account.example/oauth/callback"}, "code_verifier": {"V"}}
	if form.Encode() != want.Encode() {
		t.Errorf("form %v", form)
	}
	req := &http.Request{Header: out.Header}
	id, secret, ok := req.BasicAuth()
	if !ok || id != url.QueryEscape("id:with space") || secret != url.QueryEscape("s&cret") {
		t.Errorf("Basic %q %q", id, secret)
	}
	if out.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("headers %v", out.Header)
	}
}

func TestNewRefuses(t *testing.T) {
	for _, c := range []Config{
		{},
		{ClientID: "a"},
		{ClientID: "a", ClientSecret: "s3cr3t-xyz", LoginServer: "http://login.example"},
		{ClientID: "a", ClientSecret: "s3cr3t-xyz", LoginServer: "https://login.example/auth"},
		{ClientID: "a", ClientSecret: "s3cr3t-xyz", LoginServer: "https://user:pw@login.example"},
		{ClientID: "a", ClientSecret: "s3cr3t-xyz", RedirectURL: "https://account.example/elsewhere"},
	} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		} else if c.ClientSecret != "" && strings.Contains(err.Error(), c.ClientSecret) {
			t.Errorf("the error names the secret: %v", err)
		}
	}
}

// TestBrowserSideAgrees: the codes the callback page posts are among those
// web/sipgate-signin.js lists, and its types name exactly the list; its
// default start and the message's type are this package's.
func TestBrowserSideAgrees(t *testing.T) {
	js, err := os.ReadFile("../../web/sipgate-signin.js")
	if err != nil {
		t.Fatal(err)
	}
	dts, err := os.ReadFile("../../web/sipgate-signin.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	quoted := regexp.MustCompile(`"([A-Z_]+)"`)
	list := regexp.MustCompile(`(?s)SIGN_IN_ERROR_CODES = Object\.freeze\(\[(.*?)\]\)`).FindSubmatch(js)
	union := regexp.MustCompile(`(?s)type SignInErrorCode =(.*?);`).FindSubmatch(dts)
	if list == nil || union == nil {
		t.Fatal("no code list in web/sipgate-signin.js or no SignInErrorCode in its types")
	}
	var inJS, inTypes []string
	for _, m := range quoted.FindAllSubmatch(list[1], -1) {
		inJS = append(inJS, string(m[1]))
	}
	for _, m := range quoted.FindAllSubmatch(union[1], -1) {
		inTypes = append(inTypes, string(m[1]))
	}
	if strings.Join(inJS, " ") != strings.Join(inTypes, " ") {
		t.Errorf("sipgate-signin.js lists %v, its types %v", inJS, inTypes)
	}
	for _, c := range Codes {
		if !slices.Contains(inJS, c) {
			t.Errorf("the server's code %s is not in sipgate-signin.js", c)
		}
	}
	for _, want := range []string{`startURL = "` + StartPath + `"`, `const MESSAGE_TYPE = "` + MessageType + `"`,
		`const SESSION_URL = "` + SessionPath + `"`, `const TOKEN_URL = "` + TokenPath + `"`,
		`const SIGN_OUT_URL = "` + SignOutPath + `"`, `const REQUEST_HEADER = "` + RequestHeader + `"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("sipgate-signin.js does not say %s", want)
		}
	}
}
