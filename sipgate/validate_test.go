package sipgate

import (
	"errors"
	"strings"
	"testing"

	"sipgate-account/internal/testkit/vectors"
)

// The contract's test vectors (RFC 7617 and the sipgate example) are in
// internal/testkit/vectors, shared with the browser tests.
func TestBasicAuthVectors(t *testing.T) {
	for _, v := range vectors.Load().Basic {
		if got := BasicAuth(v.User, v.Pass); got != v.Header {
			t.Errorf("BasicAuth(%q, %q) = %q, want %q", v.User, v.Pass, got, v.Header)
		}
		if err := ValidateCredentials(v.User, v.Pass); err != nil {
			t.Errorf("ValidateCredentials(%q, %q) = %v, want nil", v.User, v.Pass, err)
		}
	}
	for _, v := range vectors.Load().Bearer {
		if got := BearerAuth(v.Token); got != v.Header || ValidateToken(v.Token) != nil {
			t.Errorf("BearerAuth(%q) = %q, want %q", v.Token, got, v.Header)
		}
	}
}

func TestValidateCredentials(t *testing.T) {
	long := strings.Repeat("a", MaxCredentialBytes) // the most a credential may be
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
	// The input rules' table (internal/testkit/vectors), the inputs the core checks
	// itself; and bytes that are not UTF-8, which JavaScript cannot send.
	type input struct{ name, user, pass, says string }
	bad := []input{{"invalid UTF-8", "u", "\xff", "not valid Unicode"}}
	for _, in := range vectors.Load().Inputs {
		if !in.Core {
			continue
		}
		user, pass, err := in.Credentials()
		if err != nil {
			t.Fatal(err)
		}
		bad = append(bad, input{in.Name, user, pass, in.Says})
	}
	if len(bad) < 12 {
		t.Fatalf("only %d inputs for the core", len(bad))
	}
	for _, c := range bad {
		err := ValidateCredentials(c.user, c.pass)
		var se *Error
		if !errors.As(err, &se) || se.Code != CodeInvalidArgument {
			t.Errorf("%s: got %v, want INVALID_ARGUMENT", c.name, err)
			continue
		}
		if !strings.Contains(se.Summary(), c.says) {
			t.Errorf("%s: summary %q does not say %q", c.name, se.Summary(), c.says)
		}
	}
}

func TestResolveBaseURL(t *testing.T) {
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
		u, err := ResolveBaseURL(in, "")
		if err != nil {
			t.Errorf("ResolveBaseURL(%q) = %v, want %q", in, err, want)
			continue
		}
		if u.String() != want {
			t.Errorf("ResolveBaseURL(%q) = %q, want %q", in, u.String(), want)
		}
	}
	// A path that starts with one "/" is resolved against the page's
	// origin, then held to the rules of an absolute URL.
	for _, c := range []struct{ in, origin, want string }{
		{"/v2", "https://example.com", "https://example.com/v2"},
		{"/v2/", "http://localhost:8080", "http://localhost:8080/v2"},
		{"/", "https://example.com:8443", "https://example.com:8443"},
		{"/proxy/sipgate/v2", "http://127.0.0.1:9", "http://127.0.0.1:9/proxy/sipgate/v2"},
	} {
		u, err := ResolveBaseURL(c.in, c.origin)
		if err != nil || u.String() != c.want {
			t.Errorf("ResolveBaseURL(%q, %q) = %v, %v; want %q", c.in, c.origin, u, err, c.want)
		}
	}
	for _, c := range []struct{ in, origin, says string }{
		{"/v2", "", "no origin here"},
		{"/v2", "null", "cannot take one"},
		{"/v2", "http://example.com", "must use https"},
		{"/v2?x=1", "https://example.com", "query"},
		{"//evil.example/v2", "https://example.com", "absolute URL"},
		{"v2", "https://example.com", "absolute URL"},
		{"./v2", "https://example.com", "absolute URL"},
		{"not a url", "https://example.com", "absolute URL"},
	} {
		_, err := ResolveBaseURL(c.in, c.origin)
		var se *Error
		if !errors.As(err, &se) || se.Code != CodeInvalidArgument || se.Input == nil || se.Input.Field != FieldBaseURL || !strings.Contains(se.Summary(), c.says) {
			t.Errorf("ResolveBaseURL(%q, %q) = %v; want INVALID_ARGUMENT saying %q", c.in, c.origin, err, c.says)
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
		u, err := ResolveBaseURL(in, "")
		var se *Error
		if !errors.As(err, &se) || se.Code != CodeInvalidArgument {
			t.Errorf("ResolveBaseURL(%q) = %v, %v; want INVALID_ARGUMENT", in, u, err)
		}
	}
}

func TestNewAccountRequest(t *testing.T) {
	req, err := NewAccountRequest("John", "topsecret", Options{BaseURL: "http://127.0.0.1:9/v2/"})
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

// TestCheckURL: the one rule for every URL the project sends to.
func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		raw    string
		origin bool
		want   URLProblem
	}{
		{"https://api.sipgate.com", true, URLOK},
		{"https://api.sipgate.com/", true, URLOK},
		{"https://api.sipgate.com/v2", false, URLOK},
		{"https://api.sipgate.com/v2", true, URLPath},
		{"http://localhost:8080", true, URLOK},
		{"http://127.0.0.2", true, URLOK},
		{"http://[::1]:1", true, URLOK},
		{"http://api.sipgate.com", true, URLPlainHTTP},
		{"http://localhost.example.com", true, URLPlainHTTP},
		{"ftp://api.sipgate.com", true, URLScheme},
		{"https://user:pw@api.sipgate.com", true, URLUserInfo},
		{"https://api.sipgate.com/v2?x=1", false, URLQuery},
		{"https://api.sipgate.com/v2#f", false, URLQuery},
		{"https://api.sipgate.com/v2?", false, URLQuery},
		{"/v2", false, URLNotAbsolute},
		{"api.sipgate.com", true, URLNotAbsolute},
		{"https:api.sipgate.com", true, URLNotAbsolute},
		{"https://", true, URLNotAbsolute},
		{"https://api.sipgate.com:port", true, URLNotAbsolute},
	} {
		if _, got := CheckURL(c.raw, c.origin); got != c.want {
			t.Errorf("CheckURL(%q, origin %v) = %d, want %d", c.raw, c.origin, got, c.want)
		}
	}
}
