// Package signin is "Sign in with sipgate" for the page's origin: the OAuth
// 2.0 authorization-code flow with PKCE that sipgate recommends for
// applications acting for their visitors, so that a page never sees a
// password. The client secret stays on the server (cmd/serve -proxy or the
// edge Worker); the page gets an access token, in memory, from a popup.
//
//	GET /oauth/start     makes state and a PKCE verifier, keeps both in a
//	                     short-lived cookie scoped to the callback, and
//	                     redirects to the login server's auth endpoint.
//	GET /oauth/callback  checks state, clears the cookie, redeems the code
//	                     at the token endpoint with the secret, the verifier
//	                     and the exact redirect URI, and answers a small
//	                     page that posts the access token (never the refresh
//	                     token) to the window that opened it, on this
//	                     origin only, which closes it.
//
// Like package apiproxy it is cut along decisions and I/O: Plan, Finish and
// Failed decide; ServeHTTP does the one outgoing call with Go's transport,
// the edge Worker with the runtime's fetch. golang.org/x/oauth2 makes the
// verifier, the challenge and the auth URL; its Exchange would make the
// token call itself, which the Worker cannot let Go do, so the call is
// built here as Exchange builds it (a form, the client's credentials as
// HTTP Basic, URL-encoded as RFC 6749 section 2.3.1 asks) and its answer
// read here.
package signin

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"sipgate-account/internal/apiproxy"
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

// A sign-in must come back within cookieLifetime of its start.
const cookieLifetime = 10 * time.Minute

// cookieName holds state and verifier between start and callback.
const cookieName = "sipgate_signin"

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
	// Logf, if set, gets one line per failed sign-in. It never gets a
	// secret, a code or a token.
	Logf func(format string, args ...any)
}

// Flow is the handler New returns.
type Flow struct {
	cfg   Config
	oauth oauth2.Config
}

// New checks cfg and returns the flow.
func New(cfg Config) (*Flow, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("sign-in needs the client ID and the client secret from console.sipgate.com")
	}
	if cfg.LoginServer == "" {
		cfg.LoginServer = DefaultLoginServer
	}
	u, err := url.Parse(cfg.LoginServer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("the login server is an origin such as %s, without a path", DefaultLoginServer)
	}
	if u.Scheme == "http" && !sipgate.IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("the login server %s uses http: the client secret would cross the network in clear text; use https (http only for a loopback host)", u.Host)
	}
	if cfg.RedirectURL != "" {
		r, err := url.Parse(cfg.RedirectURL)
		if err != nil || (r.Scheme != "https" && r.Scheme != "http") || r.Host == "" || r.Path != CallbackPath || r.RawQuery != "" {
			return nil, fmt.Errorf("the redirect URL is this origin's %s, such as https://your.example%s", CallbackPath, CallbackPath)
		}
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
	origin := u.Scheme + "://" + u.Host
	return &Flow{cfg: cfg, oauth: oauth2.Config{
		ClientID: cfg.ClientID,
		Endpoint: oauth2.Endpoint{AuthURL: origin + RealmPath + "/auth", TokenURL: origin + RealmPath + "/token"},
		Scopes:   strings.Fields(cfg.Scope),
	}}, nil
}

// Plan decides what to do with a request under /oauth/: answer it here
// (start, a refused callback, a path or method that is not the flow's), or
// send Outgoing, the token call, and then hand its answer to Finish.
func (f *Flow) Plan(r *http.Request) (*apiproxy.Answer, *apiproxy.Outgoing) {
	path := r.URL.EscapedPath()
	switch {
	case path != StartPath && path != CallbackPath:
		return text(http.StatusNotFound, "sign-in answers "+StartPath+" and "+CallbackPath+" only", nil), nil
	case r.Method != http.MethodGet:
		return text(http.StatusMethodNotAllowed, path+" takes GET only", http.Header{"Allow": {http.MethodGet}}), nil
	case path == StartPath:
		return f.start(r), nil
	}
	return f.callback(r)
}

// start redirects to the auth endpoint, with state and the verifier's
// challenge; the cookie keeps both for the callback.
func (f *Flow) start(r *http.Request) *apiproxy.Answer {
	state, verifier := rand.Text(), oauth2.GenerateVerifier()
	o := f.oauth
	o.RedirectURL = f.redirectURL(r)
	h := http.Header{"Location": {o.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))}, "Cache-Control": {"no-store"}}
	h.Add("Set-Cookie", f.cookie(r, state+"."+verifier, cookieLifetime))
	return &apiproxy.Answer{Status: http.StatusFound, Header: h}
}

// callback checks the login server's answer against the cookie; a refusal
// is the page's answer at once, an accepted code the token call to make.
func (f *Flow) callback(r *http.Request) (*apiproxy.Answer, *apiproxy.Outgoing) {
	q := r.URL.Query()
	c, err := r.Cookie(cookieName)
	var state, verifier string
	if err == nil {
		state, verifier, _ = strings.Cut(c.Value, ".")
	}
	switch got := q.Get("state"); {
	case state == "" || verifier == "":
		return f.refuse(r, CodeState, "no sign-in was started in this browser, or it took longer than 10 minutes: start it again"), nil
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
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {q.Get("code")},
		"redirect_uri":  {f.redirectURL(r)},
		"code_verifier": {verifier},
	}
	h := http.Header{
		"Content-Type":    {"application/x-www-form-urlencoded"},
		"Accept":          {"application/json"},
		"Accept-Encoding": {"identity"},
	}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(f.cfg.ClientID)+":"+url.QueryEscape(f.cfg.ClientSecret))))
	return nil, &apiproxy.Outgoing{Method: http.MethodPost, URL: f.oauth.Endpoint.TokenURL, Header: h,
		Body: []byte(form.Encode()), Timeout: f.cfg.Timeout, MaxBytes: maxTokenAnswer}
}

// Finish reads the token endpoint's answer (its body read up to
// Outgoing.MaxBytes+1 bytes) into the page: the access token, its lifetime
// and scope; or the login server's refusal. The refresh token never
// leaves the server, which keeps nothing: the page signs in again when
// the access token expires.
func (f *Flow) Finish(r *http.Request, status int, header http.Header, body []byte) *apiproxy.Answer {
	if len(body) > maxTokenAnswer {
		f.cfg.Logf("sign-in: the token endpoint's answer is over 64 KiB")
		return f.refuse(r, CodeUnreachable, "the login server's answer is too large to be a token")
	}
	// Only what the page gets is read: the refresh token (and anything
	// else) is left in the answer, which is dropped.
	var t struct {
		AccessToken      string      `json:"access_token"`
		TokenType        string      `json:"token_type"`
		ExpiresIn        json.Number `json:"expires_in"`
		Scope            string      `json:"scope"`
		Error            string      `json:"error"`
		ErrorDescription string      `json:"error_description"`
	}
	ctype, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	jsonErr := json.Unmarshal(body, &t)
	switch {
	case status >= 400 && t.Error != "":
		f.cfg.Logf("sign-in: the token endpoint refused: %s", t.Error)
		return f.refuse(r, CodeRefused, "the login server refused the sign-in: "+oauthError(t.Error, t.ErrorDescription))
	case status != http.StatusOK || ctype != "application/json" || jsonErr != nil:
		f.cfg.Logf("sign-in: the token endpoint answered %d %s", status, ctype)
		return f.refuse(r, CodeUnreachable, fmt.Sprintf("the login server answered %d, not a token", status))
	case t.AccessToken == "" || !strings.EqualFold(t.TokenType, "Bearer"):
		return f.refuse(r, CodeUnreachable, "the login server's answer holds no bearer token")
	}
	expires, err := t.ExpiresIn.Int64()
	if err != nil || expires <= 0 {
		expires = 0 // unknown: the page treats the token as valid until the API says otherwise
	}
	return f.page(r, message{OK: true, AccessToken: t.AccessToken, ExpiresIn: expires, Scope: t.Scope})
}

// Failed answers a token call that got no answer at all.
func (f *Flow) Failed(r *http.Request, err error) *apiproxy.Answer {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, apiproxy.ErrTimeout) {
		f.cfg.Logf("sign-in: the login server did not answer within %s", f.cfg.Timeout)
		return f.refuse(r, CodeUnreachable, fmt.Sprintf("the login server did not answer within %s", f.cfg.Timeout))
	}
	f.cfg.Logf("sign-in: the token call failed: %v", err)
	return f.refuse(r, CodeUnreachable, "the login server could not be reached")
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
)

// Codes lists the codes above, for the test that holds the browser's list
// to this one.
var Codes = []string{CodeDenied, CodeState, CodeRefused, CodeUnreachable}

func (f *Flow) refuse(r *http.Request, code, msg string) *apiproxy.Answer {
	return f.page(r, message{Code: code, Message: msg})
}

// message is what the callback page posts to the window that opened it.
type message struct {
	Type        string `json:"type"`
	OK          bool   `json:"ok"`
	AccessToken string `json:"accessToken,omitempty"`
	ExpiresIn   int64  `json:"expiresIn,omitempty"`
	Scope       string `json:"scope,omitempty"`
	Code        string `json:"code,omitempty"`
	Message     string `json:"message,omitempty"`
}

// MessageType marks the callback page's message, so that a page tells it
// from any other.
const MessageType = "sipgate-signin"

// pageScript is the callback page's one script, allowed by its hash: it
// takes the code out of the address bar and posts the outcome to the
// opener, on this origin only (an opener on another origin gets nothing).
// The opener closes the window once the message is there, so that a
// window closed before its message arrived always means the visitor
// closed it; should no page take the message, the window closes itself
// after a while. Opened without a popup, it says what happened instead.
const pageScript = `history.replaceState(null, "", location.pathname);
const m = JSON.parse(document.getElementById("outcome").textContent);
const status = document.getElementById("status");
if (window.opener) {
  window.opener.postMessage(m, location.origin);
  status.textContent = "Signing in… this window closes by itself.";
  setTimeout(() => window.close(), 10000);
} else {
  status.textContent = m.ok ? "You are signed in. You can close this window." : "Sign-in failed: " + m.message;
}
`

// PageCSP is the callback page's policy: its one script, nothing else.
var PageCSP = func() string {
	sum := sha256.Sum256([]byte(pageScript))
	return "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// page is the callback's answer. Its data sits in a JSON block, which no
// browser runs (json.Marshal escapes <, > and &, so no text in it ends the
// block); the cookie is cleared whatever the outcome.
func (f *Flow) page(r *http.Request, m message) *apiproxy.Answer {
	m.Type = MessageType
	data, _ := json.Marshal(m)
	var b bytes.Buffer
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in with sipgate</title></head><body>`)
	b.WriteString(`<p id="status">Signing in…</p><script type="application/json" id="outcome">`)
	b.Write(data)
	b.WriteString(`</script><script>` + pageScript + `</script></body></html>`)
	h := http.Header{
		"Content-Type":            {"text/html; charset=utf-8"},
		"Content-Security-Policy": {PageCSP},
		"Cache-Control":           {"no-store"},
		"Referrer-Policy":         {"no-referrer"},
		"Content-Length":          {strconv.Itoa(b.Len())},
	}
	h.Add("Set-Cookie", f.cookie(r, "", 0))
	return &apiproxy.Answer{Status: http.StatusOK, Header: h, Body: b.Bytes()}
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

// cookie is the flow's cookie, for the callback path only: HttpOnly,
// SameSite=Lax (sent on the login server's redirect back, a top-level
// navigation, and on nothing a page on another site starts), Secure unless
// the callback is plain http on a loopback host, where a browser would not
// keep a Secure cookie.
func (f *Flow) cookie(r *http.Request, value string, maxAge time.Duration) string {
	c := &http.Cookie{Name: cookieName, Value: value, Path: CallbackPath, MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if maxAge == 0 {
		c.MaxAge = -1
	}
	u, _ := url.Parse(f.redirectURL(r))
	c.Secure = u == nil || u.Scheme != "http" || !sipgate.IsLoopbackHost(u.Hostname())
	return c.String()
}

// text is a plain answer of the flow's own.
func text(status int, msg string, header http.Header) *apiproxy.Answer {
	h := http.Header{"Content-Type": {"text/plain; charset=utf-8"}, "Cache-Control": {"no-store"}}
	for k, v := range header {
		h[k] = v
	}
	return &apiproxy.Answer{Status: status, Header: h, Body: []byte(msg)}
}

// ServeHTTP runs the flow with Go's transport: the token call within the
// timeout, its redirects not followed.
func (f *Flow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, out := f.Plan(r)
	if a == nil {
		a = f.exchange(r, out)
	}
	a.Write(w)
}

func (f *Flow) exchange(r *http.Request, out *apiproxy.Outgoing) *apiproxy.Answer {
	ctx, cancel := context.WithTimeout(r.Context(), out.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, out.Method, out.URL, bytes.NewReader(out.Body))
	if err != nil {
		return f.Failed(r, err)
	}
	req.Header = out.Header
	req.Header["User-Agent"] = []string{""}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return f.Failed(r, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(out.MaxBytes)+1))
	if err != nil {
		return f.Failed(r, err)
	}
	return f.Finish(r, resp.StatusCode, resp.Header, body)
}
