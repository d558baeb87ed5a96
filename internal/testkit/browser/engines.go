package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"sipgate-account/internal/testkit/lockedbuf"
)

// The other engines are not driven, only pointed at a page: the page runs
// what it runs and reports to the server itself (e2e/selftest, the bench's
// engine page). Chromium is driven with chromedp (Start).

// Engine is a browser that Open can point at a page.
type Engine string

const (
	Firefox Engine = "firefox" // Debian's firefox-esr, headless
	WebKit  Engine = "webkit"  // WebKitGTK's MiniBrowser on a virtual display
)

// Process is a browser showing a page.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}
	out  lockedbuf.Buffer
}

// Open starts the engine on url with a fresh profile in profileDir (an
// empty directory the caller removes). It fails, saying what to install,
// when the engine is missing.
func Open(e Engine, url, profileDir string) (*Process, error) {
	var cmd *exec.Cmd
	switch e {
	case Firefox:
		bin, err := exec.LookPath("firefox-esr")
		if err != nil {
			return nil, fmt.Errorf("%v: install Debian's firefox-esr (make test does so as root)", err)
		}
		if err := os.WriteFile(filepath.Join(profileDir, "user.js"), []byte(firefoxPrefs), 0o644); err != nil {
			return nil, err
		}
		cmd = exec.Command(bin, "--headless", "--no-remote", "--profile", profileDir, url)
		cmd.Env = append(os.Environ(), "MOZ_HEADLESS=1")
	case WebKit:
		bin := "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
		if b := os.Getenv("MINIBROWSER"); b != "" {
			bin = b
		}
		if _, err := os.Stat(bin); err != nil {
			return nil, fmt.Errorf("%v: install Debian's webkit2gtk-driver, which brings MiniBrowser (make test does so as root), or set $MINIBROWSER", err)
		}
		xvfb, err := exec.LookPath("xvfb-run")
		if err != nil {
			return nil, fmt.Errorf("%v: install Debian's xvfb (make test does so as root)", err)
		}
		// MiniBrowser has no headless mode: it gets a virtual display.
		cmd = exec.Command(xvfb, "-a", bin, "--private", url)
		cmd.Env = append(os.Environ(), "HOME="+profileDir, "XDG_CACHE_HOME="+profileDir, "XDG_DATA_HOME="+profileDir)
	default:
		return nil, errors.New("unknown engine " + string(e))
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
	// Its own process group, so that Stop ends every process it starts.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(p.done) }()
	return p, nil
}

// Stop ends the browser and everything it started.
func (p *Process) Stop() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

// Log is what the browser printed.
func (p *Process) Log() string { return p.out.String() }

// firefoxPrefs keep a fresh profile off the network but for the page.
var firefoxPrefs = strings.Join([]string{
	`user_pref("browser.shell.checkDefaultBrowser", false);`,
	`user_pref("browser.startup.homepage_override.mstone", "ignore");`,
	`user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
	`user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
	`user_pref("app.update.enabled", false);`,
	`user_pref("extensions.update.enabled", false);`,
	`user_pref("network.captive-portal-service.enabled", false);`,
	`user_pref("network.connectivity-service.enabled", false);`,
	`user_pref("browser.safebrowsing.malware.enabled", false);`,
	`user_pref("browser.safebrowsing.phishing.enabled", false);`,
	`user_pref("browser.newtabpage.enabled", false);`,
}, "\n")
