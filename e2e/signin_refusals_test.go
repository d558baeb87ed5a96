//go:build e2e

// The session's refusals on both hosts, as a client sends them.

package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/signin"
	"strings"
	"testing"
	"time"
)

// TestSessionRefusals, on each host, as a client sends them: every one is
// refused without a token, and none touches the session.
func TestSessionRefusals(t *testing.T) {
	for _, host := range signinHosts {
		t.Run(host.name, func(t *testing.T) {
			world := sessionWorld(t)
			base := host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)
			var answers strings.Builder
			// send asks host (base, or another) as the page's module would,
			// with the session cookie's value and header over its own.
			send := func(method, host, path, cookie string, header http.Header) (int, string) {
				t.Helper()
				req, _ := http.NewRequest(method, host+path, nil)
				req.Header.Set(signin.RequestHeader, "1")
				for k, v := range header {
					req.Header[k] = v
				}
				if cookie != "" {
					req.Header.Set("Cookie", "sipgate_session="+cookie)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				resp.Header.Write(&answers)
				answers.Write(b)
				return resp.StatusCode, string(b)
			}
			post := func(path, cookie string, header http.Header) (int, string) {
				t.Helper()
				return send("POST", base, path, cookie, header)
			}
			session := httpSignIn(t, base, &answers)
			before := world.login.Refreshed()

			for _, c := range []struct {
				name, path, cookie string
				header             http.Header
				status             int
				says               string
			}{
				{"from another site", signin.TokenPath, session, http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403, "own pages only"},
				{"from a sibling subdomain", signin.TokenPath, session, http.Header{"Sec-Fetch-Site": {"same-site"}}, 403, "own pages only"},
				{"without the page's header", signin.TokenPath, session, http.Header{signin.RequestHeader: nil}, 403, "own pages only"},
				{"a sign-out from another site", signin.SignOutPath, session, http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403, "own pages only"},
				{"an altered cookie", signin.TokenPath, altered(session), nil, 401, `"SIGNED_OUT"`},
				{"no cookie", signin.TokenPath, "", nil, 401, `"SIGNED_OUT"`},
			} {
				if status, body := post(c.path, c.cookie, c.header); status != c.status || !strings.Contains(body, c.says) {
					t.Errorf("%s: %d %s", c.name, status, body)
				}
			}
			if status, _ := send("GET", base, signin.SessionPath, session, http.Header{"Sec-Fetch-Site": {"cross-site"}}); status != 403 {
				t.Errorf("the session's state, asked from another site: %d", status)
			}
			if n := world.login.Refreshed() - before; n != 0 {
				t.Errorf("the refusals got %d tokens", n)
			}
			if status, body := post(signin.TokenPath, session, nil); status != 200 || !strings.Contains(body, "fake-at-") {
				t.Fatalf("the session after the refusals: %d %s", status, body)
			}

			// A cookie from an earlier key: the same host, started again
			// with another.
			firstLog := world.hostLog
			world.sessionKey = "another session key, 32 characters or more"
			rekeyed := host.start(t, world, fakeapi.DemoClientID, fakeapi.DemoClientSecret)
			if status, body := send("POST", rekeyed, signin.TokenPath, session, nil); status != 401 || !strings.Contains(body, "key changed") {
				t.Errorf("a cookie from an earlier key: %d %s", status, body)
			}
			world.sessionKey = sessionKey

			// Revoked: signed out, the same cookie is refused.
			session = httpSignIn(t, base, &answers)
			if status, body := post(signin.SignOutPath, session, nil); status != 200 || !strings.Contains(body, `"revoked":true`) {
				t.Errorf("sign-out: %d %s", status, body)
			}
			if status, body := post(signin.TokenPath, session, nil); status != 401 || !strings.Contains(body, "Session not active") {
				t.Errorf("a revoked cookie: %d %s", status, body)
			}
			// An expired cookie: its refresh token lived one second. Once
			// the host's own clock says the session ended (asked without
			// a refresh), the cookie is refused before the login server is.
			world.login.SetLifetimes(20*time.Second, time.Second)
			session = httpSignIn(t, base, &answers)
			world.login.SetLifetimes(20*time.Second, 30*time.Minute)
			for deadline := time.Now().Add(10 * time.Second); ; {
				if _, body := send("GET", base, signin.SessionPath, session, nil); strings.Contains(body, `"signedIn":false`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("a one-second session still open after 10 s")
				}
				time.Sleep(50 * time.Millisecond) // within the rate limit
			}
			refreshed := world.login.Refreshed()
			if status, body := post(signin.TokenPath, session, nil); status != 401 || !strings.Contains(body, "has ended") || world.login.Refreshed() != refreshed {
				t.Errorf("an expired cookie: %d %s", status, body)
			}
			// Expired at the login server: refused there, and the page is
			// told to sign in again.
			session = httpSignIn(t, base, &answers)
			world.login.Advance(31 * time.Minute)
			if status, body := post(signin.TokenPath, session, nil); status != 401 || !strings.Contains(body, `"SIGNED_OUT"`) || !strings.Contains(body, "Token is not active") {
				t.Errorf("an expired refresh token: %d %s", status, body)
			}
			wantNoSessionSecretIn(t, world, "the answers", answers.String()+firstLog())
		})
	}
}

// httpSignIn signs in as a browser would, without one, and returns the
// session cookie's value; every answer goes to answers.
func httpSignIn(t *testing.T, base string, answers *strings.Builder) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, body, err := fakeapi.SignIn(c, base+signin.StartPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Header.Write(answers)
	answers.Write(body)
	for _, ck := range resp.Cookies() {
		if ck.Name == "sipgate_session" && ck.Value != "" {
			return ck.Value
		}
	}
	t.Fatalf("no session cookie after the sign-in: %v", resp.Header)
	return ""
}

// altered is a cookie's value with one character changed.
func altered(v string) string {
	b := []byte(v)
	if b[5] == 'A' {
		b[5] = 'B'
	} else {
		b[5] = 'A'
	}
	return string(b)
}
