// Package apiproxy forwards the page's API calls to the sipgate API from the
// page's own origin, for deployments where the API does not answer the
// page's origin with CORS headers. It is not an open proxy: it forwards only
// the requests in routes, with only the Authorization and Accept headers,
// within a timeout, a size cap and a per-client rate limit.
//
// It is a plain forwarder rather than httputil.ReverseProxy because nearly
// everything a reverse proxy passes on must stay behind here: request
// bodies (a GET has none; one sent anyway could desynchronise the shared
// upstream connection), informational 1xx answers and their headers,
// protocol upgrades, compressed answers and all but two response headers.
//
// The same code runs in two hosts: `cmd/serve -proxy` (native net/http) and
// the edge Worker in edge/ (Go's Fetch transport inside the Workers
// runtime), so the rules cannot drift apart.
package apiproxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sipgate-account/internal/clientaddr"
	"sipgate-account/internal/exchange"
	"sipgate-account/internal/ratelimit"
	"sipgate-account/sipgate"
)

// route is one request the proxy forwards, to the same path upstream.
type route struct{ method, path string }

// routes is the allow-list. Everything else is answered here (404 or 405)
// and never reaches the API. A later endpoint is one more line.
var routes = []route{
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
	// Upstream is the API's origin (scheme://host[:port]): https, or http
	// to a loopback host only, since the credentials pass through. A path
	// is ignored; user info is refused.
	Upstream string
	// Timeout bounds an upstream call, body included.
	Timeout time.Duration
	// Limit is how many requests a client may send per minute, as a burst
	// or spread out; the allowance refills evenly over the minute.
	Limit int
	// Buckets keeps the rate limit's state; nil means in this process,
	// for at most MaxClients clients at a time.
	Buckets ratelimit.Buckets
	// MaxClients bounds the clients tracked at once; 0 means
	// ratelimit.MaxClients. When full, the client idle the longest is
	// forgotten.
	MaxClients int
	// Counter, when set, counts the requests instead of a Limiter in this
	// process (then Buckets and MaxClients do not matter).
	Counter ratelimit.Counter
	// ClientIP names the address a request comes from; nil means the host of
	// RemoteAddr (right for a server that faces the browser directly). An
	// IPv6 address is limited by its /64 (see clientaddr.Key).
	ClientIP func(*http.Request) string
	// Logf, if set, gets one line per failed upstream call. It never gets
	// a header.
	Logf func(format string, args ...any)
	// Now is the clock (tests set it); nil means time.Now.
	Now func() time.Time
}

// Proxy is the handler New returns.
type Proxy struct {
	cfg      Config
	upstream *url.URL
	limiter  ratelimit.Counter
}

// ParseUpstream checks an upstream origin as New does and returns it as
// scheme://host[:port], ready to print: it never holds user info.
func ParseUpstream(raw string) (string, error) {
	u, err := parseUpstream(raw)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

func parseUpstream(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultUpstream
	}
	u, problem := sipgate.CheckURL(raw, true)
	switch problem {
	case sipgate.URLNotAbsolute, sipgate.URLScheme:
		// Not echoed: a mistyped value may hold a password.
		return nil, errors.New("the upstream is not an http(s) origin such as " + DefaultUpstream)
	case sipgate.URLUserInfo:
		return nil, errors.New("the upstream must not contain user info: the proxy forwards the visitor's credentials, never its own")
	case sipgate.URLPlainHTTP:
		return nil, fmt.Errorf("the upstream %s uses http: the credentials would cross the network in clear text; use https (http only for a loopback host)", u.Host)
	case sipgate.URLPath, sipgate.URLQuery:
		// /v2/account is forwarded to the same path upstream: a path here
		// would be dropped, so it is refused rather than ignored.
		return nil, fmt.Errorf("the upstream is an origin such as %s, without a path, query or fragment: /v2/account is forwarded to the same path there", DefaultUpstream)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// New returns the proxy. It answers only under the paths of routes' prefix
// that it is mounted at; anything it does not forward it answers itself.
func New(cfg Config) (*Proxy, error) {
	up, err := parseUpstream(cfg.Upstream)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Limit <= 0 {
		cfg.Limit = DefaultLimit
	}
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = ratelimit.MaxClients
	}
	if cfg.Buckets == nil {
		cfg.Buckets = ratelimit.NewMemoryBuckets(cfg.MaxClients)
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = clientaddr.Of("")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.Counter == nil {
		cfg.Counter = ratelimit.New(cfg.Limit, cfg.Buckets, cfg.Now)
	}
	return &Proxy{cfg: cfg, upstream: up, limiter: cfg.Counter}, nil
}

// Upstream is the origin the proxy forwards to.
func (p *Proxy) Upstream() string { return p.upstream.String() }

// The proxy is cut along decisions and I/O (see package exchange), so
// that each host does its own I/O: ServeHTTP with Go's transport; the edge
// Worker with the runtime's fetch, in the request's own context (a Workers
// runtime ties every stream and timer to the request that made it),
// calling Plan, Check, Finish and Failed for every decision. The rules
// live only here.

// Plan decides what to do with a request: answer it here (a path or method
// not forwarded, a request with a body, a client over its limit), or send
// Outgoing upstream. It spends a token of the client's allowance.
func (p *Proxy) Plan(r *http.Request) (*exchange.Answer, *exchange.Outgoing) {
	route, ok := match(r)
	switch {
	case !ok && route.path == "":
		return p.answer(http.StatusNotFound, "this proxy forwards only "+allowed()+" to the sipgate API", nil), nil
	case !ok:
		return p.answer(http.StatusMethodNotAllowed, r.URL.Path+" is forwarded for "+route.method+" only", http.Header{"Allow": {route.method}}), nil
	case len(r.Header.Values("Authorization")) > 1 || strings.Contains(r.Header.Get("Authorization"), ","):
		// Two credentials, as two lines or as one that a runtime merged
		// ("Basic a, Basic b"; no Basic or Bearer credential holds a comma):
		// which one the API would take is not this proxy's guess to make.
		return p.answer(http.StatusBadRequest, "a request carries one Authorization header; this one had more, and nothing was forwarded", nil), nil
	case hasBody(r):
		// Not read, not forwarded; the connection is not reused, since the
		// unread body would be taken for the next request.
		return p.answer(http.StatusBadRequest, "a "+r.Method+" request has no body; this one had one, and nothing was forwarded",
			http.Header{"Connection": {"close"}}), nil
	}
	if wait, ok := p.limiter.Take(p.cfg.ClientIP(r)); !ok {
		return p.answer(http.StatusTooManyRequests, fmt.Sprintf("this proxy allows %d requests a minute from one address", p.limiter.Limit()),
			http.Header{"Retry-After": {ratelimit.RetryAfter(wait)}}), nil
	}
	out := &exchange.Outgoing{URL: p.upstream.String() + r.URL.Path, Header: http.Header{}, Timeout: p.cfg.Timeout, MaxBytes: sipgate.MaxBodyBytes}
	for _, k := range forwardHeaders {
		if v := r.Header.Values(k); len(v) > 0 {
			out.Header[k] = v
		}
	}
	// The body is passed on as it comes, so it must come uncompressed.
	out.Header.Set("Accept-Encoding", "identity")
	return nil, out
}

// Check says from the upstream answer's status and headers alone whether
// it can be passed on, before the host reads its body; when not, it is the
// proxy's answer (502): an informational status (1xx answers before the
// final one never get here, the transport reads past them; a 101 switches
// protocols, which nothing here may), or a coding the host's transport did
// not undo.
func (p *Proxy) Check(r *http.Request, status int, header http.Header) *exchange.Answer {
	switch enc := header.Get("Content-Encoding"); {
	case status < 200:
		return p.Failed(r, fmt.Errorf("%w: %d", errInformational, status))
	case status > 599:
		return p.Failed(r, fmt.Errorf("%w: %d", errStatus, status))
	case enc != "" && !decodedByTransport(enc):
		return p.Failed(r, fmt.Errorf("%w (%s)", errEncoded, enc))
	}
	return nil
}

// Finish passes the upstream answer on: its status, the returnHeaders and
// the body, which the host read up to MaxBytes+1 bytes; more than MaxBytes
// is a 502.
func (p *Proxy) Finish(r *http.Request, status int, header http.Header, body []byte) *exchange.Answer {
	if len(body) > sipgate.MaxBodyBytes {
		return p.Failed(r, errTooLarge)
	}
	h := http.Header{}
	for _, k := range returnHeaders {
		if v := header.Values(k); len(v) > 0 {
			h[k] = v
		}
	}
	// An account answer is personal: no cache may keep it.
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &exchange.Answer{Status: status, Header: h, Body: body}
}

// Failed answers an upstream call that got no usable answer: 504 when the
// API took too long, 502 when it could not be reached or answered what
// cannot be passed on; the module reports both as SERVER_ERROR. It logs
// one line, without any header, and what came from the network quoted.
func (p *Proxy) Failed(r *http.Request, err error) *exchange.Answer {
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, exchange.ErrTimeout):
		p.cfg.Logf("proxy: %s %q: the API did not answer within %s", r.Method, r.URL.Path, p.cfg.Timeout)
		return p.answer(http.StatusGatewayTimeout, fmt.Sprintf("the sipgate API did not answer within %s", p.cfg.Timeout), nil)
	case errors.Is(err, errTooLarge), errors.Is(err, errInformational), errors.Is(err, errEncoded), errors.Is(err, errStatus):
		p.cfg.Logf("proxy: %s %q: %q", r.Method, r.URL.Path, err.Error())
		return p.answer(http.StatusBadGateway, err.Error(), nil)
	}
	p.cfg.Logf("proxy: %s %q: upstream: %q", r.Method, r.URL.Path, err.Error())
	return p.answer(http.StatusBadGateway, "the sipgate API could not be reached", nil)
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a, out := p.Plan(r); a != nil {
		a.Write(w)
	} else {
		exchange.Serve(w, r, p, out)
	}
}

// match finds the route for r: ok when path and method match; otherwise
// route names the path's method when only the method is wrong. HEAD is not
// GET here: the API's answer is the account, and HEAD has no use for it.
func match(r *http.Request) (route, bool) {
	var found route
	for _, rt := range routes {
		// The path as sent, not decoded: /v2%2Faccount is not /v2/account,
		// in cmd/serve's mux and in the Worker alike.
		if rt.path != r.URL.EscapedPath() {
			continue
		}
		if rt.method == r.Method {
			return rt, true
		}
		found = rt
	}
	return found, false
}

func allowed() string {
	s := make([]string, len(routes))
	for i, r := range routes {
		s[i] = r.method + " " + r.path
	}
	return strings.Join(s, ", ")
}

// hasBody reports whether the request carries a body in any framing:
// Content-Length, chunked (with or without trailers), or both.
func hasBody(r *http.Request) bool {
	if r.ContentLength != 0 || r.Header.Get("Trailer") != "" || r.Header.Get("Transfer-Encoding") != "" {
		return true
	}
	for _, te := range r.TransferEncoding {
		if strings.TrimSpace(te) != "" {
			return true
		}
	}
	return false
}

var (
	errTooLarge      = errors.New("the API's answer is larger than the 1 MiB limit")
	errInformational = errors.New("the API answered with an informational status and no final answer")
	errEncoded       = errors.New("the API answered compressed although asked for identity")
	errStatus        = errors.New("the API answered with a status outside 100-599")
)

// answer is the proxy's own answer, shaped like the API's errors.
func (p *Proxy) answer(status int, message string, header http.Header) *exchange.Answer {
	b, _ := json.Marshal(map[string]any{"status": status, "message": message})
	h := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}}
	for k, v := range header {
		h[k] = v
	}
	return &exchange.Answer{Status: status, Header: h, Body: b}
}
