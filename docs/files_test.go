// The docs' links and anchors, and the files they list.

package docs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

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
