package fakeapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The demo's OAuth client, registered at the fake login server as a client
// would be at console.sipgate.com. make demo's sign-in uses it.
const (
	DemoClientID     = "sipgate-account-demo"
	DemoClientSecret = "demo-client-secret"
)

// LoginPath is where sipgate's login server (Keycloak) has its OpenID
// Connect endpoints, auth and token, for third-party applications.
const LoginPath = "/auth/realms/third-party/protocol/openid-connect"

// Lifetimes, as a Keycloak realm sets them by default: a code's, an
// access token's and a refresh token's (the session's idle timeout: each
// refresh starts it again). Tests shorten them with SetLifetimes.
const (
	codeLifetime    = time.Minute
	accessLifetime  = 5 * time.Minute
	refreshLifetime = 30 * time.Minute
)

// Login is a fake sipgate login server: the authorization-code flow with
// PKCE, the refresh token's grant with rotation and the revocation
// endpoint (RFC 7009), in the shapes Keycloak answers in, for the demo
// account only. Its access tokens are accepted by the fake API that
// Config.Login names.
//
// A client's redirect URIs are registered as Keycloak's wildcards are:
// any http(s) URI whose path starts with /oauth/callback. So a redirect
// URI changed on its way (another query) passes the auth endpoint, and
// only the token endpoint, which wants the exact one, catches it.
type Login struct {
	mu                 sync.Mutex
	clients            map[string]string // client ID -> secret
	codes              map[string]*grant
	tokens             map[string]time.Time // access token -> expiry
	refresh            map[string]*session  // every refresh token issued -> its session
	issued             int
	refreshed, revoked int
	last               string // the last code issued
	now                func() time.Time
	offset             time.Duration // how far Advance moved the clock
	access, idle       time.Duration
}

// session is what a code's redemption starts: the refresh token that is
// valid now (each refresh rotates it, and the one before is refused, as
// Keycloak does with "Revoke Refresh Token" on), until expires, which
// each refresh moves on; ended once revoked.
type session struct {
	client, scope string
	current       string
	expires       time.Time
	ended         bool
	access        []string // the access tokens it gave, dropped when it ends
}

// grant is what a code was issued for; the token endpoint holds a
// redemption to every part of it.
type grant struct {
	client, redirect, challenge, scope string
	expires                            time.Time
	used                               bool
	tokens                             []string // issued for it, revoked if it is replayed
	session                            *session // started by it, ended if it is replayed
}

// NewLogin returns a login server that knows the demo client.
func NewLogin() *Login {
	return &Login{
		clients: map[string]string{DemoClientID: DemoClientSecret},
		codes:   map[string]*grant{},
		tokens:  map[string]time.Time{},
		refresh: map[string]*session{},
		now:     time.Now,
		access:  accessLifetime,
		idle:    refreshLifetime,
	}
}

// SetLifetimes sets the lifetime of the access tokens and of the refresh
// tokens issued from now on.
func (l *Login) SetLifetimes(access, refresh time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.access, l.idle = access, refresh
}

// Advance moves the login server's clock (and so the fake API's view of
// its tokens) on by d: tokens expire without a test waiting for them.
func (l *Login) Advance(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.offset += d
}

// clock is the login server's time; l.mu is held.
func (l *Login) clock() time.Time { return l.now().Add(l.offset) }

// Refreshed counts the access tokens issued for a refresh token, Revoked
// the sessions ended at the revocation endpoint.
func (l *Login) Refreshed() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refreshed
}

func (l *Login) Revoked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.revoked
}

// RefreshTokens lists the refresh tokens issued so far, for tests that
// look for them where they must not be.
func (l *Login) RefreshTokens() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var list []string
	for t := range l.refresh {
		list = append(list, t)
	}
	return list
}

// Issued counts the access tokens issued so far.
func (l *Login) Issued() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.issued
}

// LastCode is the last authorization code issued, for tests that replay
// or misdeliver one.
func (l *Login) LastCode() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

// AccessTokens lists the access tokens issued so far, for tests that look
// for them where they must not be.
func (l *Login) AccessTokens() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var list []string
	for t := range l.tokens {
		list = append(list, t)
	}
	return list
}

// accepts says whether an access token was issued here and is still valid.
func (l *Login) accepts(token string) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	exp, ok := l.tokens[token]
	return ok && l.clock().Before(exp)
}

// Handler serves the auth, token and revocation endpoints under LoginPath.
func (l *Login) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+LoginPath+"/auth", l.consent)
	mux.HandleFunc("POST "+LoginPath+"/auth", l.decide)
	mux.HandleFunc("POST "+LoginPath+"/token", l.authenticated(l.token))
	mux.HandleFunc("POST "+LoginPath+"/revoke", l.authenticated(l.revoke))
	return mux
}

// authRequest is the auth endpoint's query (or the consent form's fields).
type authRequest struct {
	ResponseType, ClientID, RedirectURI, Scope, State, Challenge, Method string
}

func readAuthRequest(v url.Values) authRequest {
	return authRequest{
		ResponseType: v.Get("response_type"), ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"),
		Scope: v.Get("scope"), State: v.Get("state"), Challenge: v.Get("code_challenge"), Method: v.Get("code_challenge_method"),
	}
}

// check validates an auth request. A bad client or redirect URI is shown
// to the person (never redirected to: the URI cannot be trusted); anything
// else goes back to the client as an error.
func (l *Login) check(a authRequest) (shown, redirected string) {
	l.mu.Lock()
	_, known := l.clients[a.ClientID]
	l.mu.Unlock()
	u, err := url.Parse(a.RedirectURI)
	switch {
	case !known:
		return "Client not found.", ""
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasPrefix(u.Path, "/oauth/callback"):
		return "Invalid parameter: redirect_uri", ""
	case a.ResponseType != "code":
		return "", "unsupported_response_type"
	case a.Method != "S256" || a.Challenge == "":
		return "", "invalid_request"
	}
	return "", ""
}

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to sipgate (fake login server)</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto; padding: 0 1rem">
<h1>sipgate <small>(fake login server)</small></h1>
<p>Signed in as <strong>{{.User}}</strong> (Demo Telefon GmbH).</p>
<p><strong>{{.Client}}</strong> asks for <code>{{.Scope}}</code>: to read your account.</p>
<form method="post">
{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<button name="decision" value="allow" id="allow">Allow</button>
<button name="decision" value="deny" id="deny">Deny</button>
</form></body></html>
`))

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sipgate login: error</title></head>
<body><h1>We are sorry…</h1><p id="login-error">{{.}}</p></body></html>
`))

// loginHeaders are a login page's: its own policy (the consent form posts
// to this server, which redirects to the client's callback), kept from
// any cache and any frame.
func loginHeaders(w http.ResponseWriter, redirect string) {
	h := w.Header()
	formAction := "'self'"
	if u, err := url.Parse(redirect); err == nil && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Type", "text/html; charset=utf-8")
}

// consent shows the demo account's consent page for a valid auth request.
func (l *Login) consent(w http.ResponseWriter, r *http.Request) {
	a := readAuthRequest(r.URL.Query())
	if l.refused(w, r, a) {
		return
	}
	loginHeaders(w, a.RedirectURI)
	consentPage.Execute(w, map[string]any{
		"User": DemoUser, "Client": a.ClientID, "Scope": a.Scope,
		"Fields": map[string]string{
			"response_type": a.ResponseType, "client_id": a.ClientID, "redirect_uri": a.RedirectURI,
			"scope": a.Scope, "state": a.State, "code_challenge": a.Challenge, "code_challenge_method": a.Method,
		},
	})
}

// refused answers an auth request that check refuses, and says whether it did.
func (l *Login) refused(w http.ResponseWriter, r *http.Request, a authRequest) bool {
	shown, redirected := l.check(a)
	switch {
	case shown != "":
		loginHeaders(w, "")
		w.WriteHeader(http.StatusBadRequest)
		errorPage.Execute(w, shown)
		return true
	case redirected != "":
		back(w, r, a, url.Values{"error": {redirected}, "error_description": {"The request is missing or has a bad parameter."}})
		return true
	}
	return false
}

// decide takes the consent form: a code on Allow, access_denied on Deny.
func (l *Login) decide(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	a := readAuthRequest(r.PostForm)
	if l.refused(w, r, a) {
		return
	}
	if r.PostForm.Get("decision") != "allow" {
		back(w, r, a, url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request."}})
		return
	}
	code := random()
	l.mu.Lock()
	l.codes[code] = &grant{client: a.ClientID, redirect: a.RedirectURI, challenge: a.Challenge, scope: a.Scope, expires: l.clock().Add(codeLifetime)}
	l.last = code
	l.mu.Unlock()
	back(w, r, a, url.Values{"code": {code}})
}

// back redirects to the client's callback with params and the state.
func back(w http.ResponseWriter, r *http.Request, a authRequest, params url.Values) {
	u, _ := url.Parse(a.RedirectURI)
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if a.State != "" {
		q.Set("state", a.State)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func random() string { return rand.Text() }

// Decide sends what a person's click on Allow (or Deny) on the consent
// page at auth (the auth endpoint's URL, as the client redirected to it)
// sends, and returns where the login server redirects: the client's
// callback with a code or an error. Tests use it to hold a code back.
func Decide(auth *url.URL, allow bool) (*url.URL, error) {
	form := auth.Query()
	form.Set("decision", "deny")
	if allow {
		form.Set("decision", "allow")
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(auth.Scheme+"://"+auth.Host+auth.Path, form)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, errors.New("the consent page answered " + resp.Status + ", not a redirect")
	}
	return url.Parse(resp.Header.Get("Location"))
}

// SignIn runs a client's sign-in from startURL (its /oauth/start) to its
// callback as a browser would, in c, which keeps cookies and stops at
// redirects: Allow on the consent page. It returns the callback's answer,
// its body read. Tests sign in with it without a browser.
func SignIn(c *http.Client, startURL string) (*http.Response, []byte, error) {
	resp, err := c.Get(startURL)
	if err != nil {
		return nil, nil, err
	}
	resp.Body.Close()
	auth, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		return nil, nil, fmt.Errorf("the start answered %d %q, not a redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
	back, err := Decide(auth, true)
	if err != nil {
		return nil, nil, err
	}
	if resp, err = c.Get(back.String()); err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}
