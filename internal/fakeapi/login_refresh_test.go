package fakeapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLoginRefreshRotatesAndRevokes(t *testing.T) {
	l, srv, _ := loginAt(t)
	const redirect = "http://127.0.0.1:9/oauth/callback"
	start := func() (string, string) {
		t.Helper()
		form := url.Values{"grant_type": {"authorization_code"}, "code": {authorize(t, srv, redirect)}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
		status, answer := redeem(t, srv, DemoClientID, DemoClientSecret, form, false)
		if status != 200 {
			t.Fatalf("redeem: %d %v", status, answer)
		}
		return answer["access_token"].(string), answer["refresh_token"].(string)
	}
	refresh := func(id, secret, rt string) (int, map[string]any) {
		t.Helper()
		return redeem(t, srv, id, secret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, false)
	}
	refused := func(name string, status int, answer map[string]any, reason string) {
		t.Helper()
		if status != 400 || answer["error"] != "invalid_grant" || answer["error_description"] != reason {
			t.Errorf("%s: %d %v, want invalid_grant %q", name, status, answer, reason)
		}
	}

	access, rt := start()
	status, answer := refresh(DemoClientID, DemoClientSecret, rt)
	if status != 200 || answer["token_type"] != "Bearer" || answer["refresh_token"] == rt || answer["access_token"] == access {
		t.Fatalf("refresh: %d %v", status, answer)
	}
	rt2 := answer["refresh_token"].(string)
	if !l.accepts(answer["access_token"].(string)) || !l.accepts(access) || l.Refreshed() != 1 {
		t.Error("the refreshed token, or the first one while it lives, is not accepted")
	}
	// Rotated: the refresh token before is refused, the session lives on.
	s, a := refresh(DemoClientID, DemoClientSecret, rt)
	refused("the refresh token before the rotation", s, a, "Maximum allowed refresh token reuse exceeded")
	s, a = refresh("someone", DemoClientSecret, rt2)
	if s != 401 || a["error"] != "invalid_client" {
		t.Errorf("an unknown client: %d %v", s, a)
	}
	s, a = refresh(DemoClientID, DemoClientSecret, "made-up")
	refused("an unknown refresh token", s, a, "Invalid refresh token")

	// The refresh token expires after the idle time, which each refresh
	// starts again.
	l.Advance(refreshLifetime - time.Second)
	status, answer = refresh(DemoClientID, DemoClientSecret, rt2)
	if status != 200 {
		t.Fatalf("a refresh within the idle time: %d %v", status, answer)
	}
	rt3 := answer["refresh_token"].(string)
	l.Advance(refreshLifetime)
	s, a = refresh(DemoClientID, DemoClientSecret, rt3)
	refused("an expired refresh token", s, a, "Token is not active")

	// Revoked: the session ends, its access tokens with it.
	access, rt = start()
	if !l.accepts(access) {
		t.Fatal("a new token is not accepted")
	}
	req, _ := http.NewRequest("POST", srv.URL+LoginPath+"/revoke", strings.NewReader(url.Values{"token": {rt}, "token_type_hint": {"refresh_token"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DemoClientID, DemoClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || l.Revoked() != 1 {
		t.Fatalf("revoke: %d, %d revoked", resp.StatusCode, l.Revoked())
	}
	if l.accepts(access) {
		t.Error("the revoked session's access token is still accepted")
	}
	s, a = refresh(DemoClientID, DemoClientSecret, rt)
	refused("a revoked refresh token", s, a, "Session not active")
}
