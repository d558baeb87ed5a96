package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/devserver"
)

// Every engine runs the same contract checks: e2e/selftest is a page that
// runs them in-page against the real module and the fake API and posts one
// report. Chromium (driven by chromedp), Firefox (Debian's firefox-esr,
// headless) and WebKit (WebKitGTK's MiniBrowser under Xvfb) each load it.

// selftestReport is what the page posts.
type selftestReport struct {
	Engine    string `json:"engine"`
	UserAgent string `json:"userAgent"`
	Results   []struct {
		Name   string `json:"name"`
		OK     bool   `json:"ok"`
		Detail string `json:"detail"`
	} `json:"results"`
}

// selftestServer serves the self-test beside the page and the fake API on
// one origin (the page may be framed by it), and hands over each report.
type selftestServer struct {
	*httptest.Server
	mu      sync.Mutex
	reports map[string]chan selftestReport
}

func newSelftestServer(t *testing.T) *selftestServer {
	t.Helper()
	s := &selftestServer{reports: map[string]chan selftestReport{}}
	srv := httptest.NewUnstartedServer(nil)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	site, err := devserver.New(devserver.Config{
		Dir: webDir, Mock: true, FramedBySelf: true,
		// The no-CORS check calls this server under its other name.
		ConnectOrigins: []string{"http://localhost:" + port, closedOrigin},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", site)
	mux.Handle("GET /selftest/", http.StripPrefix("/selftest/", http.FileServer(http.Dir("selftest"))))
	mux.HandleFunc("POST /selftest/report", func(w http.ResponseWriter, r *http.Request) {
		var rep selftestReport
		if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.channel(rep.Engine) <- rep
	})
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	s.Server = srv
	return s
}

func (s *selftestServer) channel(engine string) chan selftestReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reports[engine] == nil {
		s.reports[engine] = make(chan selftestReport, 1)
	}
	return s.reports[engine]
}

func (s *selftestServer) url(engine string) string {
	return s.URL + "/selftest/?engine=" + engine + "&closed=" + closedOrigin
}

// engine opens a URL in one browser engine until stop is called. log is
// what the browser printed, for a failure message.
type engine struct {
	name string
	open func(t *testing.T, url string) (stop func(), log func() string, err error)
}

var engines = []engine{
	{"chromium", openChromium},
	{"firefox", openFirefox},
	{"webkit", openWebKit},
}

func TestEngines(t *testing.T) {
	s := newSelftestServer(t)
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			stop, log, err := e.open(t, s.url(e.name))
			if err != nil {
				t.Fatalf("%s cannot run: %v", e.name, err)
			}
			var rep selftestReport
			select {
			case rep = <-s.channel(e.name):
				stop()
			case <-time.After(3 * time.Minute):
				stop()
				t.Fatalf("%s sent no report within 3 minutes; it printed:\n%s", e.name, log())
			}
			t.Logf("%s: %s, %d checks", e.name, rep.UserAgent, len(rep.Results))
			if len(rep.Results) < 60 {
				t.Errorf("only %d checks ran", len(rep.Results))
			}
			for _, r := range rep.Results {
				if !r.OK {
					t.Errorf("%s: %s", r.Name, r.Detail)
				}
			}
		})
	}
}

func openChromium(t *testing.T, url string) (func(), func() string, error) {
	tab, cancel := chromedp.NewContext(chromium)
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		cancel()
		return nil, nil, err
	}
	return cancel, func() string { return "" }, nil
}

// openFirefox runs Debian's firefox-esr headless with a fresh profile that
// keeps it off the network except for the page.
func openFirefox(t *testing.T, url string) (func(), func() string, error) {
	bin, err := exec.LookPath("firefox-esr")
	if err != nil {
		return nil, nil, fmt.Errorf("%v: make test installs Debian's firefox-esr", err)
	}
	profile := t.TempDir()
	prefs := strings.Join([]string{
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
		`user_pref("dom.disable_open_during_load", false);`,
	}, "\n")
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs), 0o644); err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(bin, "--headless", "--no-remote", "--profile", profile, url)
	cmd.Env = append(os.Environ(), "MOZ_HEADLESS=1")
	return startEngine(cmd)
}

// openWebKit runs WebKitGTK's MiniBrowser (from Debian's libwebkit2gtk,
// which webkit2gtk-driver brings) on a virtual display.
func openWebKit(t *testing.T, url string) (func(), func() string, error) {
	bin := "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
	if b := os.Getenv("MINIBROWSER"); b != "" {
		bin = b
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, nil, fmt.Errorf("%v: make test installs Debian's webkit2gtk-driver, which brings MiniBrowser", err)
	}
	xvfb, err := exec.LookPath("xvfb-run")
	if err != nil {
		return nil, nil, fmt.Errorf("%v: make test installs Debian's xvfb", err)
	}
	return startEngine(exec.Command(xvfb, "-a", bin, "--private", url))
}

// startEngine starts a browser in its own process group, so that stop ends
// it with every process it started.
func startEngine(cmd *exec.Cmd) (func(), func() string, error) {
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop := func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	return stop, out.String, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
