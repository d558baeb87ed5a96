// Package docs holds the manual. Its tests keep the manual true: every
// relative link resolves, and each copy of a fact that lives in Go (the
// error codes, the exit codes, the test vectors, the fake API's scenarios)
// matches its source, as do the TypeScript types.
package docs

import (
	"encoding/json"
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
	"unicode"

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

// TestLinks: every relative link in README.md and docs/ reaches a file,
// and every #anchor a heading of its page.
func TestLinks(t *testing.T) {
	for _, page := range pages(t) {
		text := read(t, page)
		for _, m := range link.FindAllStringSubmatch(stripCode(text), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := page
			if file != "" {
				path = filepath.Join(filepath.Dir(page), file)
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s: link %s: no such file", page, target)
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(path, ".md") && !slices.Contains(anchors(read(t, path)), anchor) {
				t.Errorf("%s: link %s: %s has no heading with that anchor (it has %v)", page, target, path, anchors(read(t, path)))
			}
		}
	}
}

// stripCode removes fenced code blocks, whose brackets are not links.
func stripCode(text string) string {
	var out []string
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// anchors are the ids GitHub gives a page's headings: lower case, without
// punctuation but hyphens and underscores, spaces as hyphens, and -1, -2
// for repeats.
func anchors(text string) []string {
	var ids []string
	seen := map[string]int{}
	for _, line := range strings.Split(stripCode(text), "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		id := b.String()
		if n := seen[id]; n > 0 {
			ids = append(ids, id+"-"+strconv.Itoa(n))
		} else {
			ids = append(ids, id)
		}
		seen[id]++
	}
	return ids
}

var tarball = regexp.MustCompile(`sipgate-account-(\d+\.\d+\.\d+[^ )"/]*)\.tgz`)

// TestPackageVersion: web/package.json is the package's version; the docs,
// the bundler test app and `make package` (which reads it) agree.
func TestPackageVersion(t *testing.T) {
	m := regexp.MustCompile(`"version": "([^"]+)"`).FindStringSubmatch(read(t, "../web/package.json"))
	if m == nil {
		t.Fatal("web/package.json has no version")
	}
	version := m[1]
	mentioned := 0
	for _, file := range append(pages(t), "../e2e/bundlers/package.json") {
		for _, v := range tarball.FindAllStringSubmatch(read(t, file), -1) {
			mentioned++
			if v[1] != version {
				t.Errorf("%s names sipgate-account-%s.tgz; web/package.json says %s", file, v[1], version)
			}
		}
	}
	if mentioned < 2 {
		t.Errorf("the docs and the bundler app name the tarball %d times; want the docs and e2e/bundlers/package.json", mentioned)
	}
}

// TestIncludedFiles: a file shown in the docs after "<!-- file: PATH -->"
// is the file in the repository, byte for byte.
func TestIncludedFiles(t *testing.T) {
	marker := regexp.MustCompile("(?s)<!-- file: (\\S+) -->\n```[a-z]*\n(.*?)```")
	found := 0
	for _, page := range pages(t) {
		for _, m := range marker.FindAllStringSubmatch(read(t, page), -1) {
			found++
			if want := read(t, filepath.Join("..", m[1])); m[2] != want {
				t.Errorf("%s shows %s, which differs from the file; paste the file again", page, m[1])
			}
		}
	}
	if found == 0 {
		t.Error("no page includes a file (<!-- file: PATH -->)")
	}
}

// TestServedFiles: the files a host must serve, as embedding.md and
// deploying.md list them, are the npm package's files (web/package.json).
func TestServedFiles(t *testing.T) {
	var pkg struct {
		Files []string `json:"files"`
	}
	if err := json.Unmarshal([]byte(read(t, "../web/package.json")), &pkg); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range pkg.Files {
		if !strings.Contains(f, "/") { // element/package.json only points resolvers at the element
			want = append(want, f)
		}
	}
	slices.Sort(want)
	file := regexp.MustCompile("`([^`]+)`")
	for _, page := range []string{"embedding.md", "deploying.md"} {
		text := read(t, page)
		_, rest, ok1 := strings.Cut(text, "<!-- files: the package's, as a host serves them -->")
		list, _, ok2 := strings.Cut(rest, "<!-- end files -->")
		if !ok1 || !ok2 {
			t.Errorf("%s lacks the list of files between its markers", page)
			continue
		}
		var got []string
		for _, m := range file.FindAllStringSubmatch(list, -1) {
			if !strings.HasPrefix(m[1], ".") {
				got = append(got, m[1])
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want the package's files %v", page, got, want)
		}
	}
}

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
