package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/sipgate"
)

// fakeAPI serves the fake sipgate API and counts the requests it gets.
func fakeAPI(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	api := fakeapi.Handler(fakeapi.Config{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

type outcome struct {
	code           int
	stdout, stderr string
}

// runWith runs the command with the environment variables vars (name,
// value, ...), no terminal unless secret is set, and typed on stdin.
func runWith(t *testing.T, args []string, typed string, secret *string, vars ...string) outcome {
	t.Helper()
	env := map[string]string{}
	for i := 0; i+1 < len(vars); i += 2 {
		env[vars[i]] = vars[i+1]
	}
	var stdout, stderr bytes.Buffer
	e := Env{
		Stdin:  strings.NewReader(typed),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
	}
	if secret != nil {
		e.Terminal = true
		e.ReadSecret = func(prompt string) (string, error) {
			fmt.Fprint(&stderr, prompt+"\n") // as the terminal shows it: the Enter, not the secret
			return *secret, nil
		}
	}
	code := Run(context.Background(), args, e)
	return outcome{code, stdout.String(), stderr.String()}
}

func wantNoSecret(t *testing.T, out outcome, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out.stdout, s) || strings.Contains(out.stderr, s) {
			t.Errorf("%q appears in the output:\nstdout: %s\nstderr: %s", s, out.stdout, out.stderr)
		}
	}
}

func TestPrintsStatusAndBodyLikeTheExample(t *testing.T) {
	srv, _ := fakeAPI(t)
	out := runWith(t, []string{"-base-url", srv.URL + "/v2"}, "", nil,
		"SIPGATE_USERNAME", fakeapi.DemoUser, "SIPGATE_PASSWORD", fakeapi.DemoPassword)
	if out.code != 0 || out.stdout != "Status: 200\nBody: "+fakeapi.DemoAccount+"\n" || out.stderr != "" {
		t.Errorf("got %+v", out)
	}
	wantNoSecret(t, out, fakeapi.DemoPassword)

	// -u wins over SIPGATE_USERNAME; a personal access token is a login too.
	out = runWith(t, []string{"-u", fakeapi.DemoTokenID, "-base-url", srv.URL + "/v2"}, "", nil,
		"SIPGATE_USERNAME", "someone@example.com", "SIPGATE_PASSWORD", fakeapi.DemoToken)
	if out.code != 0 || !strings.HasPrefix(out.stdout, "Status: 200\n") {
		t.Errorf("-u with a personal access token: %+v", out)
	}
}

func TestUnauthorized(t *testing.T) {
	srv, _ := fakeAPI(t)
	out := runWith(t, []string{"-base-url", srv.URL + "/v2"}, "", nil,
		"SIPGATE_USERNAME", fakeapi.DemoUser, "SIPGATE_PASSWORD", "wrong-password")
	if out.code != 3 || !strings.HasPrefix(out.stdout, "Status: 401\nBody: ") ||
		!strings.Contains(out.stderr, "username and/or password are wrong") || !strings.Contains(out.stderr, "(UNAUTHORIZED)") {
		t.Errorf("got %+v", out)
	}
	wantNoSecret(t, out, "wrong-password", sipgate.BasicAuth(fakeapi.DemoUser, "wrong-password"))
}

func TestNetworkFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	out := runWith(t, []string{"-base-url", closed + "/v2"}, "", nil, "SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p")
	if out.code != 12 || out.stdout != "" || !strings.Contains(out.stderr, "(NETWORK)") {
		t.Errorf("got %+v", out)
	}
}

func TestTimeout(t *testing.T) {
	srv, _ := fakeAPI(t)
	out := runWith(t, []string{"-base-url", srv.URL + "/scenario/hang/v2", "-timeout", "100ms"}, "", nil,
		"SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p")
	if out.code != 13 || !strings.Contains(out.stderr, "(TIMEOUT)") {
		t.Errorf("got %+v", out)
	}
}

func TestBadInputSendsNothing(t *testing.T) {
	srv, requests := fakeAPI(t)
	base := srv.URL + "/v2"
	cases := []struct {
		name string
		args []string
		vars []string
		code int
		says string
	}{
		{"colon in user", []string{"-base-url", base}, []string{"SIPGATE_USERNAME", "a:b", "SIPGATE_PASSWORD", "p"}, 2, `must not contain ":"`},
		{"control character in password", []string{"-base-url", base}, []string{"SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p\x01"}, 2, "control character (U+0001)"},
		{"http to another host", []string{"-base-url", "http://api.sipgate.com/v2"}, []string{"SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p"}, 2, "must use https"},
		{"no user, no terminal", []string{"-base-url", base}, []string{"SIPGATE_PASSWORD", "p"}, 2, "pass -u or set SIPGATE_USERNAME"},
		{"no password, no terminal", []string{"-base-url", base}, []string{"SIPGATE_USERNAME", "u"}, 2, "set SIPGATE_PASSWORD"},
		{"no token, no terminal", []string{"-token", "-base-url", base}, nil, 2, "set SIPGATE_TOKEN"},
		{"token with a space", []string{"-token", "-base-url", base}, []string{"SIPGATE_TOKEN", "Bearer abc"}, 2, "whitespace"},
		{"password as an argument", []string{"-base-url", base, "Secret5extra"}, []string{"SIPGATE_USERNAME", "u"}, 2, "never an argument"},
		{"unknown flag", []string{"-password", "secret"}, nil, 2, "flag provided but not defined"},
		{"negative timeout", []string{"-timeout", "-1s"}, nil, 2, "must not be negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := runWith(t, c.args, "", nil, c.vars...)
			if out.code != c.code || !strings.Contains(out.stderr, c.says) || out.stdout != "" {
				t.Errorf("got %+v, want exit %d and %q", out, c.code, c.says)
			}
			// A password typed in the wrong place is not repeated.
			wantNoSecret(t, out, "Secret5extra")
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("bad input sent %d requests, want none", n)
	}
}

func TestPromptsOnTheTerminal(t *testing.T) {
	srv, _ := fakeAPI(t)
	secret := fakeapi.DemoPassword
	out := runWith(t, []string{"-base-url", srv.URL + "/v2"}, fakeapi.DemoUser+"\n", &secret)
	if out.code != 0 || !strings.HasPrefix(out.stdout, "Status: 200\n") {
		t.Fatalf("got %+v", out)
	}
	if out.stderr != "Username (e-mail or token ID): Password or token: \n" {
		t.Errorf("prompts = %q", out.stderr)
	}
	wantNoSecret(t, out, fakeapi.DemoPassword)

	// A terminal line ending in CRLF, and only the password asked for.
	out = runWith(t, []string{"-base-url", srv.URL + "/v2"}, "", &secret, "SIPGATE_USERNAME", fakeapi.DemoUser)
	if out.code != 0 || out.stderr != "Password or token: \n" {
		t.Errorf("password prompt only: %+v", out)
	}
	out = runWith(t, []string{"-base-url", srv.URL + "/v2"}, fakeapi.DemoUser+"\r\n", &secret)
	if out.code != 0 {
		t.Errorf("CRLF after the user: %+v", out)
	}

	token := fakeapi.DemoAccessToken
	out = runWith(t, []string{"-token", "-base-url", srv.URL + "/v2"}, "", &token)
	if out.code != 0 || out.stderr != "Access token: \n" || !strings.HasPrefix(out.stdout, "Status: 200\n") {
		t.Errorf("token prompt: %+v", out)
	}
	wantNoSecret(t, out, fakeapi.DemoAccessToken)
}

func TestTokenMode(t *testing.T) {
	srv, _ := fakeAPI(t)
	out := runWith(t, []string{"-token", "-json", "-base-url", srv.URL + "/scenario/echo/v2"}, "", nil, "SIPGATE_TOKEN", "abc.def")
	var res struct {
		OK      bool
		Account struct{ Authorization string }
	}
	if err := json.Unmarshal([]byte(out.stdout), &res); err != nil || !res.OK || res.Account.Authorization != "Bearer abc.def" {
		t.Errorf("token sent as %+v (%v), output %+v", res, err, out)
	}
	out = runWith(t, []string{"-token", "-base-url", srv.URL + "/v2"}, "", nil, "SIPGATE_TOKEN", "expired")
	if out.code != 3 || !strings.Contains(out.stderr, "access token") {
		t.Errorf("wrong token: %+v", out)
	}
}

func TestJSONIsTheResultObject(t *testing.T) {
	srv, _ := fakeAPI(t)
	out := runWith(t, []string{"-json", "-base-url", srv.URL + "/v2"}, "", nil,
		"SIPGATE_USERNAME", fakeapi.DemoUser, "SIPGATE_PASSWORD", fakeapi.DemoPassword)
	want := `{"ok":true,"status":200,"statusText":"OK","body":` + quote(fakeapi.DemoAccount) + `,"account":` + fakeapi.DemoAccount + `,"error":null}` + "\n"
	if out.code != 0 || out.stdout != want {
		t.Errorf("-json:\n got %s\nwant %s", out.stdout, want)
	}
	out = runWith(t, []string{"-json", "-base-url", srv.URL + "/scenario/status-404/v2"}, "", nil, "SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p")
	var res map[string]any
	if err := json.Unmarshal([]byte(out.stdout), &res); err != nil || out.code != 5 || res["ok"] != false || res["account"] != nil ||
		res["error"].(map[string]any)["code"] != "NOT_FOUND" || out.stderr != "" {
		t.Errorf("-json 404: %+v", out)
	}
	// No response: the rejection as JSON, on stderr.
	out = runWith(t, []string{"-json", "-base-url", "ftp://x"}, "", nil, "SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p")
	var rej map[string]string
	if err := json.Unmarshal([]byte(out.stderr), &rej); err != nil || rej["name"] != "SipgateError" || rej["code"] != "INVALID_ARGUMENT" || out.code != 2 {
		t.Errorf("-json rejection: %+v", out)
	}
}

func TestExitCodesAreDistinct(t *testing.T) {
	seen := map[int]sipgate.Code{0: "the account", 1: "INTERNAL"}
	for code, n := range exitCodes {
		if other, dup := seen[n]; dup {
			t.Errorf("exit code %d is used by %s and %s", n, code, other)
		}
		seen[n] = code
	}
	if ExitCode(sipgate.CodeInternal) != 1 || fail(Env{Stderr: &bytes.Buffer{}}, false, errors.New("boom")) != 1 {
		t.Error("an unexpected error must exit 1")
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// hostile is what an API (or whatever answers at -base-url) could send to
// take over a terminal: set the window title, clear the screen, write the
// clipboard (OSC 52), and the same through C1 controls and DEL; and turn
// the text after it around with a bidi override (U+202E) or hide it behind
// a format character beyond U+FFFF.
const hostile = "{\"company\":\"\x1b]0;PWNED\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\u009b2J\x7f\r\u202egpj.exe\U000e0001\"}\n\tend\xff"

func TestEscapesControlCharacters(t *testing.T) {
	for _, status := range []int{200, 401} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, hostile)
		}))
		defer srv.Close()
		out := runWith(t, []string{"-base-url", srv.URL + "/v2"}, "", nil, "SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p")
		wantPrintable(t, out.stdout+out.stderr, true)
		want := `Body: {"company":"\x1b]0;PWNED\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\u009b2J\x7f\x0d\u202egpj.exe\U000e0001"}` + "\n\tend\\xff\n"
		if !strings.HasSuffix(out.stdout, want) {
			t.Errorf("status %d: stdout %q, want it to end with %q", status, out.stdout, want)
		}
		out = runWith(t, []string{"-json", "-base-url", srv.URL + "/v2"}, "", nil, "SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p")
		wantPrintable(t, out.stdout+out.stderr, false)
		var res struct{ Body string }
		if err := json.Unmarshal([]byte(out.stdout), &res); err != nil || res.Body != strings.ToValidUTF8(hostile, "\ufffd") {
			t.Errorf("-json with status %d: body %q (%v), want the same text escaped", status, res.Body, err)
		}
	}
}

// wantPrintable fails on any control character a terminal would act on;
// newline and tab are allowed where lines allows them.
func wantPrintable(t *testing.T, s string, lines bool) {
	t.Helper()
	for _, r := range s {
		allowed := r == '\n' || (lines && r == '\t')
		if (r < 0x20 && !allowed) || (r >= 0x7f && r <= 0x9f) || unicode.Is(unicode.Cf, r) {
			t.Errorf("raw control character U+%04X in the output %q", r, s)
			return
		}
	}
}

// TestSpeaksInItsOwnTerms: a terminal has no timeoutMs, no page and no
// CORS; each message says what happened and what to try with the
// command's flags and variables.
func TestSpeaksInItsOwnTerms(t *testing.T) {
	srv, _ := fakeAPI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	// A server that reads the request and closes the connection without a
	// word. (Closing with the request unread would reset the connection
	// instead, depending on whether it had arrived.)
	hangup, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hangup.Close()
	go func() {
		for {
			c, err := hangup.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				http.ReadRequest(bufio.NewReader(c))
			}()
		}
	}()
	login := []string{"SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "p"}
	cases := []struct {
		name string
		args []string
		vars []string
		says []string
	}{
		{"timeout", []string{"-timeout", "100ms", "-base-url", srv.URL + "/scenario/hang/v2"}, login,
			[]string{"no complete answer from the API within 100ms", "allow more time with -timeout", "(TIMEOUT)"}},
		{"refused", []string{"-base-url", closed + "/v2"}, login,
			[]string{"the connection to " + strings.TrimPrefix(closed, "http://") + " was refused", "Check -base-url", "(NETWORK)"}},
		{"unknown host", []string{"-base-url", "https://no-such-host.invalid/v2"}, login,
			[]string{"could not be resolved", "host name in -base-url", "(NETWORK)"}},
		{"closed without an answer", []string{"-base-url", "http://" + hangup.Addr().String() + "/v2"}, login,
			[]string{"the request did not reach the API", "EOF", "Check this machine's network and -base-url", "(NETWORK)"}},
		{"redirect", []string{"-base-url", srv.URL + "/scenario/redirect/v2"}, login,
			[]string{"redirect, which is never followed", "Check -base-url", "(NETWORK)"}},
		{"a path", []string{"-base-url", "/v2"}, login,
			[]string{"-base-url is a path", "give an absolute URL", "(INVALID_ARGUMENT)"}},
		{"http elsewhere", []string{"-base-url", "http://api.sipgate.com/v2"}, login,
			[]string{"-base-url must use https", "(INVALID_ARGUMENT)"}},
		{"colon in the user", []string{"-base-url", srv.URL + "/v2"}, []string{"SIPGATE_USERNAME", "a:b", "SIPGATE_PASSWORD", "p"},
			[]string{`the user (-u or SIPGATE_USERNAME) must not contain ":"`}},
		{"404", []string{"-base-url", srv.URL + "/scenario/not-found/v2"}, login,
			[]string{"wrong REST API endpoint, or the account was not found", "Check -base-url", "(NOT_FOUND)"}},
		{"403 with a token", []string{"-token", "-base-url", srv.URL + "/scenario/forbidden-text/v2"}, []string{"SIPGATE_TOKEN", "t"},
			[]string{"account:read", "(FORBIDDEN)"}},
		{"401 with a token", []string{"-token", "-base-url", srv.URL + "/v2"}, []string{"SIPGATE_TOKEN", "t"},
			[]string{"lacks the scope account:read", "SIPGATE_TOKEN", "(UNAUTHORIZED)"}},
		{"401 with an umlaut", []string{"-base-url", srv.URL + "/v2"}, []string{"SIPGATE_USERNAME", "u", "SIPGATE_PASSWORD", "pässword"},
			[]string{"sent as UTF-8", "SIPGATE_PASSWORD", "(UNAUTHORIZED)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := runWith(t, c.args, "", nil, c.vars...)
			for _, s := range c.says {
				if !strings.Contains(out.stderr, s) {
					t.Errorf("stderr %q does not say %q", out.stderr, s)
				}
			}
			for _, word := range []string{"timeoutMs", "baseURL", "CORS", "page", "AbortSignal"} {
				if strings.Contains(out.stderr, word) {
					t.Errorf("stderr speaks of %s: %q", word, out.stderr)
				}
			}
		})
	}
}
