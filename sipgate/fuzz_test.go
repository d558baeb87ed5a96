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
			if !errors.As(err, &se) || se.Code != CodeInvalidArgument || se.Message == "" {
				t.Fatalf("error %v is not INVALID_ARGUMENT", err)
			}
			if !breaksARule(user, pass) {
				t.Fatalf("refused good input %q %q: %v", user, pass, err)
			}
			if strings.Contains(se.Message, pass) && len(pass) > 3 {
				t.Fatalf("the message repeats the password: %q", se.Message)
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
		req, err := NewAccountRequest(user, pass, "")
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
		u, err := ParseBaseURL(raw)
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
		r := NewResult(status, h, body, tooLarge)
		if r.Status != status || r.Body != string(body) {
			t.Fatalf("status/body changed: %d %q", r.Status, r.Body)
		}
		if r.OK != (r.Error == nil) {
			t.Fatalf("ok=%v with error %+v", r.OK, r.Error)
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
		if r.Account != nil || r.Error.Code == "" || r.Error.Message == "" {
			t.Fatalf("result %+v", r)
		}
		if tooLarge && r.Error.Code != CodeResponseTooLarge {
			t.Fatalf("tooLarge gave %s", r.Error.Code)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("result does not marshal: %v", err)
		}
	})
}
