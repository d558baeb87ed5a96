//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
	"sipgate-account/internal/webheaders"
	"sipgate-account/internal/webserver"
)

// The server recipes in deploy/, run as they are in the servers users
// have: Debian's nginx (with and without its brotli module) and Caddy,
// serving the real web/ on loopback. A test may only set what a user sets
// for their host: the address, the root, and the API's origin in the
// policy (here the fake API's, where the page looks up the demo account).

// recipe reads a file of deploy/ and makes the substitutions a user makes.
func recipe(t *testing.T, path string, subst ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "deploy", path))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for i := 0; i+1 < len(subst); i += 2 {
		if !strings.Contains(text, subst[i]) {
			t.Fatalf("deploy/%s has no %q to set", path, subst[i])
		}
		text = strings.ReplaceAll(text, subst[i], subst[i+1])
	}
	return text
}

func webRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(webDir)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// startNginx runs deploy/nginx/sipgate-account.conf in Debian's nginx, with
// the brotli module loaded, or without it and the line that needs it.
func startNginx(t *testing.T, brotli bool) *server {
	t.Helper()
	module := "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"
	if _, err := os.Stat(module); brotli && err != nil {
		t.Fatalf("no brotli module for nginx (%v): run `make servers` (make test does)", err)
	}
	port := freePort(t)
	site := recipe(t, "nginx/sipgate-account.conf", append([]string{
		"listen 80;", "listen 127.0.0.1:" + port + ";",
		"root /srv/sipgate-account/web;", "root " + webRoot(t) + ";"},
		tryItPolicy(t)...)...)
	load := ""
	if brotli {
		load = "load_module " + module + ";"
	} else {
		site = regexp.MustCompile(`(?m)^\s*brotli_static on;\n`).ReplaceAllString(site, "")
	}
	return runNginx(t, site, load, port)
}

// runNginx runs a server block in Debian's nginx, with load (a
// load_module line, or "") in its main configuration.
func runNginx(t *testing.T, site, load, port string) *server {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		t.Fatalf("no nginx (%v): run `make servers` (make test does)", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "site.conf"), []byte(site), 0o644)
	// The main configuration, as Debian's nginx.conf has it where it matters:
	// the MIME table in http {}, server blocks included from there.
	// Run as root, nginx would start its workers as www-data, which may
	// not enter a checkout in a private folder (mode 0700, as home folders
	// often are): they run as the test's own user instead.
	if os.Geteuid() == 0 {
		load += "\nuser root;"
	}
	main := load + `
pid ` + dir + `/nginx.pid;
events {}
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path ` + dir + `/body;
    proxy_temp_path ` + dir + `/proxy;
    fastcgi_temp_path ` + dir + `/fastcgi;
    uwsgi_temp_path ` + dir + `/uwsgi;
    scgi_temp_path ` + dir + `/scgi;
    include ` + dir + `/site.conf;
}
`
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644)
	return startServer(t, "nginx", exec.Command(bin, "-p", dir, "-e", "stderr", "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;"), port)
}

// startCaddy runs deploy/caddy/Caddyfile in Debian's Caddy.
func startCaddy(t *testing.T) *server {
	t.Helper()
	port := freePort(t)
	// A site address names no interface: bind does (as the recipe says).
	site := recipe(t, "caddy/Caddyfile", append([]string{
		"example.com {", "http://127.0.0.1:" + port + " {\n\tbind 127.0.0.1",
		"root * /srv/sipgate-account/web", "root * " + webRoot(t)},
		tryItPolicy(t)...)...)
	return runCaddy(t, site, port)
}

// runCaddy runs a Caddyfile's site in Debian's Caddy.
func runCaddy(t *testing.T, site, port string) *server {
	t.Helper()
	bin, err := exec.LookPath("caddy")
	if err != nil {
		t.Fatalf("no caddy (%v): run `make servers` (make test does)", err)
	}
	dir := t.TempDir()
	// Off for the test: the admin endpoint (one fixed port for all Caddys).
	file := filepath.Join(dir, "Caddyfile")
	os.WriteFile(file, []byte("{\n\tadmin off\n}\n\n"+site), 0o644)
	cmd := exec.Command(bin, "run", "--config", file, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	return startServer(t, "caddy", cmd, port)
}

func TestServerRecipes(t *testing.T) {
	sends := encodingsTable(t)
	t.Run("cmd/serve", func(t *testing.T) {
		wantEncodings(t, pageURL, sends["`cmd/serve`"])
	})
	for _, c := range []struct {
		name     string
		start    func(*testing.T) *server
		encoding string // of the module, for a browser that takes br and gzip
		row      string // in deploying.md's table of what each server sends
	}{
		{"nginx with brotli", func(t *testing.T) *server { return startNginx(t, true) }, "br", "nginx with the brotli module"},
		{"nginx without brotli", func(t *testing.T) *server { return startNginx(t, false) }, "gzip", "nginx without it"},
		{"caddy", startCaddy, "br", "Caddy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.start(t)
			wantLoopbackOnly(t, s.url)
			wantEncodings(t, s.url, sends[c.row])
			wantRecipeHeaders(t, s, c.encoding)
			recipePage(t, s, c.encoding)
			recipeEmbed(t, s)
		})
	}
}

// wantRecipeHeaders checks what the server sends against what cmd/serve
// sends (internal/webheaders).
func wantRecipeHeaders(t *testing.T, s *server, encoding string) {
	t.Helper()
	policy := webheaders.Policy{ConnectOrigins: []string{strings.TrimSuffix(pageURL, "/")}}
	want := webheaders.Security(policy)
	webheaders.Set(want, webheaders.Embed())
	want.Set("Cache-Control", webheaders.CacheControl)
	types := map[string]string{
		"/":                             "text/html",
		"/index.html":                   "text/html",
		"/sipgate-account.js":           "javascript",
		"/style.css":                    "text/css",
		"/config.json":                  "application/json",
		"/sipgate-account.d.ts":         "text/plain",
		"/" + webserver.WasmFile:        "application/wasm",
		"/sipgate-account-element.d.ts": "text/plain",
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for path, ctype := range types {
		asked := http.Header{"Accept-Encoding": {"gzip, deflate, br, zstd"}}
		resp, _ := send(t, client, "GET", s.url+path, asked)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), ctype) {
			t.Errorf("%s: %d %q, want 200 %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), ctype)
		}
		for k := range want {
			if got := resp.Header.Get(k); got != want.Get(k) {
				t.Errorf("%s: %s %q, want %q (as cmd/serve sends it)", path, k, got, want.Get(k))
			}
		}
		if path != "/"+webserver.WasmFile {
			continue
		}
		if got := resp.Header.Get("Content-Encoding"); got != encoding {
			t.Errorf("the module arrives with Content-Encoding %q, want %q", got, encoding)
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("the module's answer has no Vary: Accept-Encoding (Vary %q)", resp.Header.Get("Vary"))
		}
		etag := resp.Header.Get("ETag")
		asked.Set("If-None-Match", etag)
		again, _ := send(t, client, "GET", s.url+path, asked)
		if etag == "" || again.StatusCode != http.StatusNotModified {
			t.Errorf("revalidating the module with ETag %q: %d, want 304", etag, again.StatusCode)
		}
	}
}

// recipePage opens the page from the server, looks up the demo account
// and checks how the module arrived.
func recipePage(t *testing.T, s *server, encoding string) {
	t.Helper()
	tab, log := newTab(t)
	if err := chromedp.Do(tab, browser.Observe(), chromedp.Navigate(s.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`))); err != nil {
		t.Fatalf("the page did not get ready: %v\nconsole:\n%s", err, log.text())
	}
	text := submit(t, tab, fakeapi.DemoUser, fakeapi.DemoPassword, strings.TrimSuffix(pageURL, "/")+"/v2")
	if !strings.Contains(text, "Demo Telefon GmbH") || !strings.Contains(text, "Status: 200") {
		t.Errorf("the page shows %q\nconsole:\n%s", text, log.text())
	}
	copyFile := filepath.Join(webDir, webserver.WasmFile+map[string]string{"br": ".br", "gzip": ".gz"}[encoding])
	info, err := os.Stat(copyFile)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := runJS(tab, `performance.getEntriesByName("sipgate-compiled")[0].detail.encodedBytes`)
	if got != fmt.Sprint(info.Size()) {
		t.Errorf("the module arrived with %s bytes, want the %s copy's %d", got, encoding, info.Size())
	}
	if v, _ := runJS(tab, `__cspViolations.join(" ")`); v != "" {
		t.Errorf("the page broke its own policy: %s", v)
	}
}

// recipeEmbed embeds the element from the server into a page on another
// origin, which looks up the demo account.
func recipeEmbed(t *testing.T, s *server) {
	t.Helper()
	tab, log := openEmbedder(t, "/blank.html")
	got, err := runJS(tab, `(async () => {
		await import(`+js(s.url+"/sipgate-account-element.js")+`);
		const el = document.createElement("sipgate-account");
		el.setAttribute("base-url", `+js(strings.TrimSuffix(pageURL, "/")+"/v2")+`);
		document.body.append(el);
		const root = el.shadowRoot, button = root.querySelector("button");
		const answer = new Promise((resolve) => {
			el.addEventListener("sipgate-account", (e) => resolve(e.detail.ok ? e.detail.account.company : e.detail.error.code));
			el.addEventListener("sipgate-error", (e) => resolve(e.detail.name + ": " + e.detail.message));
		});
		for (let i = 0; button.disabled && i < 1000; i++) await new Promise((r) => setTimeout(r, 20));
		root.querySelector("[name=user]").value = `+js(fakeapi.DemoUser)+`;
		root.querySelector("[name=pass]").value = `+js(fakeapi.DemoPassword)+`;
		button.click();
		return answer;
	})()`)
	if err != nil || got != "Demo Telefon GmbH" {
		t.Errorf("a page on another origin embedding the element from the server got %q (%v)\nconsole:\n%s", got, err, log.text())
	}
}

// encodingsTable reads docs/deploying.md's table of what each server sends
// for the module: by server, the cells for each Accept-Encoding column.
func encodingsTable(t *testing.T) map[string][]string {
	t.Helper()
	doc, err := os.ReadFile("../docs/deploying.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(doc), "<!-- encodings: what each server sends for sipgate-account.wasm -->")
	table, _, ok2 := strings.Cut(rest, "<!-- end encodings -->")
	if !ok1 || !ok2 {
		t.Fatal("docs/deploying.md lacks the table of what each server sends")
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(table), "\n")[2:] {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		rows[cells[0]] = cells[1:]
	}
	return rows
}

// encodingColumns are the table's columns: what the browser accepts.
var encodingColumns = []string{"gzip, deflate, br, zstd", "gzip", ""}

// wantEncodings checks a server against its row of the table: the copy it
// sends ("br", "gzip" or "raw") and whether it sends Vary: Accept-Encoding.
func wantEncodings(t *testing.T, base string, row []string) {
	t.Helper()
	if len(row) != len(encodingColumns) {
		t.Fatalf("the table's row has %d cells, want %d", len(row), len(encodingColumns))
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for i, accept := range encodingColumns {
		header := http.Header{}
		if accept != "" {
			header.Set("Accept-Encoding", accept)
		}
		resp, _ := send(t, client, "GET", strings.TrimSuffix(base, "/")+"/"+webserver.WasmFile, header)
		sent := resp.Header.Get("Content-Encoding")
		if sent == "" {
			sent = "raw"
		}
		vary := "no Vary"
		if v := resp.Header.Values("Vary"); len(v) == 1 && v[0] == "Accept-Encoding" {
			vary = "Vary"
		} else if len(v) > 0 {
			vary = fmt.Sprintf("Vary %q", v)
		}
		if got := sent + ", " + vary; got != row[i] {
			t.Errorf("Accept-Encoding %q: %s, but docs/deploying.md says %s", accept, got, row[i])
		}
	}
}

// wantLoopbackOnly checks, from the kernel's table of listening sockets,
// that the server listens on 127.0.0.1 alone, not on every interface.
func wantLoopbackOnly(t *testing.T, base string) {
	t.Helper()
	_, port, _ := strings.Cut(strings.TrimPrefix(base, "http://"), ":")
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(":%04X", n)
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 4 || f[3] != "0A" || !strings.HasSuffix(f[1], want) { // 0A: LISTEN
				continue
			}
			if local := strings.TrimSuffix(f[1], want); local != "0100007F" {
				t.Errorf("the server listens on %s%s (%s), not only on 127.0.0.1", local, want, table)
			}
		}
	}
}

// tryItPolicy is deploying.md's try-it change to a recipe's policy, as
// its sed command writes it, with the fake API of these tests where it
// says http://localhost:8080.
func tryItPolicy(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("../docs/deploying.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(doc), "<!-- try-it: recipes -->\n")
	block, _, ok2 := strings.Cut(rest, "<!-- end try-it -->")
	m := regexp.MustCompile(`sed "s#([^#]+)#([^#]+)#"`).FindStringSubmatch(block)
	if !ok1 || !ok2 || m == nil {
		t.Fatal("deploying.md has no try-it sed command for the recipes")
	}
	return []string{m[1], strings.ReplaceAll(m[2], "http://localhost:8080", strings.TrimSuffix(pageURL, "/"))}
}
