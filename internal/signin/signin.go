// Package signin is "Sign in with sipgate" for the page's origin: the OAuth
// 2.0 authorization-code flow with PKCE that sipgate recommends for
// applications acting for their visitors, so that a page never sees a
// password. The client secret stays on the server (cmd/serve -proxy or the
// edge Worker); the page gets an access token, in memory, from a popup.
//
//	GET /oauth/start     makes state and a PKCE verifier, keeps both in a
//	                     short-lived cookie signed by this server (see
//	                     cookie.go), and redirects to the login server's
//	                     auth endpoint.
//	GET /oauth/callback  checks the cookie and state, clears the cookie,
//	                     redeems the code
//	                     at the token endpoint with the secret, the verifier
//	                     and the exact redirect URI, and answers a small
//	                     page that posts the access token (never the refresh
//	                     token) to the window that opened it, on this
//	                     origin only, which closes it; the refresh token
//	                     goes into the visitor's session cookie.
//	GET  /oauth/session  whether this browser has a session (refresh.go)
//	POST /oauth/token    a fresh access token from the session (refresh.go)
//	POST /oauth/signout  ends the session (refresh.go)
//
// Like package apiproxy it is cut along decisions and I/O (package
// exchange): Plan, Check, Finish and Failed decide; ServeHTTP does the one
// outgoing call with Go's transport, the edge Worker with the runtime's
// fetch. Each client may send DefaultLimit requests a minute.
//
// golang.org/x/oauth2 makes the verifier, the challenge and the auth URL;
// its Exchange would make the
// token call itself, which the Worker cannot let Go do, so the call is
// built here as Exchange builds it (a form, the client's credentials as
// HTTP Basic, URL-encoded as RFC 6749 section 2.3.1 asks) and its answer
// read here.
package signin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"sipgate-account/internal/clientaddr"
	"sipgate-account/internal/exchange"
	"sipgate-account/internal/ratelimit"
	"sipgate-account/sipgate"
)

// The flow's two paths on the page's origin. The callback's is the
// redirect URI to register with the client, on the page's origin:
// https://your.example/oauth/callback.
const (
	StartPath    = "/oauth/start"
	CallbackPath = "/oauth/callback"
)

// Defaults of Config: sipgate's login server and the scope the lookup
// needs.
const (
	DefaultLoginServer = "https://login.sipgate.com"
	DefaultScope       = "account:read"
	DefaultTimeout     = 10 * time.Second
	// RealmPath is where sipgate's login server (Keycloak) has the OpenID
	// Connect endpoints for third-party applications.
	RealmPath = "/auth/realms/third-party/protocol/openid-connect"
)

// maxTokenAnswer bounds the token endpoint's answer (a few hundred bytes).
const maxTokenAnswer = 64 << 10

// Config is the client registered at the login server.
type Config struct {
	// ClientID and ClientSecret are the client's, from console.sipgate.com.
	// The secret never leaves the server: no answer, URL or log holds it.
	ClientID, ClientSecret string
	// LoginServer is the login server's origin: https, or http on a
	// loopback host (the fake one of the tests). Empty: sipgate's.
	LoginServer string
	// Scope is what the token may do; empty: DefaultScope.
	Scope string
	// RedirectURL is the callback's URL as registered. Empty: this origin's
	// CallbackPath, as the request names the origin (https unless the
	// request came in plain http).
	RedirectURL string
	// Timeout bounds the token call; 0: DefaultTimeout.
	Timeout time.Duration
	// Limit is how many requests to /oauth/ a client may send per minute
	// (0: DefaultLimit), kept in Buckets (nil: in this process) by the
	// address ClientIP names (nil: the host of RemoteAddr), as the proxy's.
	Limit    int
	Buckets  ratelimit.Buckets
	ClientIP func(*http.Request) string
	// Counter, when set, counts the requests instead (see apiproxy).
	Counter ratelimit.Counter
	// Logf, if set, gets one line per failed sign-in. It never gets a
	// secret, a code or a token.
	Logf func(format string, args ...any)
	// Now is the clock (tests set it); nil means time.Now.
	Now func() time.Time
	// SessionKey keys the visitors' session cookies (at least
	// MinSessionKey characters). Empty: a key derived from ClientSecret.
	// A new key ends every session.
	SessionKey string
}

// DefaultLimit is the requests to /oauth/ a client may send per minute:
// a sign-in takes two.
const DefaultLimit = 20

// Flow is the handler New returns.
type Flow struct {
	cfg       Config
	oauth     oauth2.Config
	revokeURL string
	sealer    sealer
	box       box
	limiter   ratelimit.Counter
}

// New checks cfg and returns the flow.
func New(cfg Config) (*Flow, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("sign-in needs the client ID and the client secret from console.sipgate.com")
	}
	if cfg.LoginServer == "" {
		cfg.LoginServer = DefaultLoginServer
	}
	u, problem := sipgate.CheckURL(cfg.LoginServer, true)
	switch problem {
	case sipgate.URLOK:
	case sipgate.URLPlainHTTP:
		return nil, fmt.Errorf("the login server %s uses http: the client secret would cross the network in clear text; use https (http only for a loopback host)", u.Host)
	default:
		return nil, fmt.Errorf("the login server is an origin such as %s, without a path", DefaultLoginServer)
	}
	if cfg.RedirectURL != "" {
		r, err := url.Parse(cfg.RedirectURL)
		if err != nil || (r.Scheme != "https" && r.Scheme != "http") || r.Host == "" || r.Path != CallbackPath || r.RawQuery != "" {
			return nil, fmt.Errorf("the redirect URL is this origin's %s, such as https://your.example%s", CallbackPath, CallbackPath)
		}
	}
	if cfg.SessionKey != "" && len(cfg.SessionKey) < MinSessionKey {
		return nil, fmt.Errorf("the session key has %d characters: it needs at least %d (for example from openssl rand -base64 32)", len(cfg.SessionKey), MinSessionKey)
	}
	if cfg.Scope == "" {
		cfg.Scope = DefaultScope
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.Limit <= 0 {
		cfg.Limit = DefaultLimit
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = clientaddr.Of("")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Counter == nil {
		cfg.Counter = ratelimit.New(cfg.Limit, cfg.Buckets, cfg.Now)
	}
	origin := u.Scheme + "://" + u.Host
	return &Flow{cfg: cfg, oauth: oauth2.Config{
		ClientID: cfg.ClientID,
		Endpoint: oauth2.Endpoint{AuthURL: origin + RealmPath + "/auth", TokenURL: origin + RealmPath + "/token"},
		Scopes:   strings.Fields(cfg.Scope),
	}, revokeURL: origin + RevokePath, sealer: newSealer(cfg.ClientSecret), box: newBox(cfg.SessionKey, cfg.ClientSecret), limiter: cfg.Counter}, nil
}

// Plan decides what to do with a request under /oauth/: answer it here
// (start, a refused callback, a path or method that is not the flow's), or
// send Outgoing, the token call, and then hand its answer to Finish.
func (f *Flow) Plan(r *http.Request) (*exchange.Answer, *exchange.Outgoing) {
	path := r.URL.EscapedPath()
	if wait, ok := f.limiter.Take(f.cfg.ClientIP(r)); !ok {
		return text(http.StatusTooManyRequests, fmt.Sprintf("sign-in allows %d requests a minute from one address: try again in a minute", f.limiter.Limit()),
			http.Header{"Retry-After": {ratelimit.RetryAfter(wait)}}), nil
	}
	method := map[string]string{StartPath: http.MethodGet, CallbackPath: http.MethodGet,
		SessionPath: http.MethodGet, TokenPath: http.MethodPost, SignOutPath: http.MethodPost}[path]
	switch {
	case method == "":
		return text(http.StatusNotFound, "sign-in answers "+StartPath+", "+CallbackPath+", "+SessionPath+", "+TokenPath+" and "+SignOutPath+" only", nil), nil
	case r.Method != method:
		return text(http.StatusMethodNotAllowed, path+" takes "+method+" only", http.Header{"Allow": {method}}), nil
	case path != StartPath && path != CallbackPath && !fromOwnPage(r):
		return text(http.StatusForbidden, path+" answers this site's own pages only (with the "+RequestHeader+" header, from the same origin)", nil), nil
	case path == StartPath:
		return f.start(r), nil
	case path == SessionPath:
		return f.sessionState(r), nil
	case path == TokenPath:
		return f.refreshCall(r)
	case path == SignOutPath:
		return f.signOutCall(r)
	}
	return f.callback(r)
}

// start redirects to the auth endpoint, with state and the verifier's
// challenge; the cookie keeps both for the callback.
func (f *Flow) start(r *http.Request) *exchange.Answer {
	state, verifier := rand.Text(), oauth2.GenerateVerifier()
	o := f.oauth
	o.RedirectURL = f.redirectURL(r)
	h := http.Header{"Location": {o.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))}, "Cache-Control": {"no-store"}}
	h.Add("Set-Cookie", f.cookie(r, f.sealer.seal(state, verifier, f.cfg.Now())))
	return &exchange.Answer{Status: http.StatusFound, Header: h}
}

// callback checks the login server's answer against the cookie; a refusal
// is the page's answer at once, an accepted code the token call to make.
// A cookie this server did not make is refused first.
func (f *Flow) callback(r *http.Request) (*exchange.Answer, *exchange.Outgoing) {
	q := r.URL.Query()
	c, err := r.Cookie(cookieName(f.secureCookie(r)))
	var state, verifier string
	sealed := false
	if err == nil {
		state, verifier, sealed = f.sealer.open(c.Value, f.cfg.Now())
	}
	switch got := q.Get("state"); {
	case err != nil:
		return f.refuse(r, CodeState, "no sign-in was started in this browser, or it took longer than 10 minutes: start it again"), nil
	case !sealed:
		return f.refuse(r, CodeState, "this browser's sign-in cookie was not made by this server, or is older than 10 minutes: start it again"), nil
	case got == "":
		return f.refuse(r, CodeState, "the login server's answer carries no state: it is not the answer to this sign-in"), nil
	case subtle.ConstantTimeCompare([]byte(got), []byte(state)) != 1:
		return f.refuse(r, CodeState, "the login server's answer carries another state: it belongs to another sign-in, or was forged"), nil
	case q.Get("error") == "access_denied":
		return f.refuse(r, CodeDenied, "you denied the access at sipgate"), nil
	case q.Get("error") != "":
		return f.refuse(r, CodeRefused, "the login server refused the sign-in: "+oauthError(q.Get("error"), q.Get("error_description"))), nil
	case q.Get("code") == "":
		return f.refuse(r, CodeRefused, "the login server's answer carries no code"), nil
	}
	return nil, f.tokenCall(url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {q.Get("code")},
		"redirect_uri":  {f.redirectURL(r)},
		"code_verifier": {verifier},
	})
}

// Finish reads the login server's answer (its body read up to
// Outgoing.MaxBytes+1 bytes) to the call that r's path made: a code's
// redemption, a refresh or a revocation.
func (f *Flow) Finish(r *http.Request, status int, header http.Header, body []byte) *exchange.Answer {
	switch r.URL.Path {
	case TokenPath:
		return f.finishRefresh(r, status, header, body)
	case SignOutPath:
		return f.finishSignOut(r, status)
	}
	t, code, msg := f.readToken(status, header, body)
	if code != "" {
		return f.refuse(r, code, msg)
	}
	// The access token goes to the page, the refresh token into the
	// session cookie; the rest of the answer is dropped.
	return f.page(r, message{OK: true, AccessToken: t.AccessToken, ExpiresIn: t.lifetime(), Scope: t.Scope},
		f.sessionCookie(r, t.RefreshToken, t.refreshLifetime()))
}

// Check reads every answer of the token endpoint: its refusals are JSON
// too.
func (f *Flow) Check(*http.Request, int, http.Header) *exchange.Answer { return nil }

// Failed answers a call to the login server that got no answer at all.
// A sign-out still ends the session in this browser.
func (f *Flow) Failed(r *http.Request, err error) *exchange.Answer {
	msg := "the login server could not be reached"
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, exchange.ErrTimeout) {
		msg = fmt.Sprintf("the login server did not answer within %s", f.cfg.Timeout)
		f.cfg.Logf("sign-in: the login server did not answer within %s", f.cfg.Timeout)
	} else {
		f.cfg.Logf("sign-in: the call to the login server failed: %q", err.Error())
	}
	switch r.URL.Path {
	case TokenPath:
		return f.problem(http.StatusBadGateway, CodeUnreachable, msg, "")
	case SignOutPath:
		return f.signOutAnswer(r, false, msg+": the session ends in this browser, and at sipgate when its refresh token expires")
	}
	return f.refuse(r, CodeUnreachable, msg)
}

// oauthError words an OAuth error code and the server's description.
func oauthError(code, description string) string {
	if len(description) > 200 {
		description = description[:200] + "…"
	}
	if description == "" {
		return code
	}
	return code + " (" + description + ")"
}

// The codes a sign-in fails with, as the callback page posts them; the
// browser adds its own (a blocked popup, a closed window). web/sipgate-
// signin.js lists them all, and a test holds the lists together.
const (
	CodeDenied      = "DENIED"      // the visitor chose Deny
	CodeState       = "STATE"       // the answer is not the one this browser's sign-in waits for
	CodeRefused     = "REFUSED"     // the login server refused (a bad, replayed or misdirected code; a wrong client)
	CodeUnreachable = "UNREACHABLE" // the login server did not answer, or not with a token
	CodeSignedOut   = "SIGNED_OUT"  // no session (any more) in this browser: sign in again
)

// Codes lists the codes above, for the test that holds the browser's list
// to this one.
var Codes = []string{CodeDenied, CodeState, CodeRefused, CodeUnreachable, CodeSignedOut}

func (f *Flow) refuse(r *http.Request, code, msg string) *exchange.Answer {
	return f.page(r, message{Code: code, Message: msg})
}

// redirectURL is the callback's URL: as configured, or on the request's
// origin.
func (f *Flow) redirectURL(r *http.Request) string {
	if f.cfg.RedirectURL != "" {
		return f.cfg.RedirectURL
	}
	scheme := "https"
	if r.TLS == nil && (r.URL.Scheme == "http" || (r.URL.Scheme == "" && sipgate.IsLoopbackHost(hostname(r.Host)))) {
		scheme = "http"
	}
	return scheme + "://" + r.Host + CallbackPath
}

func hostname(hostport string) string {
	u := url.URL{Host: hostport}
	return u.Hostname()
}

// secureCookie: the cookie is Secure unless the callback is plain http
// on a loopback host, where a browser would not keep a Secure cookie.
func (f *Flow) secureCookie(r *http.Request) bool {
	u, _ := url.Parse(f.redirectURL(r))
	return u == nil || u.Scheme != "http" || !sipgate.IsLoopbackHost(u.Hostname())
}

// text is a plain answer of the flow's own.
func text(status int, msg string, header http.Header) *exchange.Answer {
	h := http.Header{"Content-Type": {"text/plain; charset=utf-8"}, "Cache-Control": {"no-store"}}
	for k, v := range header {
		h[k] = v
	}
	return &exchange.Answer{Status: status, Header: h, Body: []byte(msg)}
}

// ServeHTTP runs the flow with Go's transport (package exchange): the
// token call within the timeout, its redirects not followed.
func (f *Flow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a, out := f.Plan(r); a != nil {
		a.Write(w)
	} else {
		exchange.Serve(w, r, f, out)
	}
}
