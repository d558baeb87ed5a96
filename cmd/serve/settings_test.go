// The settings: bad values, ones with no effect, and what decides demo
// sign-in.

package main

import (
	"context"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/webserver"
)

// TestOnLoopback: demo sign-in is decided on the address the listener is
// bound to: every address (0.0.0.0, ::) is not loopback, whatever name is
// shown for it.
func TestOnLoopback(t *testing.T) {
	for _, c := range []struct {
		ip   net.IP
		want bool
	}{
		{net.IPv4(127, 0, 0, 1), true}, {net.IPv6loopback, true},
		{net.IPv4zero, false}, {net.IPv6unspecified, false}, {net.IPv4(192, 0, 2, 1), false},
	} {
		if got := onLoopback(&net.TCPAddr{IP: c.ip, Port: 8080}); got != c.want {
			t.Errorf("onLoopback(%s) = %v, want %v", c.ip, got, c.want)
		}
	}
	if onLoopback(&net.UnixAddr{Name: "/tmp/s"}) {
		t.Error("a Unix socket counts as loopback")
	}
}

// TestRunSaysConfigIsNotServed: where this server answers config.json
// itself, it says so at start when web/config.json holds settings of its
// own, which would otherwise be dropped without a word.
func TestRunSaysConfigIsNotServed(t *testing.T) {
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true}))
	defer api.Close()
	_, out := start(t, "-proxy", "-upstream", api.URL)
	if strings.Contains(out.String(), "is not served") {
		t.Errorf("with the shipped config.json (none here), a note:\n%s", out.String())
	}
	_, out = startWith(t, map[string]string{"config.json": `{"baseURL": "https://my-proxy.example/v2"}`}, "-proxy", "-upstream", api.URL)
	if !strings.Contains(out.String(), "config.json is not served") {
		t.Errorf("a config.json of its own is not mentioned:\n%s", out.String())
	}
	_, out = startWith(t, map[string]string{"config.json": `{"baseURL": "https://api.sipgate.com/v2"}`}, "-proxy", "-upstream", api.URL)
	if strings.Contains(out.String(), "is not served") {
		t.Errorf("with the shipped config.json, a note:\n%s", out.String())
	}
}

// TestRunSettings: a setting that does not parse stops the command with
// its name; a setting with no effect is named at start.
func TestRunSettings(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, webserver.WasmFile), []byte("\x00asm"), 0o644)
	for _, c := range []struct{ flag, value string }{
		{"-proxy-limit", "sixty"}, {"-proxy-timeout", "10"}, {"-proxy-max-clients", "0"}, {"-client-ip-header", "X Real IP"},
	} {
		err := run(context.Background(), []string{"-proxy", "-addr", "127.0.0.1:0", "-dir", dir, c.flag, c.value}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.flag+`: "`+c.value+`"`) {
			t.Errorf("%s %s: %v, want an error naming it", c.flag, c.value, err)
		}
	}
	t.Setenv("SIPGATE_CLIENT_ID", "id")
	t.Setenv("SIPGATE_CLIENT_SECRET", "secret")
	_, out := start(t, "-proxy-limit", "5")
	for _, want := range []string{"-proxy-limit has no effect without -proxy", "SIPGATE_CLIENT_ID has no effect without -proxy"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("without -proxy, no note %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "secret") {
		t.Errorf("the secret was printed:\n%s", out.String())
	}
	t.Setenv("SIPGATE_CLIENT_ID", "")
	t.Setenv("SIPGATE_CLIENT_SECRET", "")
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true}))
	defer api.Close()
	_, out = start(t, "-proxy", "-upstream", api.URL, "-scope", "account:read history:read")
	if !strings.Contains(out.String(), "-scope has no effect without SIPGATE_CLIENT_ID") {
		t.Errorf("a sign-in setting without a client, no note:\n%s", out.String())
	}
}
