//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/webserver"
)

// The npm package as users take it: e2e/bundlers is a small app that
// installs the tarball of `make package` (make bundlers installs it, with
// each bundler at a pinned version, into build/bundlers), type-checks
// against the package's types, and is built by each bundler in the
// configurations users have: defaults, ES-module output, formats without
// import.meta, and no asset plugin with the files copied as
// docs/embedding.md says. Each build is served from a loopback port of its
// own and looks up the demo account, with load() and with the element,
// against the fake API on another origin, with the module in its Worker.

// bundlerModules is where make bundlers installs the app's dependencies;
// the test puts the app's sources beside it.
const bundlerModules = "../build/bundlers/node_modules"

// bundle is one build of the app.
type bundle struct {
	name, tool string
	args       []string
	dist       string
	// page is how the app's page loads the bundle (see pages), for a tool
	// that writes no page of its own.
	page string
	// copied: the package's files are copied beside the bundle, as the
	// docs say for a bundler that does not emit them.
	copied bool
	// query is added to the page's URL: "files" makes the app name the
	// copied files in load(), as an iife bundle must.
	query string
}

var bundles = []bundle{
	{name: "vite", tool: "vite", args: []string{"build"}, dist: "dist/vite"},
	{name: "webpack", tool: "webpack", dist: "dist/webpack", page: "classic"},
	{name: "webpack esm output", tool: "webpack", args: []string{"--config", "webpack.esm.config.js"}, dist: "dist/webpack-esm", page: "module"},
	{name: "esbuild esm", tool: "esbuild", args: []string{"src/main.js", "--bundle", "--format=esm", "--log-level=error", "--outfile=dist/esbuild-esm/main.js"},
		dist: "dist/esbuild-esm", page: "module", copied: true},
	{name: "esbuild iife", tool: "esbuild", args: []string{"src/main.js", "--bundle", "--log-level=error", "--outfile=dist/esbuild-iife/main.js"},
		dist: "dist/esbuild-iife", page: "classic", copied: true, query: "files"},
	{name: "rollup with import-meta-assets", tool: "rollup", args: []string{"-c", "rollup.config.mjs", "--silent"}, dist: "dist/rollup", page: "module"},
	{name: "rollup", tool: "rollup", args: []string{"-c", "rollup.plain.config.mjs", "--silent"}, dist: "dist/rollup-plain", page: "module", copied: true},
	{name: "parcel", tool: "parcel", args: []string{"build", "index.html", "--dist-dir", "dist/parcel", "--no-cache", "--log-level", "error"}, dist: "dist/parcel"},
}

func TestBundlers(t *testing.T) {
	installed, err := os.ReadFile(filepath.Join(bundlerModules, "sipgate-account", webserver.WasmFile))
	if err != nil {
		t.Fatalf("the package is not installed for the bundler app (%v): run `make bundlers`", err)
	}
	built, err := os.ReadFile(filepath.Join(webDir, webserver.WasmFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(installed, built) {
		t.Fatal("the installed package holds another module than web/: run `make bundlers`")
	}
	copyCommand, err := docsCopyCommand()
	if err != nil {
		t.Fatal(err)
	}
	// The app's sources go beside its node_modules, as in any project: the
	// Vite dev server serves only files under the project's root.
	app, err := filepath.Abs(filepath.Dir(bundlerModules))
	if err != nil {
		t.Fatal(err)
	}
	if err := copyInto(app, "bundlers"); err != nil {
		t.Fatal(err)
	}
	npx := func(t *testing.T, tool string, args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(app, "node_modules", ".bin", tool), args...)
		cmd.Dir = app
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
		}
	}

	for _, config := range []string{"tsconfig.json", "tsconfig.node16.json", "tsconfig.nodenext.json"} {
		t.Run("tsc "+config, func(t *testing.T) {
			// strict, against the package's exports: moduleResolution
			// bundler, node16 and nodenext.
			npx(t, "tsc", "-p", config)
		})
	}
	t.Run("vite dev", func(t *testing.T) {
		// The dev server serves the package from node_modules as it is.
		port := freePort(t)
		cmd := exec.Command(filepath.Join(app, "node_modules", ".bin", "vite"), "--host", "127.0.0.1", "--port", port, "--strictPort")
		cmd.Dir = app
		s := startServer(t, "vite", cmd, port)
		lookUpInBundle(t, s.url+"/?")
	})
	t.Run("import map", func(t *testing.T) {
		// No bundler: the package's files as they are installed, named by
		// the page's import map.
		html := appPage(t, "importmap")
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write(html)
				return
			}
			http.FileServer(http.Dir(app)).ServeHTTP(w, r)
		}))
		defer srv.Close()
		lookUpInBundle(t, srv.URL+"/?")
	})
	for _, b := range bundles {
		t.Run(b.name, func(t *testing.T) {
			npx(t, b.tool, b.args...)
			dist := filepath.Join(app, b.dist)
			if b.page != "" {
				if err := os.WriteFile(filepath.Join(dist, "index.html"), appPage(t, b.page), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if b.copied {
				// The docs' command as written, run by sh as an npm script
				// is (not bash), into this bundle's folder.
				cmd := exec.CommandContext(t.Context(), "sh", "-c", strings.TrimSuffix(copyCommand, " dist/")+" "+b.dist+"/")
				cmd.Dir = app
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("sh -c %q: %v\n%s", cmd.Args[2], err, out)
				}
			}
			var wasm atomic.Int64
			files := http.FileServer(http.Dir(dist))
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, ".wasm") {
					wasm.Add(1)
				}
				files.ServeHTTP(w, r)
			}))
			defer srv.Close()
			url := srv.URL + "/"
			if b.query != "" {
				url += "?" + b.query + "&"
			} else {
				url += "?"
			}
			lookUpInBundle(t, url)
			// The module on the page's thread: the host module comes as the
			// chunk the bundler split off for the loader's import of it.
			lookUpInBundle(t, url+"thread=page&")
			// The module came from the bundle: the asset the bundler emitted.
			if wasm.Load() == 0 {
				t.Errorf("the module was not fetched from the bundle at %s", srv.URL)
			}
		})
	}
}

// docsCopyCommand reads docs/embedding.md's command that copies the files
// a bundler that does not emit them needs beside the bundle (into dist/).
func docsCopyCommand() (string, error) {
	doc, err := os.ReadFile("../docs/embedding.md")
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^cp node_modules/sipgate-account/.* dist/$`).Find(doc)
	if m == nil {
		return "", errors.New("docs/embedding.md has no `cp node_modules/sipgate-account/… dist/` command")
	}
	return string(m), nil
}

// lookUpInBundle opens a built app and reads what it looked up.
func lookUpInBundle(t *testing.T, appURL string) {
	t.Helper()
	tab, log := newTab(t)
	api := strings.TrimSuffix(pageURL, "/") + "/v2"
	var got map[string]string
	err := chromedp.Do(tab,
		chromedp.Navigate(appURL+"api="+api),
		chromedp.WaitVisible(chromedp.CSS(`html[data-done="true"]`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			got, err = chromedp.Evaluate[map[string]string](`({
				load: document.getElementById("load-result").textContent,
				element: document.getElementById("element-result").textContent,
				thread: document.getElementById("thread").textContent,
			})`)(ctx, tg)
			return err
		}),
	)
	if err != nil {
		t.Fatalf("the app did not finish: %v\nconsole:\n%s", err, log.text())
	}
	for _, way := range []string{"load", "element"} {
		if got[way] != "company: Demo Telefon GmbH" {
			t.Errorf("with %s: %q\nconsole:\n%s", way, got[way], log.text())
		}
	}
	want := "worker, Go on the page: false"
	if strings.Contains(appURL, "thread=page") {
		want = "page, Go on the page: true"
	}
	if got["thread"] != want {
		t.Errorf("the module ran in %q, want %q\nconsole:\n%s", got["thread"], want, log.text())
	}
}

// copyInto copies the files under dir into dst, replacing what is there.
func copyInto(dst, dir string) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}

// appPage is the app's page (e2e/bundlers/index.html, which Vite and
// Parcel build from) loading the bundle another way: "classic" (a classic
// script, for webpack's default output and esbuild's iife), "module" (an
// ES module beside the page) or "importmap" (no bundler: the package's
// files as installed, named by an import map).
func appPage(t *testing.T, way string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("bundlers", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	const script = `<script type="module" src="/src/main.js"></script>`
	head := map[string]string{
		"classic": `<script src="main.js" defer></script>`,
		"module":  `<script type="module" src="main.js"></script>`,
		"importmap": `<script type="importmap">{"imports": {` +
			`"sipgate-account": "/node_modules/sipgate-account/sipgate-account.js", ` +
			`"sipgate-account/element": "/node_modules/sipgate-account/sipgate-account-element.js"}}</script>` + script,
	}[way]
	if head == "" || !bytes.Contains(b, []byte(script)) {
		t.Fatalf("no page for %q from e2e/bundlers/index.html", way)
	}
	return bytes.Replace(b, []byte(script), []byte(head), 1)
}
