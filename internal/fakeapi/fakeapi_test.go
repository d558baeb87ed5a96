package fakeapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sipgate-account/sipgate"
)

func TestDemoCredentialsThroughTheCore(t *testing.T) {
	srv := httptest.NewServer(Handler(Config{}))
	defer srv.Close()
	c := sipgate.NewClient(srv.Client())
	for _, cred := range [][2]string{{DemoUser, DemoPassword}, {DemoTokenID, DemoToken}} {
		res, err := c.Account(context.Background(), cred[0], cred[1], sipgate.Options{BaseURL: srv.URL + "/v2"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.OK || string(res.Account) != DemoAccount {
			t.Errorf("%s: %+v", cred[0], res)
		}
	}
	res, err := c.AccountWithToken(context.Background(), DemoAccessToken, sipgate.Options{BaseURL: srv.URL + "/v2"})
	if err != nil || !res.OK || string(res.Account) != DemoAccount {
		t.Errorf("access token: %+v, %v", res, err)
	}
	res, err = c.AccountWithToken(context.Background(), "wrong-token", sipgate.Options{BaseURL: srv.URL + "/v2"})
	if err != nil || res.Problem == nil || res.Problem.Code != sipgate.CodeUnauthorized {
		t.Errorf("wrong access token: %+v, %v", res, err)
	}
	res, err = c.Account(context.Background(), DemoUser, "wrong", sipgate.Options{BaseURL: srv.URL + "/v2"})
	if err != nil || res.Problem == nil || res.Problem.Code != sipgate.CodeUnauthorized {
		t.Errorf("wrong password: %+v, %v", res, err)
	}
	res, err = c.Account(context.Background(), DemoUser, DemoPassword, sipgate.Options{BaseURL: srv.URL + "/v1"})
	if err != nil || res.Problem == nil || res.Problem.Code != sipgate.CodeNotFound {
		t.Errorf("wrong endpoint: %+v, %v", res, err)
	}
}

func get(t *testing.T, srv *httptest.Server, method, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRoutes(t *testing.T) {
	srv := httptest.NewServer(Handler(Config{}))
	defer srv.Close()
	auth := http.Header{"Authorization": {sipgate.BasicAuth(DemoUser, DemoPassword)}}
	cases := []struct {
		method, path string
		status       int
		has          string
	}{
		{"POST", "/v2/account", 405, "Method Not Allowed"},
		{"GET", "/v2/accounts", 404, ""},
		{"GET", "/scenario/echo/v2/account", 200, `"authorization":"Basic ZGVtb0BleGFtcGxlLmNvbTpkZW1vLXBhc3N3b3Jk"`},
		{"GET", "/scenario/status-403/v2/account", 403, `{"status":403}`},
		{"GET", "/scenario/status-429/v2/account", 429, ""},
		{"GET", "/scenario/status-600/v2/account", 404, ""},
		{"GET", "/scenario/status-x/v2/account", 404, ""},
		{"GET", "/scenario/nope/v2/account", 404, ""},
		{"GET", "/scenario/not-json/v2/account", 200, "<!doctype html>"},
		{"GET", "/scenario/array/v2/account", 200, "[{"},
		{"GET", "/scenario/bad-json/v2/account", 200, `{"company":"Demo Telefon GmbH",`},
		{"GET", "/scenario/html-500/v2/account", 500, "Internal Server Error"},
		{"GET", "/scenario/redirect/v2/account", 302, ""},
		{"GET", "/scenario/https-logo/v2/account", 200, `"logoUrl":"https://`},
		{"GET", "/scenario/http-logo/v2/account", 200, `"logoUrl":"http://`},
		{"GET", "/scenario/markup/v2/account", 200, `"company":"<img`},
		{"GET", "/scenario/spec-example/v2/account", 200, `"logoUrl":"logoUrl"`},
		{"GET", "/scenario/empty-account/v2/account", 200, `{}`},
		{"GET", "/scenario/not-found/v2/account", 404, ``},
		{"GET", "/scenario/unauthorized/v2/account", 401, ``},
		{"GET", "/scenario/forbidden-text/v2/account", 403, `Classic PBX`},
		{"GET", "/scenario/errors-array/v2/account", 403, `{"errors":[{"status":403`},
	}
	for _, c := range cases {
		resp, body := get(t, srv, c.method, c.path, auth)
		if resp.StatusCode != c.status || !strings.Contains(body, c.has) {
			t.Errorf("%s %s = %d %q, want %d containing %q", c.method, c.path, resp.StatusCode, body, c.status, c.has)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s %s: no CORS header", c.method, c.path)
		}
	}
	resp, _ := get(t, srv, "GET", "/scenario/status-429/v2/account", nil)
	if resp.Header.Get("Retry-After") != "30" {
		t.Error("429 without Retry-After")
	}
	resp, body := get(t, srv, "GET", "/scenario/too-large/v2/account", nil)
	if len(body) < 5<<20 {
		t.Errorf("too-large sent %d bytes", len(body))
	}
	resp, _ = get(t, srv, "GET", "/scenario/no-cors/v2/account", nil)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("no-cors sent a CORS header")
	}
}

func TestPreflight(t *testing.T) {
	srv := httptest.NewServer(Handler(Config{}))
	defer srv.Close()
	pre := http.Header{"Origin": {"http://127.0.0.1:1"}, "Access-Control-Request-Method": {"GET"}, "Access-Control-Request-Headers": {"authorization"}}
	resp, _ := get(t, srv, "OPTIONS", "/v2/account", pre)
	if resp.StatusCode != 204 || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = get(t, srv, "OPTIONS", "/scenario/no-cors/v2/account", pre)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.Header.Get("Access-Control-Allow-Headers") != "" {
		t.Errorf("no-cors preflight allowed: %v", resp.Header)
	}
}

func TestRedirectTarget(t *testing.T) {
	srv := httptest.NewServer(Handler(Config{RedirectTo: "http://localhost:1"}))
	defer srv.Close()
	resp, _ := get(t, srv, "GET", "/scenario/redirect/v2/account", nil)
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "http://localhost:1/v2/account" {
		t.Errorf("redirect = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestEveryScenarioAnswers: each entry of the table is routed.
func TestEveryScenarioAnswers(t *testing.T) {
	srv := httptest.NewServer(Handler(Config{RedirectTo: "http://localhost:1"}))
	defer srv.Close()
	for _, sc := range Scenarios() {
		name := strings.Replace(sc.Name, "NNN", "418", 1)
		if name == "hang" || name == "trickle" {
			continue // they take their time; the browser tests play them
		}
		if resp, _ := get(t, srv, "GET", "/scenario/"+name+"/v2/account", nil); resp.StatusCode == 404 && name != "not-found" {
			t.Errorf("%s is listed but not routed", sc.Name)
		}
		if sc.Description == "" {
			t.Errorf("%s has no description", sc.Name)
		}
	}
}
