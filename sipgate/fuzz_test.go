package sipgate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seed corpora live in testdata/fuzz/<target>/; plain `go test` runs
// them, `make fuzz` explores further.

// breaksARule restates the input rules independently of the code under test.
func breaksARule(user, pass string) bool {
	bad := func(s string) bool {
		if s == "" || len(s) > MaxCredentialBytes || !utf8.ValidString(s) {
			return true
		}
		return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
	}
	return bad(user) || bad(pass) || strings.Contains(user, ":")
}

func FuzzCredentials(f *testing.F) {
	f.Fuzz(func(t *testing.T, user, pass string) {
		err := ValidateCredentials(user, pass)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Code != CodeInvalidArgument || se.Summary() == "" {
				t.Fatalf("error %v is not INVALID_ARGUMENT", err)
			}
			if !breaksARule(user, pass) {
				t.Fatalf("refused good input %q %q: %v", user, pass, err)
			}
			if strings.Contains(se.Summary(), pass) && len(pass) > 3 {
				t.Fatalf("the message repeats the password: %q", se.Summary())
			}
			return
		}
		if breaksARule(user, pass) {
			t.Fatalf("accepted %q %q, which breaks a rule", user, pass)
		}
		header := BasicAuth(user, pass)
		encoded, ok := strings.CutPrefix(header, "Basic ")
		if !ok {
			t.Fatalf("header %q", header)
		}
		raw, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			t.Fatalf("header %q is not Base64: %v", header, err)
		}
		// RFC 7617: the user-id ends at the first colon.
		u, p, found := strings.Cut(string(raw), ":")
		if !found || u != user || p != pass {
			t.Fatalf("header %q decodes to %q, not %q:%q", header, raw, user, pass)
		}
		req, err := NewAccountRequest(user, pass, Options{})
		if err != nil {
			t.Fatalf("NewAccountRequest: %v", err)
		}
		if req.Header.Get("Authorization") != header || strings.ContainsAny(header, "\r\n\x00") {
			t.Fatalf("request header %q", req.Header.Get("Authorization"))
		}
		if strings.Contains(req.URL.String(), encoded) || req.URL.User != nil {
			t.Fatalf("credentials in the URL %s", req.URL)
		}
	})
}

func FuzzParseBaseURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ResolveBaseURL(raw, "https://page.example")
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Code != CodeInvalidArgument {
				t.Fatalf("error %v is not INVALID_ARGUMENT", err)
			}
			return
		}
		switch {
		case u.Scheme != "https" && !(u.Scheme == "http" && IsLoopbackHost(u.Hostname())):
			t.Fatalf("%q accepted with scheme %q and host %q", raw, u.Scheme, u.Hostname())
		case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Host == "":
			t.Fatalf("%q accepted as %#v", raw, u)
		case strings.HasSuffix(u.Path, "/"):
			t.Fatalf("%q keeps a trailing slash: %q", raw, u.Path)
		}
		if _, err := http.NewRequest("GET", u.String()+"/account", nil); err != nil {
			t.Fatalf("%q gives an unusable request URL: %v", raw, err)
		}
	})
}

func FuzzNewResult(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, body []byte, tooLarge bool, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		r := newResult(response{status: status, header: h, body: body, tooLarge: tooLarge})
		if r.Status != status || r.Body != string(body) {
			t.Fatalf("status/body changed: %d %q", r.Status, r.Body)
		}
		if r.OK != (r.Problem == nil) {
			t.Fatalf("ok=%v with problem %+v", r.OK, r.Problem)
		}
		if r.OK {
			trimmed := bytes.TrimSpace(body)
			if status < 200 || status > 299 || tooLarge || !json.Valid(r.Account) || trimmed[0] != '{' {
				t.Fatalf("ok for status %d, tooLarge %v, body %q", status, tooLarge, body)
			}
			var obj map[string]any
			if err := json.Unmarshal(r.Account, &obj); err != nil {
				t.Fatalf("account %q is not an object: %v", r.Account, err)
			}
			return
		}
		if r.Account != nil || r.Problem.Code == "" || r.Problem.Summary() == "" {
			t.Fatalf("result %+v", r)
		}
		if tooLarge && r.Problem.Code != CodeResponseTooLarge {
			t.Fatalf("tooLarge gave %s", r.Problem.Code)
		}
	})
}

// FuzzJSONObject holds isJSONObject to encoding/json: one JSON object with
// JSON whitespace around it.
func FuzzJSONObject(f *testing.F) {
	for _, seed := range []string{`{}`, ` {"a":[1,2.5e-3,"x\u00e9\n",true,false,null,{}]} `, `{"a":}`, `[]`, `{"a":1}x`,
		"\v{}", `{"a":"\x01"}`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"\ud800":"\/"}`, `{"a":"\q"}`, strings.Repeat("[", 10001)} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		trimmed := bytes.TrimLeft(b, " \t\r\n")
		want := json.Valid(b) && len(trimmed) > 0 && trimmed[0] == '{'
		if got := isJSONObject(b); got != want {
			t.Fatalf("isJSONObject(%q) = %v, encoding/json says %v", b, got, want)
		}
	})
}

func TestJSONObjectDepth(t *testing.T) {
	deep := func(n int) []byte {
		return []byte(`{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`)
	}
	for _, n := range []int{1, 9999, 10000, 10001, 20000} {
		if got, want := isJSONObject(deep(n)), json.Valid(deep(n)); got != want {
			t.Errorf("depth %d: %v, encoding/json says %v", n, got, want)
		}
	}
}
