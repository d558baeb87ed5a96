//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sipgate-account/internal/fakeapi"
)

// TestFrontRecipes: deploy/'s TLS fronts for cmd/serve -proxy, run as
// they are in Debian's nginx and Caddy (on plain http, on loopback), in
// front of the built cmd/serve with sign-in on. Sign-in runs to its end
// through each, with the redirect URI on the front's origin, not
// cmd/serve's; and the rate limit counts the visitor's address as the
// front names it, whatever a client sends in that header.
func TestFrontRecipes(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "serve")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/serve").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/serve: %v\n%s", err, out)
	}
	const limit = 3
	for _, front := range []struct {
		name  string
		start func(t *testing.T, backend string) *server
	}{
		{"nginx", func(t *testing.T, backend string) *server {
			port := freePort(t)
			site := recipe(t, "nginx/front.conf",
				"listen 443 ssl http2;", "listen 127.0.0.1:"+port+";",
				"    ssl_certificate /etc/ssl/certs/example.com.pem;\n", "",
				"    ssl_certificate_key /etc/ssl/private/example.com.key;\n", "",
				"proxy_pass http://127.0.0.1:8200;", "proxy_pass http://"+backend+";")
			return runNginx(t, site, "", port)
		}},
		{"caddy", func(t *testing.T, backend string) *server {
			port := freePort(t)
			site := recipe(t, "caddy/Caddyfile.front",
				"example.com {", "http://127.0.0.1:"+port+" {\n\tbind 127.0.0.1",
				"reverse_proxy 127.0.0.1:8200", "reverse_proxy "+backend)
			return runCaddy(t, site, port)
		}},
	} {
		t.Run(front.name, func(t *testing.T) {
			world := newSigninWorld(t)
			backendPort := freePort(t)
			cmd := exec.Command(bin, "-proxy", "-addr", "127.0.0.1:"+backendPort, "-dir", webDir,
				"-upstream", world.apiURL, "-login-server", world.loginURL,
				"-client-ip-header", "X-Real-IP", "-proxy-limit", fmt.Sprint(limit))
			cmd.Env = append(os.Environ(), "SIPGATE_CLIENT_ID="+fakeapi.DemoClientID, "SIPGATE_CLIENT_SECRET="+fakeapi.DemoClientSecret)
			startServer(t, "cmd/serve -proxy", cmd, backendPort).waitLog(t, "Press Ctrl+C")
			s := front.start(t, "127.0.0.1:"+backendPort)

			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Get(s.url + "/oauth/start")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			consent, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || consent.Query().Get("redirect_uri") != s.url+"/oauth/callback" {
				t.Fatalf("through the front, sign-in starts with redirect_uri %q (%v), want the front's %s/oauth/callback",
					consent.Query().Get("redirect_uri"), err, s.url)
			}
			code := allowAt(t, consent)
			resp, err = client.Get(s.url + "/oauth/callback?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(consent.Query().Get("state")))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(body), `"ok":true`) {
				t.Errorf("the callback through the front: %d %.300s", resp.StatusCode, body)
			}

			// Each request claims another address; the front overwrites
			// it with the connection's, so they share one allowance.
			statuses := []int{}
			for i := 0; i <= limit; i++ {
				req, _ := http.NewRequest("GET", s.url+"/v2/account", nil)
				req.SetBasicAuth(fakeapi.DemoUser, fakeapi.DemoPassword)
				req.Header.Set("X-Real-IP", fmt.Sprintf("192.0.2.%d", i+1))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				statuses = append(statuses, resp.StatusCode)
			}
			if fmt.Sprint(statuses) != "[200 200 200 429]" {
				t.Errorf("%d lookups through the front, each claiming another address: %v, want the last refused", limit+1, statuses)
			}
		})
	}
}
