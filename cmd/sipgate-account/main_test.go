//go:build linux

package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sipgate-account/internal/fakeapi"
)

// openPTY opens a pseudo-terminal: the terminal side for the program, and
// the side a person's keyboard and screen would be.
func openPTY(t *testing.T) (screen, terminal *os.File) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal here: %v", err)
	}
	screen = os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() { screen.Close() })
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	terminal, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { terminal.Close() })
	return screen, terminal
}

// TestPromptsWithoutEcho runs the built command on a real pseudo-terminal:
// it asks for the user (echoed, as typed) and the password (not echoed),
// and the password never shows on the screen.
func TestPromptsWithoutEcho(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sipgate-account")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{}))
	defer api.Close()

	screen, terminal := openPTY(t)
	cmd := exec.Command(bin, "-base-url", api.URL+"/v2")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = terminal, terminal, terminal
	// Its own session, with the terminal (its fd 0) as controlling terminal.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	terminal.Close() // the program has its own copy

	var seen bytes.Buffer
	waitFor := func(s string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		buf := make([]byte, 4096)
		for !strings.Contains(seen.String(), s) {
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q; it shows:\n%s", s, seen.String())
			}
			screen.SetReadDeadline(deadline)
			n, err := screen.Read(buf)
			seen.Write(buf[:n])
			if err != nil {
				t.Fatalf("reading the screen: %v; it shows:\n%s", err, seen.String())
			}
		}
	}
	waitFor("Username (e-mail or token ID): ")
	screen.WriteString(fakeapi.DemoUser + "\r")
	waitFor("Password or token: ")
	screen.WriteString(fakeapi.DemoPassword + "\r")
	waitFor("Body: ")
	waitFor("}")
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v\n%s", err, seen.String())
	}
	out := seen.String()
	if !strings.Contains(out, fakeapi.DemoUser) {
		t.Errorf("the user was not echoed as typed:\n%s", out)
	}
	if strings.Contains(out, fakeapi.DemoPassword) {
		t.Errorf("the password was echoed:\n%s", out)
	}
	if !strings.Contains(out, "Status: 200") || !strings.Contains(out, `"company":"Demo Telefon GmbH"`) {
		t.Errorf("no account on the screen:\n%s", out)
	}
}
