package webserver

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestHostProtocolOnce: the messages between the loader and the host are
// declared once, in sipgate-account-host.js's header. The host handles
// exactly the messages to it and sends exactly the messages from it; the
// loader's side (sipgate-account-calls.js) sends and handles only declared
// ones, every one of them but "stats", which the tests and the bench ask.
func TestHostProtocolOnce(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	host, calls := read("sipgate-account-host.js"), read("sipgate-account-calls.js")
	header := host[:strings.Index(host, "\nconst ")]
	body := host[len(header):]
	from := header[strings.Index(header, "Messages from the loader:"):strings.Index(header, "Messages to the loader:")]
	to := header[strings.Index(header, "Messages to the loader:"):]
	declared := regexp.MustCompile(`\{type: "([a-z]+)"`)
	sent := regexp.MustCompile(`type: "([a-z]+)"`)
	handled := regexp.MustCompile(`type [!=]== "([a-z]+)"`)
	set := func(re *regexp.Regexp, s string) []string {
		var out []string
		for _, m := range re.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
		slices.Sort(out)
		return out
	}
	toHost, fromHost := set(declared, from), set(declared, to)
	if len(toHost) < 3 || len(fromHost) < 3 {
		t.Fatalf("the host's header declares %v and %v: the parse looks wrong", toHost, fromHost)
	}
	if got := set(handled, body); !slices.Equal(got, toHost) {
		t.Errorf("the host handles %v; its header declares %v", got, toHost)
	}
	if got := set(sent, body); !slices.Equal(got, fromHost) {
		t.Errorf("the host sends %v; its header declares %v", got, fromHost)
	}
	without := func(list []string, s string) []string {
		return slices.DeleteFunc(slices.Clone(list), func(x string) bool { return x == s })
	}
	if got := set(sent, calls); !slices.Equal(got, without(toHost, "stats")) {
		t.Errorf("the loader sends %v; the host's header declares %v", got, toHost)
	}
	if got := set(handled, calls); !slices.Equal(got, without(fromHost, "stats")) {
		t.Errorf("the loader handles %v; the host's header declares %v", got, fromHost)
	}
}
