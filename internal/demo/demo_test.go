package demo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
)

func serve(t *testing.T, o Options) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"index.html": "<!doctype html>", webserver.WasmFile: "\x00asm",
		"config.json": `{"baseURL":"https://api.sipgate.com/v2"}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, off := Site(dir, o)
	if off != nil && o.SignInOrigin != "" && strings.HasPrefix(o.SignInOrigin, "http://127.") {
		t.Fatal(off)
	}
	h, err := webserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func fetch(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestSite(t *testing.T) {
	srv := serve(t, Options{})
	_, body := fetch(t, srv, "/config.json")
	if !strings.Contains(body, `"baseURL":"/v2"`) || !strings.Contains(body, fakeapi.DemoUser) || strings.Contains(body, "signIn") {
		t.Errorf("config.json in the demo = %q", body)
	}
	resp, _ := fetch(t, srv, "/")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("the demo connects beyond its own origin: %q", csp)
	}
	resp, _ = fetch(t, srv, "/v2/account")
	if resp.StatusCode != 401 {
		t.Errorf("fake API without credentials = %d, want 401", resp.StatusCode)
	}
	resp, _ = fetch(t, srv, "/scenario/status-418/v2/account")
	if resp.StatusCode != 418 {
		t.Errorf("scenario = %d, want 418", resp.StatusCode)
	}
	resp, _ = fetch(t, srv, fakeapi.LoginPath+"/auth")
	if resp.StatusCode != 404 {
		t.Errorf("the fake login server answers without sign-in: %d", resp.StatusCode)
	}
}

func TestSignIn(t *testing.T) {
	srv := serve(t, Options{SignInOrigin: "http://127.0.0.1:8080"})
	if _, body := fetch(t, srv, "/config.json"); !strings.Contains(body, `"signIn":"/oauth/start"`) {
		t.Errorf("config.json with sign-in = %q", body)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(srv.URL + "/oauth/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "http://127.0.0.1:8080"+fakeapi.LoginPath+"/auth?") {
		t.Errorf("/oauth/start leads to %q", loc)
	}
	if resp, _ := fetch(t, srv, fakeapi.LoginPath+"/auth"); resp.StatusCode == 404 {
		t.Error("the fake login server does not answer on the demo's origin")
	}
	if _, off := Site(t.TempDir(), Options{SignInOrigin: "http://192.0.2.1:8080"}); off == nil {
		t.Error("sign-in is on for an origin off loopback, which would send the demo's secret over the network")
	}
}
