package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// loginAt serves a fake login server on a clock the test moves.
func loginAt(t *testing.T) (*Login, *httptest.Server, *time.Time) {
	t.Helper()
	l := NewLogin()
	now := time.Now()
	l.now = func() time.Time { return now }
	srv := httptest.NewServer(l.Handler())
	t.Cleanup(srv.Close)
	return l, srv, &now
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636's example

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorize says Allow for redirect and returns the code.
func authorize(t *testing.T, srv *httptest.Server, redirect string) string {
	t.Helper()
	form := url.Values{"response_type": {"code"}, "client_id": {DemoClientID}, "redirect_uri": {redirect}, "scope": {"account:read"},
		"state": {"S"}, "code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"}, "decision": {"allow"}}
	resp, err := noRedirects.PostForm(srv.URL+LoginPath+"/auth", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if back == nil || back.Query().Get("code") == "" || back.Query().Get("state") != "S" {
		t.Fatalf("Allow answered %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back.Query().Get("code")
}

// redeem calls the token endpoint with the client in HTTP Basic (or, with
// inForm, in the form) and returns the status and the JSON answer.
func redeem(t *testing.T, srv *httptest.Server, id, secret string, form url.Values, inForm bool) (int, map[string]any) {
	t.Helper()
	if inForm {
		form.Set("client_id", id)
		form.Set("client_secret", secret)
	}
	req, _ := http.NewRequest("POST", srv.URL+LoginPath+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if !inForm {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &answer); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return resp.StatusCode, answer
}

func TestLoginIssuesOnceAndBinds(t *testing.T) {
	l, srv, now := loginAt(t)
	const redirect = "http://127.0.0.1:9/oauth/callback"
	form := func(code string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
	}
	code := authorize(t, srv, redirect)
	status, answer := redeem(t, srv, DemoClientID, DemoClientSecret, form(code), false)
	if status != 200 || answer["token_type"] != "Bearer" || answer["expires_in"] != 300.0 || answer["refresh_expires_in"] != 1800.0 ||
		answer["scope"] != "account:read" || answer["refresh_token"] == nil {
		t.Fatalf("redeem: %d %v", status, answer)
	}
	token := answer["access_token"].(string)
	if !l.accepts(token) {
		t.Error("the API would not take the token")
	}
	// Replayed: refused, and the token it gave is revoked.
	if status, answer := redeem(t, srv, DemoClientID, DemoClientSecret, form(code), false); status != 400 || answer["error"] != "invalid_grant" || answer["error_description"] != "Code already used" {
		t.Errorf("replay: %d %v", status, answer)
	}
	if l.accepts(token) {
		t.Error("a replay leaves the first token valid")
	}

	for _, c := range []struct {
		name        string
		change      func(url.Values)
		id, secret  string
		inForm      bool
		status      int
		err, reason string
	}{
		{"the client in the form", func(url.Values) {}, DemoClientID, DemoClientSecret, true, 200, "", ""},
		{"another redirect URI", func(f url.Values) { f.Set("redirect_uri", redirect+"?x=1") }, DemoClientID, DemoClientSecret, false, 400, "invalid_grant", "Incorrect redirect_uri"},
		{"a wrong verifier", func(f url.Values) { f.Set("code_verifier", verifier+"x") }, DemoClientID, DemoClientSecret, false, 400, "invalid_grant", "PKCE verification failed: Code mismatch"},
		{"no verifier", func(f url.Values) { f.Del("code_verifier") }, DemoClientID, DemoClientSecret, false, 400, "invalid_grant", "PKCE code verifier not specified"},
		{"an unknown client", func(url.Values) {}, "someone", DemoClientSecret, false, 401, "invalid_client", "Client not found"},
		{"a wrong secret", func(url.Values) {}, DemoClientID, "guess", false, 401, "unauthorized_client", "Invalid client secret"},
		{"another grant", func(f url.Values) { f.Set("grant_type", "password") }, DemoClientID, DemoClientSecret, false, 400, "unsupported_grant_type", ""},
		{"an unknown code", func(f url.Values) { f.Set("code", "made-up") }, DemoClientID, DemoClientSecret, false, 400, "invalid_grant", "Code not valid"},
	} {
		f := form(authorize(t, srv, redirect))
		c.change(f)
		before := l.Issued()
		status, answer := redeem(t, srv, c.id, c.secret, f, c.inForm)
		if status != c.status || (c.err != "" && answer["error"] != c.err) || (c.reason != "" && answer["error_description"] != c.reason) {
			t.Errorf("%s: %d %v", c.name, status, answer)
		}
		if c.status != 200 && l.Issued() != before {
			t.Errorf("%s: a token was issued", c.name)
		}
	}

	code = authorize(t, srv, redirect)
	*now = now.Add(codeLifetime)
	if status, answer := redeem(t, srv, DemoClientID, DemoClientSecret, form(code), false); status != 400 || answer["error_description"] != "Code is expired" {
		t.Errorf("an expired code: %d %v", status, answer)
	}
}

func TestLoginAuthEndpoint(t *testing.T) {
	_, srv, _ := loginAt(t)
	base := url.Values{"response_type": {"code"}, "client_id": {DemoClientID}, "redirect_uri": {"http://127.0.0.1:9/oauth/callback"},
		"scope": {"account:read"}, "state": {"S"}, "code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"}}
	for _, c := range []struct {
		name   string
		change func(url.Values)
		status int
		want   string // in the page, or in the redirect
	}{
		{"the consent page", func(url.Values) {}, 200, "Allow"},
		{"an unknown client", func(q url.Values) { q.Set("client_id", "someone") }, 400, "Client not found."},
		{"a redirect URI not registered", func(q url.Values) { q.Set("redirect_uri", "https://evil.example/steal") }, 400, "Invalid parameter: redirect_uri"},
		{"no PKCE", func(q url.Values) { q.Del("code_challenge_method") }, 302, "error=invalid_request"},
		{"an implicit grant", func(q url.Values) { q.Set("response_type", "token") }, 302, "error=unsupported_response_type"},
	} {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		c.change(q)
		resp, err := noRedirects.Get(srv.URL + LoginPath + "/auth?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b)+resp.Header.Get("Location"), c.want) {
			t.Errorf("%s: %d %q %s", c.name, resp.StatusCode, resp.Header.Get("Location"), b)
		}
		if c.status == 302 && !strings.HasPrefix(resp.Header.Get("Location"), "http://127.0.0.1:9/oauth/callback?") {
			t.Errorf("%s: redirected to %s", c.name, resp.Header.Get("Location"))
		}
	}
	// Deny.
	form := url.Values{}
	for k, v := range base {
		form[k] = v
	}
	form.Set("decision", "deny")
	resp, err := noRedirects.PostForm(srv.URL+LoginPath+"/auth", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if back, _ := url.Parse(resp.Header.Get("Location")); back == nil || back.Query().Get("error") != "access_denied" || back.Query().Get("state") != "S" || back.Query().Get("code") != "" {
		t.Errorf("deny: %q", resp.Header.Get("Location"))
	}
}

// TestAPITakesIssuedTokens: the fake API takes the login server's tokens.
func TestAPITakesIssuedTokens(t *testing.T) {
	l, srv, _ := loginAt(t)
	api := httptest.NewServer(Handler(Config{Login: l}))
	defer api.Close()
	const redirect = "http://127.0.0.1:9/oauth/callback"
	_, answer := redeem(t, srv, DemoClientID, DemoClientSecret, url.Values{"grant_type": {"authorization_code"},
		"code": {authorize(t, srv, redirect)}, "redirect_uri": {redirect}, "code_verifier": {verifier}}, false)
	for token, want := range map[string]int{answer["access_token"].(string): 200, "fake-at-made-up": 401} {
		req, _ := http.NewRequest("GET", api.URL+"/v2/account", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Bearer %s: %d, want %d", token, resp.StatusCode, want)
		}
	}
}
