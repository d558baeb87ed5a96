// Package webserver serves web/ for `make demo`, `make serve` and the
// browser tests, optionally with the fake API on the same origin.
//
// It is a small static file server with the few things Go WebAssembly needs
// from any host (the .wasm as application/wasm) and the headers the page is
// built to run under (a strict Content-Security-Policy among them).
package webserver

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/webheaders"
	"sipgate-account/sipgate"
)

// Config says what to serve.
type Config struct {
	// Dir is the web root, normally web/.
	Dir string
	// Mock serves the fake API at /v2/ and /scenario/ on the same origin and
	// points the page's default baseURL at it.
	Mock bool
	// API adjusts the fake API when Mock is set.
	API fakeapi.Config
	// Proxy, when set, answers /v2/ on the same origin (see
	// internal/apiproxy) and the page's default baseURL becomes /v2.
	Proxy http.Handler
	// SignIn, when set, answers /oauth/ ("Sign in with sipgate", package
	// signin), and config.json shows the page its button. With Mock, the
	// fake login server of API.Login answers on this origin too.
	SignIn http.Handler
	// ConnectOrigins are further origins the page may call (CSP connect-src),
	// besides its own and the sipgate API's.
	ConnectOrigins []string
	// FramedBySelf lets pages of this origin frame the page (CSP
	// frame-ancestors 'self' instead of 'none'), for an in-page test.
	FramedBySelf bool
	// CacheControl replaces the files' cache policy (webheaders.CacheControl),
	// for make bench to compare policies.
	CacheControl string
}

// WasmFile is the module's file name inside the web root.
const WasmFile = "sipgate-account.wasm"

// New returns the handler. It fails when Dir is not a directory.
func New(cfg Config) (http.Handler, error) {
	info, err := os.Stat(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, errors.New(cfg.Dir + " is not a directory")
	}
	// os.Root keeps every open inside the web root: a symbolic link that
	// leads out of it is refused, not followed.
	root, err := os.OpenRoot(cfg.Dir)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	cache := cfg.CacheControl
	if cache == "" {
		cache = webheaders.CacheControl
	}
	mux.Handle("/", staticHeaders(cache, newStaticFiles(noListing{root.FS()})))
	if cfg.Mock && cfg.Proxy != nil {
		return nil, errors.New("the fake API and the proxy both want /v2/: choose one")
	}
	signIn := ""
	if cfg.SignIn != nil {
		signIn = signin.StartPath
		mux.Handle("/oauth/", cfg.SignIn)
	}
	if cfg.Proxy != nil {
		mux.Handle("/v2/", cfg.Proxy)
		mux.Handle("GET /config.json", apiproxy.PageConfig(signIn))
	}
	if cfg.Mock {
		api := fakeapi.Handler(cfg.API)
		mux.Handle("/v2/", api)
		mux.Handle("/scenario/", api)
		mux.Handle("GET /config.json", demoConfig(signIn))
		if cfg.API.Login != nil {
			mux.Handle(fakeapi.LoginPath+"/", cfg.API.Login.Handler())
		}
	}
	return securityHeaders(cfg, mux), nil
}

// AddDemoSignIn turns on make demo's "Sign in with sipgate" in a Mock
// config: the fake login server on this origin (origin is where the
// browser and the server itself reach it) with the demo client. The flow
// keeps even the demo's secret off the network, so origin must be on a
// loopback host; otherwise it returns why and the demo runs without.
func (cfg *Config) AddDemoSignIn(origin string, logf func(string, ...any)) error {
	flow, err := signin.New(signin.Config{ClientID: fakeapi.DemoClientID, ClientSecret: fakeapi.DemoClientSecret,
		LoginServer: origin, Logf: logf})
	if err != nil {
		return err
	}
	cfg.API.Login, cfg.SignIn = fakeapi.NewLogin(), flow
	return nil
}

// demoConfig overrides web/config.json in demo mode: the page's default API
// becomes the fake one on this origin, and the page shows the demo login
// (and the sign-in button, with signIn).
func demoConfig(signIn string) http.Handler {
	config := map[string]any{
		"baseURL": "/v2",
		"demo": map[string]string{
			"username": fakeapi.DemoUser, "password": fakeapi.DemoPassword,
			"accessToken": fakeapi.DemoAccessToken,
		},
	}
	if signIn != "" {
		config["signIn"] = signIn
	}
	b, _ := json.Marshal(config)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	})
}

// staticHeaders sets the files' cache policy and lets pages on other
// origins embed them (see webheaders.Embed).
func staticHeaders(cache string, next http.Handler) http.Handler {
	embed := webheaders.Embed()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", cache)
		webheaders.Set(h, embed)
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sends the policy the page is written for (see
// webheaders.CSP). The page may call the sipgate API, or in demo and proxy
// mode only its own origin, where the fake API or the proxy answers.
func securityHeaders(cfg Config, next http.Handler) http.Handler {
	policy := webheaders.Policy{ConnectOrigins: cfg.ConnectOrigins, FramedBySelf: cfg.FramedBySelf}
	if !cfg.Mock && cfg.Proxy == nil {
		policy.ConnectOrigins = append([]string{origin(sipgate.DefaultBaseURL)}, policy.ConnectOrigins...)
	}
	headers := webheaders.Security(policy)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		webheaders.Set(w.Header(), headers)
		next.ServeHTTP(w, r)
	})
}

func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// noListing hides directories without an index.html and dot files, so the
// server shows the page and its assets and nothing else.
type noListing struct{ fsys fs.FS }

func (n noListing) Open(name string) (fs.File, error) {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") && part != "." {
			return nil, fs.ErrNotExist
		}
	}
	f, err := n.fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, err
		}
		// A name the file system cannot take (too long, a link out of the
		// root, ...) is a file that is not there: 404, not 500.
		return nil, fs.ErrNotExist
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if info.IsDir() {
		if _, err := fs.Stat(n.fsys, path.Join(name, "index.html")); err != nil {
			f.Close()
			return nil, fs.ErrNotExist
		}
	}
	return f, nil
}
