package settings

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func read(given map[string]string) (Values, error) {
	return Read(func(st Setting) (string, bool) {
		v, ok := given[st.Var]
		return v, ok
	}, func(st Setting) string { return st.Var })
}

func TestDefaults(t *testing.T) {
	v, err := read(nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Upstream != "https://api.sipgate.com" || v.Limit != 60 || v.Timeout != 10*time.Second || v.MaxClients != 50000 ||
		v.ClientIPHeader != "" || v.LoginServer != "https://login.sipgate.com" || v.Scope != "account:read" {
		t.Errorf("defaults %+v", v)
	}
	if on, err := v.SignIn(); on || err != nil {
		t.Errorf("sign-in without a client: %v %v", on, err)
	}
}

// TestBadValues: a value that does not parse is an error that names the
// setting, never a silent default; every bad value is named at once.
func TestBadValues(t *testing.T) {
	for name, bad := range map[string]string{
		"PROXY_LIMIT": "sixty", "PROXY_TIMEOUT": "10", "PROXY_MAX_CLIENTS": "-1", "TRUST_CLIENT_IP_HEADER": "CF Connecting IP",
	} {
		_, err := read(map[string]string{name: bad})
		if err == nil || !strings.Contains(err.Error(), name+": ") || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("%s=%q: %v, want an error naming it", name, bad, err)
		}
	}
	_, err := read(map[string]string{"PROXY_LIMIT": "0", "PROXY_TIMEOUT": "soon"})
	if err == nil || !strings.Contains(err.Error(), "PROXY_LIMIT") || !strings.Contains(err.Error(), "PROXY_TIMEOUT") {
		t.Errorf("two bad values: %v, want both named", err)
	}
	v, _ := read(map[string]string{"SIPGATE_CLIENT_ID": "id"})
	if _, err := v.SignIn(); err == nil {
		t.Error("a client ID without its secret turns sign-in on")
	}
	v, _ = read(map[string]string{"SCOPE": "x", "LOGIN_SERVER": "https://login.example"})
	if u := v.Unused(func(st Setting) bool { return st.Var == "LOGIN_SERVER" }); len(u) != 1 || u[0].Var != "LOGIN_SERVER" {
		t.Errorf("a sign-in setting without a client: unused %v", u)
	}
}

// TestEveryHostHasEverySetting: each setting has a name in both hosts,
// a flag or an environment variable in cmd/serve and a variable in the
// Worker; wrangler.toml sets no variable the table lacks; deploying.md's
// table lists each setting as the table has it.
func TestEveryHostHasEverySetting(t *testing.T) {
	for _, st := range Table {
		if st.Var == "" || (st.Flag == "") != st.FromEnv || st.Usage == "" {
			t.Errorf("%+v lacks a name in a host, or its usage", st)
		}
	}
	toml, err := os.ReadFile("../../edge/wrangler.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, vars, _ := strings.Cut(string(toml), "[vars]")
	for _, m := range regexp.MustCompile(`(?m)^#?\s*([A-Z_]+)\s*=`).FindAllStringSubmatch(vars, -1) {
		if !slices.Contains(Names(), m[1]) {
			t.Errorf("wrangler.toml sets %s, which the Worker does not read", m[1])
		}
	}
	doc, err := os.ReadFile("../../docs/deploying.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(doc), "<!-- settings -->\n")
	table, _, ok2 := strings.Cut(rest, "<!-- end settings -->")
	if !ok1 || !ok2 {
		t.Fatal("deploying.md lacks the table of settings between its markers")
	}
	rows := strings.Split(strings.TrimSpace(table), "\n")[2:]
	if len(rows) != len(Table) {
		t.Fatalf("deploying.md lists %d settings, the table has %d", len(rows), len(Table))
	}
	for i, st := range Table {
		flag := "`-" + st.Flag + "`"
		if st.FromEnv {
			flag = "(environment) `" + st.Var + "`"
		}
		def := "`" + st.Default + "`"
		if st.Default == "" {
			def = "none"
		}
		want := "| " + flag + " | `" + st.Var + "` | " + def + " |"
		if !strings.HasPrefix(rows[i], want) {
			t.Errorf("deploying.md's row %d is %q, want it to start %q", i+1, rows[i], want)
		}
	}
}

// TestWranglerRateLimit: wrangler.toml binds the Rate Limiting namespace
// by the name the Worker asks for, with PROXY_LIMIT requests a period of
// RateLimitPeriod.
func TestWranglerRateLimit(t *testing.T) {
	toml, err := os.ReadFile("../../edge/wrangler.toml")
	if err != nil {
		t.Fatal(err)
	}
	binding := regexp.MustCompile(`(?m)^\[\[ratelimits\]\]\nname = "([A-Z_]+)"\nnamespace_id = "\d+"\nsimple = \{ limit = (\d+), period = (\d+) \}`).FindStringSubmatch(string(toml))
	limit := regexp.MustCompile(`(?m)^PROXY_LIMIT = "(\d+)"`).FindStringSubmatch(string(toml))
	if binding == nil || limit == nil {
		t.Fatalf("wrangler.toml binds no rate limiter, or sets no PROXY_LIMIT")
	}
	if binding[1] != RateLimitBinding || binding[2] != limit[1] || binding[3] != fmt.Sprint(int(RateLimitPeriod.Seconds())) {
		t.Errorf("wrangler.toml's rate limiter %q: limit %s period %s, want %q, PROXY_LIMIT (%s), %v",
			binding[1], binding[2], binding[3], RateLimitBinding, limit[1], RateLimitPeriod)
	}
}
