package webserver

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestPagePreloadsItsImports: index.html preloads exactly the modules that
// app.js imports statically, at any depth, so that none waits for the one
// that imports it, and no file is fetched for nothing.
func TestPagePreloadsItsImports(t *testing.T) {
	web := filepath.Join("..", "..", "web")
	page, err := os.ReadFile(filepath.Join(web, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	var preloaded []string
	for _, m := range regexp.MustCompile(`<link rel="modulepreload" href="([^"]+)">`).FindAllSubmatch(page, -1) {
		preloaded = append(preloaded, string(m[1]))
	}
	static := regexp.MustCompile(`(?m)^(?:import|export) [^;]*? from "\./([^"]+)";`)
	var imported []string
	queue := []string{"app.js"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		src, err := os.ReadFile(filepath.Join(web, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range static.FindAllSubmatch(src, -1) {
			if dep := string(m[1]); !slices.Contains(imported, dep) {
				imported = append(imported, dep)
				queue = append(queue, dep)
			}
		}
	}
	slices.Sort(preloaded)
	slices.Sort(imported)
	if !slices.Equal(preloaded, imported) {
		t.Errorf("index.html preloads %v; app.js imports %v", preloaded, imported)
	}
}
