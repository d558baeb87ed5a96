package sipgate

import (
	"errors"
	"strings"
	"testing"
)

// The contract's test vectors: RFC 7617 and the sipgate example.
var headerVectors = []struct{ user, pass, header string }{
	{"John", "topsecret", "Basic Sm9objp0b3BzZWNyZXQ="},
	{"Aladdin", "open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
	{"test", "123£", "Basic dGVzdDoxMjPCow=="},
	{"user", "pa:ss", "Basic dXNlcjpwYTpzcw=="},
}

func TestBasicAuthVectors(t *testing.T) {
	for _, v := range headerVectors {
		if got := BasicAuth(v.user, v.pass); got != v.header {
			t.Errorf("BasicAuth(%q, %q) = %q, want %q", v.user, v.pass, got, v.header)
		}
		if err := ValidateCredentials(v.user, v.pass); err != nil {
			t.Errorf("ValidateCredentials(%q, %q) = %v, want nil", v.user, v.pass, err)
		}
	}
}

func TestValidateCredentials(t *testing.T) {
	long := strings.Repeat("a", MaxCredentialBytes)
	ok := []struct{ user, pass string }{
		{"token-ABC123", "secret"},
		{long, long},
		{"ü", strings.Repeat("€", MaxCredentialBytes/3)}, // 4095 bytes
		{"user", "\u0080 C1 controls are allowed"},
	}
	for _, c := range ok {
		if err := ValidateCredentials(c.user, c.pass); err != nil {
			t.Errorf("ValidateCredentials(%.20q, %.20q) = %v, want nil", c.user, c.pass, err)
		}
	}
	bad := []struct{ name, user, pass, says string }{
		{"empty user", "", "p", "user must be a non-empty string"},
		{"empty pass", "u", "", "pass must be a non-empty string"},
		{"colon in user", "a:b", "p", `must not contain ":"`},
		{"NUL in user", "a\x00", "p", "control character (U+0000)"},
		{"LF in pass", "u", "p\n", "control character (U+000A)"},
		{"CR in pass", "u", "\rp", "control character (U+000D)"},
		{"TAB in user", "a\tb", "p", "control character (U+0009)"},
		{"US in pass", "u", "\x1f", "control character (U+001F)"},
		{"DEL in pass", "u", "p\x7f", "control character (U+007F)"},
		{"user too long", long + "a", "p", "user is longer than 4096 bytes"},
		{"pass too long in bytes", "u", strings.Repeat("€", MaxCredentialBytes/3+1), "pass is longer than 4096 bytes"},
		{"invalid UTF-8", "u", "\xff", "not valid Unicode"},
	}
	for _, c := range bad {
		err := ValidateCredentials(c.user, c.pass)
		var se *Error
		if !errors.As(err, &se) || se.Code != CodeInvalidArgument {
			t.Errorf("%s: got %v, want INVALID_ARGUMENT", c.name, err)
			continue
		}
		if !strings.Contains(se.Message, c.says) {
			t.Errorf("%s: message %q does not say %q", c.name, se.Message, c.says)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	ok := map[string]string{
		"":                            "https://api.sipgate.com/v2",
		"https://api.sipgate.com/v2":  "https://api.sipgate.com/v2",
		"https://api.sipgate.com/v2/": "https://api.sipgate.com/v2",
		"HTTPS://api.sipgate.com/v2":  "https://api.sipgate.com/v2",
		"http://localhost:8080/v2":    "http://localhost:8080/v2",
		"http://LOCALHOST/v2":         "http://LOCALHOST/v2",
		"http://127.0.0.1:1/v2":       "http://127.0.0.1:1/v2",
		"http://127.5.6.7/v2":         "http://127.5.6.7/v2",
		"http://[::1]:9/":             "http://[::1]:9",
		"https://example.com":         "https://example.com",
		"https://example.com/a%2Fb/":  "https://example.com/a%2Fb",
	}
	for in, want := range ok {
		u, err := ParseBaseURL(in)
		if err != nil {
			t.Errorf("ParseBaseURL(%q) = %v, want %q", in, err, want)
			continue
		}
		if u.String() != want {
			t.Errorf("ParseBaseURL(%q) = %q, want %q", in, u.String(), want)
		}
	}
	bad := []string{
		"api.sipgate.com/v2",
		"/v2",
		"//api.sipgate.com/v2",
		"http://api.sipgate.com/v2",
		"http://10.0.0.1/v2",
		"http://localhost.example.com/v2",
		"ftp://localhost/v2",
		"javascript:alert(1)",
		"https:",
		"https://user:pw@api.sipgate.com/v2",
		"https://api.sipgate.com/v2?x=1",
		"https://api.sipgate.com/v2?",
		"https://api.sipgate.com/v2#f",
		"https://api.sipgate.com/v2//",
		"https://api.sipgate.com\n/v2",
	}
	for _, in := range bad {
		u, err := ParseBaseURL(in)
		var se *Error
		if !errors.As(err, &se) || se.Code != CodeInvalidArgument {
			t.Errorf("ParseBaseURL(%q) = %v, %v; want INVALID_ARGUMENT", in, u, err)
		}
	}
}

func TestNewAccountRequest(t *testing.T) {
	req, err := NewAccountRequest("John", "topsecret", "http://127.0.0.1:9/v2/")
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "GET" || req.URL.String() != "http://127.0.0.1:9/v2/account" {
		t.Errorf("request = %s %s", req.Method, req.URL)
	}
	if got := req.Header.Get("Authorization"); got != "Basic Sm9objp0b3BzZWNyZXQ=" {
		t.Errorf("Authorization = %q", got)
	}
	if got := req.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if strings.Contains(req.URL.String(), "topsecret") || req.URL.User != nil {
		t.Errorf("credentials in the URL: %s", req.URL)
	}
}
