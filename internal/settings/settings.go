// Package settings is the one table of the proxy's and the sign-in's
// settings, which both hosts read: cmd/serve as flags (and the client's
// credentials from the environment), the edge Worker as its variables and
// secrets. Each setting's names, default and check are written here once;
// a value that does not parse is an error that names the setting as its
// host spells it, never a silent default.
package settings

import (
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/clientaddr"
	"sipgate-account/internal/ratelimit"
	"sipgate-account/internal/signin"
)

// Values are the settings read.
type Values struct {
	Upstream       string
	Limit          int
	Timeout        time.Duration
	MaxClients     int
	ClientIPHeader string
	// Sign-in: on when ClientID is set.
	ClientID, ClientSecret          string
	LoginServer, Scope, RedirectURL string
	SessionKey                      string
}

// A Setting is one row of the table.
type Setting struct {
	// Flag is cmd/serve's flag; Var the Worker's variable (wrangler.toml's
	// [vars], or a secret). FromEnv: cmd/serve reads Var from its
	// environment instead of a flag (a flag shows in ps).
	Flag, Var string
	FromEnv   bool
	// Secret: its value is never shown, not even in an error.
	Secret bool
	// Default is the value when none is given, as it would be written.
	Default string
	// Usage says what it does, for -h and the docs.
	Usage string
	// set checks a value and keeps it.
	set func(v *Values, s string) error
}

// The edge Worker's Rate Limiting binding (wrangler.toml's [[ratelimits]]):
// its name, and the period its limit counts over, which is the wait a
// refused request is told (Retry-After). Bound, it counts /v2/ and
// /oauth/ for every isolate at once; its simple.limit is PROXY_LIMIT (a
// test holds wrangler.toml to both).
const (
	RateLimitBinding = "RATE_LIMITER"
	RateLimitPeriod  = time.Minute
)

// Table is every setting, in the order -h shows them.
var Table = []Setting{
	{Flag: "upstream", Var: "UPSTREAM", Default: apiproxy.DefaultUpstream,
		Usage: "with -proxy: the API's origin",
		set:   func(v *Values, s string) error { v.Upstream = s; return nil }},
	{Flag: "proxy-limit", Var: "PROXY_LIMIT", Default: strconv.Itoa(apiproxy.DefaultLimit),
		Usage: "with -proxy: requests a minute per client address to /v2/account, and again to /oauth/",
		set:   positive(func(v *Values) *int { return &v.Limit })},
	{Flag: "proxy-timeout", Var: "PROXY_TIMEOUT", Default: apiproxy.DefaultTimeout.String(),
		Usage: "with -proxy: bound of an upstream call (and of sign-in's token call)",
		set: func(v *Values, s string) error {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return errors.New("is not a duration > 0 such as 10s")
			}
			v.Timeout = d
			return nil
		}},
	{Flag: "proxy-max-clients", Var: "PROXY_MAX_CLIENTS", Default: strconv.Itoa(ratelimit.MaxClients),
		Usage: "with -proxy: client addresses the rate limit tracks at once (each isolate, on the edge)",
		set:   positive(func(v *Values) *int { return &v.MaxClients })},
	{Flag: "client-ip-header", Var: "TRUST_CLIENT_IP_HEADER",
		Usage: "with -proxy: a header that a front in front of this server sets to the visitor's address, overwriting what a client sends (CF-Connecting-IP, X-Real-IP), trusted for the rate limit; empty: the connection's address",
		set: func(v *Values, s string) error {
			if s != "" && (strings.ContainsAny(s, " \t:,;") || textproto.CanonicalMIMEHeaderKey(s) == "") {
				return errors.New("is not a header name such as CF-Connecting-IP")
			}
			v.ClientIPHeader = s
			return nil
		}},
	{Var: "SIPGATE_CLIENT_ID", FromEnv: true,
		Usage: "with -proxy: the client ID from console.sipgate.com; turns on \"Sign in with sipgate\"",
		set:   func(v *Values, s string) error { v.ClientID = s; return nil }},
	{Var: "SIPGATE_CLIENT_SECRET", FromEnv: true, Secret: true,
		Usage: "with SIPGATE_CLIENT_ID: the client's secret (on the edge a secret, never in wrangler.toml)",
		set:   func(v *Values, s string) error { v.ClientSecret = s; return nil }},
	{Var: "SIPGATE_SESSION_KEY", FromEnv: true, Secret: true,
		Usage: "with SIPGATE_CLIENT_ID: the key of the visitors' session cookies, at least 32 characters (openssl rand -base64 32; on the edge a secret); default: derived from the client secret. A new key ends every session",
		set: func(v *Values, s string) error {
			if s != "" && len(s) < signin.MinSessionKey {
				return fmt.Errorf("has %d characters: it needs at least %d", len(s), signin.MinSessionKey)
			}
			v.SessionKey = s
			return nil
		}},
	{Flag: "login-server", Var: "LOGIN_SERVER", Default: signin.DefaultLoginServer,
		Usage: "with SIPGATE_CLIENT_ID: the login server's origin",
		set:   func(v *Values, s string) error { v.LoginServer = s; return nil }},
	{Flag: "scope", Var: "SIGNIN_SCOPE", Default: signin.DefaultScope,
		Usage: "with SIPGATE_CLIENT_ID: the scope sign-in asks for",
		set:   func(v *Values, s string) error { v.Scope = s; return nil }},
	{Flag: "redirect-url", Var: "REDIRECT_URL",
		Usage: "with SIPGATE_CLIENT_ID: the redirect URI registered for the client (default: this origin's /oauth/callback, as each request names it)",
		set:   func(v *Values, s string) error { v.RedirectURL = s; return nil }},
}

func positive(field func(*Values) *int) func(*Values, string) error {
	return func(v *Values, s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return errors.New("is not a whole number > 0")
		}
		*field(v) = n
		return nil
	}
}

// Read reads every setting: lookup gives a setting's value and whether
// one was given (an empty one counts as not given); name is how the host
// spells the setting in its message. A value that does not parse is an
// error naming the setting. Read does not say whether the settings fit
// together (a secret without an ID): see Check.
func Read(lookup func(Setting) (string, bool), name func(Setting) string) (Values, error) {
	var v Values
	var errs []error
	for _, s := range Table {
		raw, ok := lookup(s)
		if !ok || raw == "" {
			raw = s.Default
		}
		if err := s.set(&v, raw); err != nil {
			// Not echoed for a secret; others are shown quoted.
			shown := strconv.Quote(raw)
			if s.Secret {
				shown = "its value"
			}
			errs = append(errs, fmt.Errorf("%s: %s %v", name(s), shown, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Values{}, err
	}
	return v, nil
}

// SignIn says whether the values turn on "Sign in with sipgate", and
// refuses half a client.
func (v Values) SignIn() (bool, error) {
	if (v.ClientID == "") != (v.ClientSecret == "") {
		return false, errors.New("sign-in needs both SIPGATE_CLIENT_ID and SIPGATE_CLIENT_SECRET (or neither, for no sign-in)")
	}
	return v.ClientID != "", nil
}

// Unused lists the settings given that only matter with another one: the
// sign-in's without a client ID. A host says so at start, since they have
// no effect.
func (v Values) Unused(given func(Setting) bool) []Setting {
	var unused []Setting
	if v.ClientID != "" {
		return nil
	}
	for _, s := range Table {
		if strings.HasPrefix(s.Usage, "with SIPGATE_CLIENT_ID") && given(s) {
			unused = append(unused, s)
		}
	}
	return unused
}

// Proxy is the proxy's configuration from the values; logf gets its log
// lines.
func (v Values) Proxy(logf func(string, ...any)) apiproxy.Config {
	return apiproxy.Config{Upstream: v.Upstream, Limit: v.Limit, Timeout: v.Timeout, MaxClients: v.MaxClients,
		ClientIP: clientaddr.Of(v.ClientIPHeader), Logf: logf}
}

// SignInConfig is the sign-in's configuration from the values: the same limit
// per client as the proxy's (counted apart), and its timeout.
func (v Values) SignInConfig(logf func(string, ...any)) signin.Config {
	return signin.Config{ClientID: v.ClientID, ClientSecret: v.ClientSecret, LoginServer: v.LoginServer,
		Scope: v.Scope, RedirectURL: v.RedirectURL, SessionKey: v.SessionKey, Timeout: v.Timeout, Limit: v.Limit,
		Buckets: ratelimit.NewMemoryBuckets(v.MaxClients), ClientIP: clientaddr.Of(v.ClientIPHeader), Logf: logf}
}

// Names are the settings' variable names, as the Worker reads them.
func Names() []string {
	names := make([]string, len(Table))
	for i, st := range Table {
		names[i] = st.Var
	}
	return names
}
