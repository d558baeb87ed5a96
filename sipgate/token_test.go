package sipgate

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestValidateToken(t *testing.T) {
	ok := []string{"a", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "abc-._~+/==", strings.Repeat("x", MaxCredentialBytes)}
	for _, tok := range ok {
		if err := ValidateToken(tok); err != nil {
			t.Errorf("ValidateToken(%.20q) = %v, want nil", tok, err)
		}
	}
	bad := map[string]string{
		"":           "non-empty",
		"Bearer abc": "whitespace",
		"abc ":       "whitespace",
		"a\tb":       "whitespace",
		"a\nb":       "control character",
		"a\rb":       "control character",
		"a\x00b":     "control character",
		"a\x7fb":     "control character",
		"tökén":      "non-ASCII",
		"a\u00a0b":   "non-ASCII", // no-break space
		"a\u2028b":   "non-ASCII", // line separator
		strings.Repeat("x", MaxCredentialBytes+1): "longer than 4096 bytes",
	}
	for tok, says := range bad {
		err := ValidateToken(tok)
		e := wantCode(t, err, CodeInvalidArgument)
		if e != nil && !strings.Contains(e.Summary(), says) {
			t.Errorf("ValidateToken(%.20q) says %q, want it to mention %q", tok, e.Summary(), says)
		}
	}
}

func TestAccountWithToken(t *testing.T) {
	var auth string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.WriteHeader(status)
		w.Write([]byte(`{"company":"ACME"}`))
	}))
	defer srv.Close()
	c := NewClient(nil)

	res, err := c.AccountWithToken(context.Background(), "tok.en-1", Options{BaseURL: srv.URL + "/v2"})
	if err != nil || !res.OK || string(res.Account) != `{"company":"ACME"}` {
		t.Fatalf("result = %+v, %v", res, err)
	}
	if auth != "Bearer tok.en-1" {
		t.Errorf("Authorization = %q, want Bearer tok.en-1", auth)
	}

	status = http.StatusUnauthorized
	res, err = c.AccountWithToken(context.Background(), "expired", Options{BaseURL: srv.URL + "/v2"})
	if err != nil || res.OK || res.Problem.Code != CodeUnauthorized || !res.Problem.Bearer ||
		!strings.Contains(res.Problem.Summary(), "the access token was refused: it is wrong, expired or revoked, or lacks the scope account:read") {
		t.Errorf("401 with a token = %+v, %v", res.Problem, err)
	}
	// The same 401 after Basic speaks of username and password.
	res, _ = c.Account(context.Background(), "u", "p", Options{BaseURL: srv.URL + "/v2"})
	if res.Problem == nil || res.Problem.Bearer || !strings.Contains(res.Problem.Summary(), "username and/or password") {
		t.Errorf("401 with Basic = %+v", res.Problem)
	}
	// With characters beyond ASCII, it says how they were sent.
	res, _ = c.Account(context.Background(), "u", "pässword", Options{BaseURL: srv.URL + "/v2"})
	if res.Problem == nil || !res.Problem.NonASCII || !strings.Contains(res.Problem.Summary(), "sent as UTF-8") {
		t.Errorf("401 with an umlaut = %+v", res.Problem)
	}
}

func TestAccountWithTokenInvalidSendsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	for _, tok := range []string{"", "a b", "a\nb", "é"} {
		_, err := NewClient(nil).AccountWithToken(context.Background(), tok, Options{BaseURL: srv.URL})
		wantCode(t, err, CodeInvalidArgument)
	}
	_, err := NewClient(nil).AccountWithToken(context.Background(), "ok", Options{BaseURL: "http://example.com"})
	wantCode(t, err, CodeInvalidArgument)
	if n := hits.Load(); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}
