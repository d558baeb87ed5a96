// Package webserver serves web/ for `make serve`, `cmd/serve -proxy`,
// `make demo` (wired by package demo) and the browser tests.
//
// It is a small static file server with the few things Go WebAssembly needs
// from any host (the .wasm as application/wasm) and the headers the page is
// built to run under (a strict Content-Security-Policy among them).
package webserver

import (
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"sipgate-account/internal/pageconfig"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/webheaders"
	"sipgate-account/sipgate"
)

// Config says what to serve.
type Config struct {
	// Dir is the web root, normally web/.
	Dir string
	// API, when set, answers /v2/ on the same origin: the proxy (package
	// apiproxy), or in make demo the fake API. The page's default baseURL
	// becomes /v2, and the page's policy connects to this origin only.
	API http.Handler
	// SignIn, when set, answers /oauth/ ("Sign in with sipgate", package
	// signin), and config.json shows the page its button.
	SignIn http.Handler
	// Mounts are further handlers by ServeMux pattern: make demo's
	// scenarios and fake login server (package demo).
	Mounts map[string]http.Handler
	// Demo, in make demo only, are the credentials config.json shows the
	// page.
	Demo *pageconfig.Demo
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
	page := pageconfig.Shipped
	if cfg.SignIn != nil {
		page.SignIn = signin.StartPath
		mux.Handle("/oauth/", cfg.SignIn)
	}
	if cfg.API != nil {
		page.BaseURL = pageconfig.SameOriginBaseURL
		mux.Handle("/v2/", cfg.API)
	}
	page.Demo = cfg.Demo
	if page != pageconfig.Shipped {
		mux.Handle("GET /config.json", page.Handler())
	}
	for pattern, h := range cfg.Mounts {
		mux.Handle(pattern, h)
	}
	return securityHeaders(cfg, mux), nil
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
// webheaders.CSP). The page may call the sipgate API, or with API set only
// its own origin, where the proxy or the fake API answers.
func securityHeaders(cfg Config, next http.Handler) http.Handler {
	policy := webheaders.Policy{ConnectOrigins: cfg.ConnectOrigins, FramedBySelf: cfg.FramedBySelf}
	if cfg.API == nil {
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
