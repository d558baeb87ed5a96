// Package apiproxy forwards the page's API calls to the sipgate API from the
// page's own origin, for deployments where the API does not answer the
// page's origin with CORS headers. It is not an open proxy: it forwards only
// the requests in Routes, with only the Authorization and Accept headers,
// within a timeout, a size cap and a per-client rate limit.
//
// The same code runs in two hosts: `cmd/serve -proxy` (native net/http) and
// the edge Worker in edge/ (Go's Fetch transport inside the Workers
// runtime), so the rules cannot drift apart.
package apiproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"time"

	"sipgate-account/sipgate"
)

// Route is one request the proxy forwards, to the same path upstream.
type Route struct{ Method, Path string }

// Routes is the allow-list. Everything else is answered here (404 or 405)
// and never reaches the API. A later endpoint is one more line.
var Routes = []Route{
	{http.MethodGet, "/v2/account"},
}

// forwardHeaders are the only request headers sent upstream: the
// credentials and what the module asks for. Cookies, the visitor's address,
// user agent and language, and hop-by-hop headers stay behind.
var forwardHeaders = []string{"Authorization", "Accept"}

// returnHeaders are the only response headers passed back: what the module
// reads. Set-Cookie and WWW-Authenticate (a browser login dialog) stay behind.
var returnHeaders = []string{"Content-Type", "Retry-After"}

// DefaultUpstream is the sipgate API's origin.
const DefaultUpstream = "https://api.sipgate.com"

// Defaults of Config.
const (
	DefaultTimeout = 10 * time.Second
	DefaultLimit   = 60 // requests per client and minute
)

// Config says where to forward and within which limits. The zero value is
// usable: the sipgate API, 10 s, 60 requests a minute per client address.
type Config struct {
	// Upstream is the API's origin (scheme://host[:port]); a path is ignored.
	Upstream string
	// Transport sends upstream; nil means the platform's (see transport).
	Transport http.RoundTripper
	// Timeout bounds an upstream call, body included.
	Timeout time.Duration
	// Limit is how many requests a client may send per minute, as a burst
	// or spread out; the allowance refills evenly over the minute.
	Limit int
	// Buckets keeps the rate limit's state; nil means in this process.
	Buckets Buckets
	// ClientIP names the client a request comes from; nil means the host of
	// RemoteAddr (right for a server that faces the browser directly).
	ClientIP func(*http.Request) string
	// Logf, if set, gets one line per failed upstream call. It never gets
	// a header.
	Logf func(format string, args ...any)
	// Now is the clock (tests set it); nil means time.Now.
	Now func() time.Time
}

// New returns the proxy. It answers only under the paths of Routes' prefix
// that it is mounted at; anything it does not forward it answers itself.
func New(cfg Config) (http.Handler, error) {
	if cfg.Upstream == "" {
		cfg.Upstream = DefaultUpstream
	}
	up, err := url.Parse(cfg.Upstream)
	if err != nil || (up.Scheme != "https" && up.Scheme != "http") || up.Host == "" {
		return nil, fmt.Errorf("upstream %q is not an http(s) origin", cfg.Upstream)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Limit <= 0 {
		cfg.Limit = DefaultLimit
	}
	if cfg.Buckets == nil {
		cfg.Buckets = NewMemoryBuckets()
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = remoteHost
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Transport == nil {
		cfg.Transport = transport()
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	p := &proxy{cfg: cfg, limiter: limiter{buckets: cfg.Buckets, limit: cfg.Limit, now: cfg.Now}}
	p.reverse = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL = &url.URL{Scheme: up.Scheme, Host: up.Host, Path: pr.In.URL.Path}
			pr.Out.Host = ""
			pr.Out.Header = http.Header{}
			for _, k := range forwardHeaders {
				if v := pr.In.Header.Values(k); len(v) > 0 {
					pr.Out.Header[k] = v
				}
			}
			// Go would add its own User-Agent; an explicitly empty one is
			// not sent.
			pr.Out.Header["User-Agent"] = []string{""}
			setFetchOptions(pr.Out.Header)
		},
		Transport:      cfg.Transport,
		ModifyResponse: limitResponse,
		ErrorHandler:   p.upstreamFailed,
	}
	return p, nil
}

type proxy struct {
	cfg     Config
	limiter limiter
	reverse *httputil.ReverseProxy
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, ok := match(r)
	switch {
	case !ok && route.Path == "":
		answer(w, http.StatusNotFound, "this proxy forwards only "+allowed()+" to the sipgate API")
		return
	case !ok:
		w.Header().Set("Allow", route.Method)
		answer(w, http.StatusMethodNotAllowed, r.URL.Path+" is forwarded for "+route.Method+" only")
		return
	}
	if wait, ok := p.limiter.take(p.cfg.ClientIP(r)); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		answer(w, http.StatusTooManyRequests, fmt.Sprintf("this proxy allows %d requests a minute from one address", p.cfg.Limit))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.cfg.Timeout)
	defer cancel()
	p.reverse.ServeHTTP(w, r.WithContext(ctx))
}

// match finds the route for r: ok when path and method match; otherwise
// route names the path's method when only the method is wrong.
func match(r *http.Request) (Route, bool) {
	var found Route
	for _, route := range Routes {
		if route.Path != r.URL.Path {
			continue
		}
		if route.Method == r.Method || (route.Method == http.MethodGet && r.Method == http.MethodHead) {
			return route, true
		}
		found = route
	}
	return found, false
}

func allowed() string {
	s := ""
	for i, r := range Routes {
		if i > 0 {
			s += ", "
		}
		s += r.Method + " " + r.Path
	}
	return s
}

var errTooLarge = errors.New("the API's answer is larger than the 1 MiB limit")

// limitResponse keeps the answer within the module's own 1 MiB limit and
// passes back only returnHeaders.
func limitResponse(resp *http.Response) error {
	body, err := io.ReadAll(io.LimitReader(resp.Body, sipgate.MaxBodyBytes+1))
	resp.Body.Close()
	if err != nil {
		return err
	}
	if len(body) > sipgate.MaxBodyBytes {
		return errTooLarge
	}
	h := http.Header{}
	for _, k := range returnHeaders {
		if v := resp.Header.Values(k); len(v) > 0 {
			h[k] = v
		}
	}
	// An account answer is personal: no cache may keep it.
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header = h
	resp.ContentLength = int64(len(body))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

// upstreamFailed answers 504 when the API took too long and 502 when it
// could not be reached or answered too much; the module reports both as
// SERVER_ERROR.
func (p *proxy) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(r.Context().Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		p.cfg.Logf("proxy: %s %s: the API did not answer within %s", r.Method, r.URL.Path, p.cfg.Timeout)
		answer(w, http.StatusGatewayTimeout, fmt.Sprintf("the sipgate API did not answer within %s", p.cfg.Timeout))
	case errors.Is(err, errTooLarge):
		p.cfg.Logf("proxy: %s %s: %v", r.Method, r.URL.Path, err)
		answer(w, http.StatusBadGateway, err.Error())
	case r.Context().Err() != nil:
		// The browser went away; nobody reads an answer.
	default:
		p.cfg.Logf("proxy: %s %s: upstream: %v", r.Method, r.URL.Path, err)
		answer(w, http.StatusBadGateway, "the sipgate API could not be reached")
	}
}

// answer writes the proxy's own answer, shaped like the API's errors.
func answer(w http.ResponseWriter, status int, message string) {
	b, _ := json.Marshal(map[string]any{"status": status, "message": message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// PageConfig serves the page's config.json when the proxy is on: the
// module's default API becomes this origin's /v2.
func PageConfig() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(`{"baseURL":"/v2"}`))
	})
}
