package demo

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFakeAPIShipsOnlyInTheDemo: no package that serves production (the
// web server, the proxy, the sign-in, the module, the terminal command,
// the edge Worker) depends on the fake API; only this package, the demo's
// wiring, and what runs it (cmd/serve -mock, the bench, the screenshot)
// and the tests do.
func TestFakeAPIShipsOnlyInTheDemo(t *testing.T) {
	const fake = "sipgate-account/internal/fakeapi"
	allowed := []string{"sipgate-account/internal/demo", fake, "sipgate-account/cmd/serve",
		"sipgate-account/cmd/bench", "sipgate-account/cmd/screenshot"}
	list := func(dir string, env []string, pattern string) string {
		cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, pattern)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list in %s: %v", dir, err)
		}
		return string(out)
	}
	root, _ := filepath.Abs("../..")
	out := list(root, nil, "./...") + list(root, []string{"GOOS=js", "GOARCH=wasm"}, "./wasm") +
		list(filepath.Join(root, "edge"), []string{"GOOS=js", "GOARCH=wasm"}, ".")
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		if slices.Contains(allowed, pkg) || strings.HasPrefix(pkg, "sipgate-account/internal/testkit/") {
			continue
		}
		checked++
		if slices.Contains(fields[1:], fake) {
			t.Errorf("%s depends on the fake API", pkg)
		}
	}
	if checked < 10 {
		t.Fatalf("only %d packages checked:\n%s", checked, out)
	}
}
