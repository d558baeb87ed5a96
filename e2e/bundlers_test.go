//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/devserver"
)

// The npm package as users take it: e2e/bundlers is a small app that
// installs the tarball of `make package` (make bundlers installs it, with
// Vite, webpack and TypeScript at pinned versions, into build/bundlers),
// type-checks against the package's types, and is built by each bundler
// with its defaults. Each build is served from a loopback port of its own
// and looks up the demo account, with load() and with the element, against
// the fake API on another origin.

// bundlerModules is where make bundlers installs the app's dependencies;
// the test puts the app's sources beside it.
const bundlerModules = "../build/bundlers/node_modules"

func TestBundlers(t *testing.T) {
	installed, err := os.ReadFile(filepath.Join(bundlerModules, "sipgate-account", devserver.WasmFile))
	if err != nil {
		t.Fatalf("the package is not installed for the bundler app (%v): run `make bundlers`", err)
	}
	built, err := os.ReadFile(filepath.Join(webDir, devserver.WasmFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(installed, built) {
		t.Fatal("the installed package holds another module than web/: run `make bundlers`")
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

	t.Run("tsc", func(t *testing.T) {
		// strict, moduleResolution bundler (tsconfig.json), against the package's exports.
		npx(t, "tsc", "-p", ".")
	})
	t.Run("vite dev", func(t *testing.T) {
		// The dev server serves the package from node_modules as it is.
		port := freePort(t)
		cmd := exec.Command(filepath.Join(app, "node_modules", ".bin", "vite"), "--host", "127.0.0.1", "--port", port, "--strictPort")
		cmd.Dir = app
		s := startServer(t, "vite", cmd, port)
		lookUpInBundle(t, s.url)
	})
	for _, b := range []struct {
		name, tool string
		args       []string
		dist, page string
	}{
		{"vite", "vite", []string{"build"}, "dist/vite", ""},
		{"webpack", "webpack", nil, "dist/webpack", "webpack.html"},
	} {
		t.Run(b.name, func(t *testing.T) {
			npx(t, b.tool, b.args...)
			dist := filepath.Join(app, b.dist)
			if b.page != "" {
				html, err := os.ReadFile(filepath.Join(app, b.page))
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(dist, "index.html"), html, 0o644)
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
			lookUpInBundle(t, srv.URL)
			// The module came from the bundle: the asset the bundler emitted.
			if wasm.Load() == 0 {
				t.Errorf("the module was not fetched from the bundle at %s", srv.URL)
			}
		})
	}
}

// lookUpInBundle opens a built app and reads what it looked up.
func lookUpInBundle(t *testing.T, appURL string) {
	t.Helper()
	tab, log := newTab(t)
	api := strings.TrimSuffix(pageURL, "/") + "/v2"
	var got map[string]string
	err := chromedp.Do(tab,
		chromedp.Navigate(appURL+"/?api="+api),
		chromedp.WaitVisible(chromedp.CSS(`html[data-done="true"]`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			got, err = chromedp.Evaluate[map[string]string](`({
				load: document.getElementById("load-result").textContent,
				element: document.getElementById("element-result").textContent,
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
