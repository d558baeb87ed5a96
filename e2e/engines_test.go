//go:build e2e

package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/demo"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/testkit/browser"
	"sipgate-account/internal/testkit/vectors"
	"sipgate-account/internal/webserver"
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
	cfg, _ := demo.Site(webDir, demo.Options{SignInOrigin: "http://127.0.0.1:" + port, SignInLimit: 1000})
	cfg.FramedBySelf = true
	// The no-CORS check calls this server under its other name.
	cfg.ConnectOrigins = []string{"http://localhost:" + port, closedOrigin}
	site, err := webserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", site)
	mux.Handle("GET /selftest/", http.StripPrefix("/selftest/", http.FileServer(http.Dir("selftest"))))
	mux.HandleFunc("GET /selftest/vectors.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(vectors.JSON)
	})
	// The session's checks start signed in: the server walks the sign-in
	// and hands its session cookie to the engine.
	mux.HandleFunc("GET /selftest/session", func(w http.ResponseWriter, r *http.Request) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, _, err := fakeapi.SignIn(c, s.URL+signin.StartPath)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		for _, v := range resp.Header.Values("Set-Cookie") {
			if strings.HasPrefix(v, "sipgate_session=") {
				w.Header().Add("Set-Cookie", v)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
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
	{"firefox", openOther(browser.Firefox)},
	{"webkit", openOther(browser.WebKit)},
}

func openChromium(t *testing.T, url string) (func(), func() string, error) {
	tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		cancel()
		return nil, nil, err
	}
	return cancel, func() string { return "" }, nil
}

func openOther(e browser.Engine) func(t *testing.T, url string) (func(), func() string, error) {
	return func(t *testing.T, url string) (func(), func() string, error) {
		p, err := browser.Open(e, url, t.TempDir())
		if err != nil {
			return nil, nil, err
		}
		return p.Stop, p.Log, nil
	}
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
