// Package docs holds the manual. Its tests keep the manual true: every
// relative link resolves, and each copy of a fact that lives in Go (the
// error codes, the exit codes, the test vectors, the fake API's scenarios)
// matches its source, as do the TypeScript types.
package docs

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sipgate-account/internal/cli"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/vectors"
	"sipgate-account/sipgate"
)

var update = flag.Bool("update", false, "rewrite the generated parts of the docs")

// pages are the manual's Markdown files, README.md first.
func pages(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"../README.md"}, files...)
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tableAfter returns the rows (cells trimmed, header and rule left out) of
// the Markdown table that follows the line "<!-- marker -->" in text, and
// whether the marker is there.
func tableAfter(text, marker string) ([][]string, bool) {
	_, rest, ok := strings.Cut(text, "<!-- "+marker+" -->\n")
	if !ok {
		return nil, false
	}
	var rows [][]string
	for i, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		if i < 2 {
			continue // header and rule
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		rows = append(rows, cells)
	}
	return rows, true
}

var backticked = regexp.MustCompile("`([A-Z_]+)`")

func allCodes() []sipgate.Code {
	return append(slices.Clone(sipgate.ResultCodes), sipgate.RejectionCodes...)
}

func TestErrorCodeTable(t *testing.T) {
	found := 0
	for _, page := range pages(t) {
		rows, ok := tableAfter(read(t, page), "codes: all")
		if !ok {
			continue
		}
		found++
		var got []sipgate.Code
		for _, row := range rows {
			m := backticked.FindStringSubmatch(row[0])
			if m == nil {
				t.Errorf("%s: a row of the code table names no code: %v", page, row)
				continue
			}
			code := sipgate.Code(m[1])
			got = append(got, code)
			wantWhere := "rejection"
			if slices.Contains(sipgate.ResultCodes, code) {
				wantWhere = "result"
			}
			if !strings.HasPrefix(row[1], wantWhere) {
				t.Errorf("%s: %s is a %s code, the table says %q", page, code, wantWhere, row[1])
			}
		}
		if !slices.Equal(got, allCodes()) {
			t.Errorf("%s: the code table lists %v, the Go list is %v", page, got, allCodes())
		}
	}
	if found == 0 {
		t.Error("no page has the code table (<!-- codes: all -->)")
	}
}

// TestSignInCodeTable: javascript-api.md's table of sign-in codes is
// web/sipgate-signin.js's list, in its order (internal/signin's test holds
// that list to the server's codes and the types).
func TestSignInCodeTable(t *testing.T) {
	list := regexp.MustCompile(`(?s)SIGN_IN_ERROR_CODES = Object\.freeze\(\[(.*?)\]\)`).FindStringSubmatch(read(t, "../web/sipgate-signin.js"))
	if list == nil {
		t.Fatal("web/sipgate-signin.js has no SIGN_IN_ERROR_CODES")
	}
	var want []string
	for _, m := range regexp.MustCompile(`"([A-Z_]+)"`).FindAllStringSubmatch(list[1], -1) {
		want = append(want, m[1])
	}
	rows, ok := tableAfter(read(t, "javascript-api.md"), "codes: sign-in")
	if !ok {
		t.Fatal("javascript-api.md has no sign-in code table (<!-- codes: sign-in -->)")
	}
	var got []string
	for _, row := range rows {
		if m := backticked.FindStringSubmatch(row[0]); m != nil {
			got = append(got, m[1])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("javascript-api.md's sign-in codes are %v, web/sipgate-signin.js's %v", got, want)
	}
}

func TestExitCodeTable(t *testing.T) {
	rows, ok := tableAfter(read(t, "cli.md"), "codes: exit")
	if !ok {
		t.Fatal("cli.md has no exit code table (<!-- codes: exit -->)")
	}
	seen := map[sipgate.Code]bool{}
	for _, row := range rows {
		exit, err := strconv.Atoi(row[0])
		if err != nil {
			t.Errorf("exit code table: %q is no number", row[0])
			continue
		}
		for _, m := range backticked.FindAllStringSubmatch(row[1], -1) {
			code := sipgate.Code(m[1])
			seen[code] = true
			if !slices.Contains(allCodes(), code) {
				t.Errorf("exit code table names %s, which is no code", code)
			} else if cli.ExitCode(code) != exit {
				t.Errorf("exit code table: %s exits %d, the command exits %d", code, exit, cli.ExitCode(code))
			}
		}
	}
	for _, code := range allCodes() {
		if !seen[code] {
			t.Errorf("exit code table misses %s (the command exits %d)", code, cli.ExitCode(code))
		}
	}
}

// unionMembers returns the string literals of `export type name = ...;`.
func unionMembers(t *testing.T, src, name string) []sipgate.Code {
	t.Helper()
	m := regexp.MustCompile(`(?s)export type ` + name + ` =(.*?);`).FindStringSubmatch(src)
	if m == nil {
		t.Fatalf("sipgate-account.d.ts has no type %s", name)
	}
	var codes []sipgate.Code
	for _, lit := range regexp.MustCompile(`"([A-Z_]+)"`).FindAllStringSubmatch(m[1], -1) {
		codes = append(codes, sipgate.Code(lit[1]))
	}
	return codes
}

func TestTypeScriptCodes(t *testing.T) {
	src := read(t, "../web/sipgate-account.d.ts")
	if got := unionMembers(t, src, "ResultErrorCode"); !slices.Equal(got, sipgate.ResultCodes) {
		t.Errorf("ResultErrorCode is %v, the Go list is %v", got, sipgate.ResultCodes)
	}
	if got := unionMembers(t, src, "RejectionCode"); !slices.Equal(got, sipgate.RejectionCodes) {
		t.Errorf("RejectionCode is %v, the Go list is %v", got, sipgate.RejectionCodes)
	}
}

func TestVectorTable(t *testing.T) {
	rows, ok := tableAfter(read(t, "javascript-api.md"), "vectors: basic")
	if !ok {
		t.Fatal("javascript-api.md has no vector table (<!-- vectors: basic -->)")
	}
	var got, want []string
	for _, row := range rows {
		got = append(got, strings.Join(row, " | "))
	}
	for _, v := range vectors.Load().Basic {
		want = append(want, v.User+" | "+v.Pass+" | "+v.Header)
	}
	if !slices.Equal(got, want) {
		t.Errorf("the vector table is\n%s\ninternal/testkit/vectors/vectors.json has\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// scenarioList is the fake API's scenarios as docs/development.md lists them.
func scenarioList() string {
	var b strings.Builder
	b.WriteString("| name (`/scenario/NAME/v2`) | answer |\n| --- | --- |\n")
	for _, sc := range fakeapi.Scenarios() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", sc.Name, strings.ReplaceAll(sc.Description, "|", `\|`))
	}
	return b.String()
}

func TestScenarioList(t *testing.T) {
	const begin, end = "<!-- generated: scenarios -->\n", "<!-- end: scenarios -->"
	text := read(t, "development.md")
	head, rest, ok1 := strings.Cut(text, begin)
	old, tail, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatal("development.md lacks the generated scenario list's markers")
	}
	if want := scenarioList(); old != want {
		if *update {
			if err := os.WriteFile("development.md", []byte(head+begin+want+end+tail), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("development.md's scenario list differs from internal/fakeapi's table; run `go test ./docs -run TestScenarioList -update`, or paste:\n%s", want)
	}
}

// TestBuildConstraints: the browser build is spelled one way everywhere.
func TestBuildConstraints(t *testing.T) {
	line := regexp.MustCompile(`(?m)^//go:build (.*)$`)
	filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || (d.IsDir() && (d.Name() == "build" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), "."))) {
			if d != nil && d.IsDir() && path != ".." {
				return filepath.SkipDir
			}
			return err
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		for _, m := range line.FindAllStringSubmatch(read(t, path), -1) {
			expr := m[1]
			// A test build of the module adds its own tag: js && wasm && probeoption.
			extra, tagged := strings.CutPrefix(expr, "js && wasm && ")
			if tagged && regexp.MustCompile(`^\w+$`).MatchString(extra) && !strings.Contains(extra, "js") {
				continue
			}
			if strings.Contains(expr, "js") && expr != "js && wasm" && expr != "!(js && wasm)" {
				t.Errorf("%s: //go:build %s; spell the browser build `js && wasm` or `!(js && wasm)`", path, expr)
			}
		}
		return nil
	})
}

var link = regexp.MustCompile(`\]\(([^)\s]+)\)`)

var tarball = regexp.MustCompile(`sipgate-account-(\d+\.\d+\.\d+[^ )"/]*)\.tgz`)

// TestInternalImports: architecture.md's table of what each internal
// package imports of this module is what the packages import.
func TestInternalImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, "sipgate-account/internal/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		var own []string
		for _, imp := range strings.Fields(imports) {
			if rest, ok := strings.CutPrefix(imp, "sipgate-account/"); ok {
				own = append(own, "`"+rest+"`")
			}
		}
		want = append(want, "| `"+strings.TrimPrefix(pkg, "sipgate-account/")+"` | "+strings.Join(own, ", ")+" |")
	}
	_, rest, ok1 := strings.Cut(read(t, "architecture.md"), "<!-- imports: internal -->\n")
	table, _, ok2 := strings.Cut(rest, "<!-- end imports -->")
	if !ok1 || !ok2 {
		t.Fatal("architecture.md lacks the table of internal imports")
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(table), "\n")[2:] {
		got = append(got, strings.Replace(line, "|  |", "| |", 1))
	}
	for i := range want {
		want[i] = strings.Replace(want[i], "|  |", "| |", 1)
	}
	if !slices.Equal(got, want) {
		t.Errorf("architecture.md's table of internal imports differs from the packages; it should read:\n%s", strings.Join(want, "\n"))
	}
}

// TestBlockingTime: the total blocking time the README and embedding.md
// give is the one of benchmarks.md's Lighthouse table (both pages, as a
// range when they differ), and its targets table says the same.
func TestBlockingTime(t *testing.T) {
	row := regexp.MustCompile(`(?m)^\| (index|embed)\.html \|(?: [^|]+ \|){5} ([0-9]+) ms \|`)
	var ms []int
	for _, m := range row.FindAllStringSubmatch(read(t, "benchmarks.md"), -1) {
		n, _ := strconv.Atoi(m[2])
		ms = append(ms, n)
	}
	if len(ms) != 2 {
		t.Fatalf("benchmarks.md's Lighthouse table has %d pages' TBT, want 2", len(ms))
	}
	want := fmt.Sprintf("%d ms", slices.Min(ms))
	if slices.Min(ms) != slices.Max(ms) {
		want = fmt.Sprintf("%d–%d ms", slices.Min(ms), slices.Max(ms))
	}
	for page, says := range map[string]string{
		"../README.md":  "total blocking time of " + want,
		"embedding.md":  "total blocking time of " + want,
		"benchmarks.md": "TBT " + want + " |",
	} {
		if !strings.Contains(strings.Join(strings.Fields(read(t, page)), " "), says) {
			t.Errorf("%s does not say %q, which benchmarks.md's Lighthouse table gives", page, says)
		}
	}
}

// TestShipsNoTestKit: nothing that ships (the commands users run, the
// module, the servers' packages) imports internal/testkit, directly or not.
func TestShipsNoTestKit(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}",
		"sipgate-account/cmd/serve", "sipgate-account/cmd/sipgate-account", "sipgate-account/wasm",
		"sipgate-account/internal/webserver", "sipgate-account/internal/cli").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "sipgate-account/internal/testkit") {
			t.Errorf("%s is linked into what ships", pkg)
		}
	}
}
