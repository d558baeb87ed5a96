// Package fakeapi is a fake sipgate REST API for the demo and the tests.
//
// It answers GET /v2/account like the real API does for the demo
// credentials, and it can play every answer the module has to handle under
// /scenario/{name}/v2/account, so that a test or a person at the demo page
// picks a case by its baseURL alone and no state is shared between calls.
//
// It sends CORS headers like an API that allows every origin, so the module
// can also call it from a page on another origin.
package fakeapi

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sipgate-account/sipgate"
)

// The demo credentials: an account login, a personal access token (sent as
// Basic, token ID and token) and an OAuth access token (sent as Bearer).
// They are printed by `make demo` and shown in the README and the page.
const (
	DemoUser        = "demo@example.com"
	DemoPassword    = "demo-password"
	DemoTokenID     = "token-DEMO42"
	DemoToken       = "demo-token-secret"
	DemoAccessToken = "demo-access-token"
)

// DemoAccount is the account the demo credentials look up. It has every
// field of sipgate's published definition of GET /v2/account.
const DemoAccount = `{"company":"Demo Telefon GmbH","mainProductType":"TEAM","logoUrl":"","verified":true,"historyLifeTime":"THIRTY_DAYS"}`

// Scenario is one answer the fake API plays under /scenario/{Name}/v2/account.
type Scenario struct {
	Name        string
	Description string
	serve       func(w http.ResponseWriter, r *http.Request, cfg Config)
}

// scenarios is every answer the fake API can play, in the order `make
// demo` and docs/fake-api.md list them: the one table that routes them.
// status-NNN stands for any status NNN from 100 to 599.
var scenarios = []Scenario{
	{"echo", "200 with the request's Authorization, Accept, Cookie and method as JSON", echo},
	{"status-NNN", "status NNN with a small JSON body (429 adds Retry-After: 30, 405 Allow: POST)", status},
	{"spec-example", "200 with the account as the example of sipgate's published definition shows it (logoUrl is the text \"logoUrl\")", body(200, "application/json", SpecExampleAccount)},
	{"empty-account", "200 with {}: every field of the account is optional", body(200, "application/json", `{}`)},
	{"not-found", "404 with an empty body, as the API documents \"Account not found\"", body(404, "", "")},
	{"unauthorized", "401 with an empty body", body(401, "", "")},
	{"forbidden-text", "403 as text/plain, as real 403s have come back", body(403, "text/plain; charset=utf-8", "This endpoint requires a sipgate Classic PBX Account")},
	{"errors-array", "403 with an errors array, the shape other sipgate endpoints answer errors in", body(403, "application/json",
		`{"errors":[{"status":403,"title":"Forbidden","detail":"The access token lacks the scope account:read."}]}`)},
	{"latin1", "401 with a text/plain body in ISO-8859-1, not UTF-8, as an old proxy may answer", body(401, "text/plain; charset=iso-8859-1", Latin1Body)},
	{"not-json", "200 with an HTML body", body(200, "text/html; charset=utf-8", "<!doctype html><title>Welcome</title><p>This is a web page, not the API.</p>")},
	{"array", "200 with a JSON array", body(200, "application/json", `[`+DemoAccount+`]`)},
	{"bad-json", "200 with broken JSON", body(200, "application/json", `{"company":"Demo Telefon GmbH",`)},
	{"html-500", "500 with an HTML error page", body(500, "text/html; charset=utf-8", "<!doctype html><title>500</title><h1>Internal Server Error</h1>")},
	{"too-large", "200 with a 5 MiB body", tooLarge},
	{"hang", "no answer at all until the client gives up", hang},
	{"trickle", "200, then the body one byte every 100 ms", trickle},
	{"redirect", "302 to /v2/account on the same server, or on the origin configured", redirect},
	{"https-logo", "the demo account with an https logoUrl", body(200, "application/json", demoWith(`"logoUrl":""`, `"logoUrl":"https://logo.example.com/demo.png"`))},
	{"http-logo", "the demo account with a plain http logoUrl", body(200, "application/json", demoWith(`"logoUrl":""`, `"logoUrl":"http://logo.example.com/demo.png"`))},
	{"markup", "the demo account with markup as its company name", body(200, "application/json", demoWith(`"Demo Telefon GmbH"`, `"<img src=x id=injected onerror=alert(1)>"`))},
	{"no-cors", "the demo account without any CORS header", noCORS},
}

// Latin1Body is the latin1 scenario's body: "Zugriff verweigert für
// Grüße" in ISO-8859-1, then the first two bytes of the UTF-8 "€", cut
// off. A browser's UTF-8 decoder puts one U+FFFD for the cut-off sequence
// (the Encoding Standard's rule), where Go's own puts one per byte.
const Latin1Body = "Zugriff verweigert f\xfcr Gr\xfc\xdfe \xe2\x82 (401)"

// SpecExampleAccount is the account as the example of sipgate's published
// definition shows it: placeholder values, and a logoUrl that is no URL.
const SpecExampleAccount = `{"company":"company","mainProductType":"AFFILIATE","logoUrl":"logoUrl","verified":true,"historyLifeTime":"NONE"}`

// Scenarios lists the scenarios' names and descriptions.
func Scenarios() []Scenario {
	list := make([]Scenario, len(scenarios))
	for i, sc := range scenarios {
		list[i] = Scenario{Name: sc.Name, Description: sc.Description}
	}
	return list
}

// lookup finds the scenario for a name from a URL.
func lookup(name string) (Scenario, bool) {
	if strings.HasPrefix(name, "status-") {
		name = "status-NNN"
	}
	for _, sc := range scenarios {
		if sc.Name == name {
			return sc, true
		}
	}
	return Scenario{}, false
}

// Config adjusts the fake API; the zero value is the demo's.
type Config struct {
	// RedirectTo is the origin (scheme://host:port) the redirect scenario
	// sends the client to. Empty: this server's own /v2/account.
	RedirectTo string
	// NoCORS leaves out every CORS header, as an API that does not answer
	// other origins would: only a same-origin proxy can use it then.
	NoCORS bool
	// Login, when set, is the fake login server whose access tokens the
	// API accepts too (as Bearer), besides the demo credentials.
	Login *Login
}

// Handler returns the fake API. Mount it at "/v2/" and "/scenario/".
func Handler(cfg Config) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/account", func(w http.ResponseWriter, r *http.Request) { account(w, r, cfg.Login) })
	mux.HandleFunc("/scenario/{name}/v2/account", func(w http.ResponseWriter, r *http.Request) {
		scenario(w, r, cfg)
	})
	mux.HandleFunc("/", notFound)
	if cfg.NoCORS {
		return mux
	}
	return cors(mux)
}

var (
	demoLogin = []byte(sipgate.BasicAuth(DemoUser, DemoPassword))
	demoToken = []byte(sipgate.BasicAuth(DemoTokenID, DemoToken))
	demoOAuth = []byte(sipgate.BearerAuth(DemoAccessToken))
)

// authorized compares the whole header in constant time, so the time an
// answer takes says nothing about how much of a guess was right.
func authorized(r *http.Request) bool {
	got := []byte(r.Header.Get("Authorization"))
	login := subtle.ConstantTimeCompare(got, demoLogin)
	token := subtle.ConstantTimeCompare(got, demoToken)
	oauth := subtle.ConstantTimeCompare(got, demoOAuth)
	return login|token|oauth == 1
}

func account(w http.ResponseWriter, r *http.Request, login *Login) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, `{"status":405,"message":"Method Not Allowed"}`)
		return
	}
	bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !authorized(r) && !login.accepts(bearer) {
		writeJSON(w, http.StatusUnauthorized, `{"status":401,"message":"Unauthorized"}`)
		return
	}
	writeJSON(w, http.StatusOK, DemoAccount)
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, `{"status":404,"message":"Not Found"}`)
}

func scenario(w http.ResponseWriter, r *http.Request, cfg Config) {
	sc, ok := lookup(r.PathValue("name"))
	if !ok {
		notFound(w, r)
		return
	}
	sc.serve(w, r, cfg)
}

// body answers status with a fixed body of type ctype ("" for none).
func body(status int, ctype, text string) func(http.ResponseWriter, *http.Request, Config) {
	return func(w http.ResponseWriter, r *http.Request, _ Config) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		w.Write([]byte(text))
	}
}

// demoWith is the demo account with one piece of its JSON text replaced,
// byte for byte otherwise.
func demoWith(old, new string) string {
	if !strings.Contains(DemoAccount, old) {
		panic("fakeapi: the demo account has no " + old)
	}
	return strings.Replace(DemoAccount, old, new, 1)
}

func status(w http.ResponseWriter, r *http.Request, _ Config) {
	code := strings.TrimPrefix(r.PathValue("name"), "status-")
	n, err := strconv.Atoi(code)
	if err != nil || n < 100 || n > 599 {
		notFound(w, r)
		return
	}
	if n == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "30")
	}
	if n == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "POST")
	}
	writeJSON(w, n, `{"status":`+strconv.Itoa(n)+`}`)
}

func echo(w http.ResponseWriter, r *http.Request, _ Config) {
	b, _ := json.Marshal(map[string]any{
		"authorization": r.Header.Get("Authorization"),
		"accept":        r.Header.Get("Accept"),
		"cookie":        r.Header.Get("Cookie"),
		"method":        r.Method,
	})
	writeJSON(w, http.StatusOK, string(b))
}

func tooLarge(w http.ResponseWriter, r *http.Request, _ Config) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"padding":"`))
	chunk := []byte(strings.Repeat("x", 64<<10))
	for i := 0; i < 80; i++ {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	w.Write([]byte(`"}`))
}

func hang(w http.ResponseWriter, r *http.Request, _ Config) {
	select {
	case <-r.Context().Done():
	case <-time.After(2 * time.Minute):
	}
}

func trickle(w http.ResponseWriter, r *http.Request, _ Config) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	for i := 0; i < 600; i++ {
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
		http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	w.Write([]byte(DemoAccount))
}

func redirect(w http.ResponseWriter, r *http.Request, cfg Config) {
	http.Redirect(w, r, cfg.RedirectTo+"/v2/account", http.StatusFound)
}

func noCORS(w http.ResponseWriter, r *http.Request, _ Config) {
	for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Expose-Headers"} {
		w.Header().Del(k)
	}
	writeJSON(w, http.StatusOK, DemoAccount)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// cors answers preflights and marks every answer readable from any origin.
// No cookies are involved (the module omits them), so "*" is enough.
// The scenario no-cors removes the headers again.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "Retry-After")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if strings.Contains(r.URL.Path, "/no-cors/") {
				h.Del("Access-Control-Allow-Origin")
				h.Del("Access-Control-Expose-Headers")
			} else {
				h.Set("Access-Control-Allow-Methods", "GET")
				h.Set("Access-Control-Allow-Headers", "Authorization, Accept")
				h.Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
