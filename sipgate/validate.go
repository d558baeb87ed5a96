package sipgate

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultBaseURL is the sipgate REST API that calls go to unless told otherwise.
const DefaultBaseURL = "https://api.sipgate.com/v2"

// MaxCredentialBytes bounds user and password (UTF-8 bytes). The API has no
// use for longer values, and the bound keeps a careless caller from building
// a header that proxies would reject anyway.
const MaxCredentialBytes = 4096

// ValidateCredentials applies the input rules of the contract to a Basic
// user and password. It is called before anything is sent.
func ValidateCredentials(user, pass string) error {
	if err := validateCredential(FieldUser, user); err != nil {
		return err
	}
	if strings.Contains(user, ":") {
		// RFC 7617: the user-id ends at the first colon, so the server would
		// read a different user and a different password.
		return invalid(FieldUser, `must not contain ":" (RFC 7617 splits user and password at the first colon; a password may contain it)`)
	}
	return validateCredential(FieldPass, pass)
}

func validateCredential(field Field, v string) error {
	switch {
	case v == "":
		return invalid(field, "must be a non-empty string")
	case len(v) > MaxCredentialBytes:
		return invalid(field, fmt.Sprintf("is longer than %d bytes in UTF-8", MaxCredentialBytes))
	case !utf8.ValidString(v):
		return invalid(field, "is not valid Unicode text")
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return invalid(field, fmt.Sprintf("contains a control character (U+%04X) at byte %d; only printable characters are allowed", c, i))
		}
	}
	return nil
}

// ValidateToken applies the input rules to an OAuth access token: a
// non-empty string of at most MaxCredentialBytes, printable ASCII with no
// whitespace. Access tokens are ASCII (RFC 6750's b64token is narrower
// still); a header cannot carry other text reliably, and a browser refuses
// it outright, which would show as a network failure instead of bad input.
func ValidateToken(token string) error {
	switch {
	case token == "":
		return invalid(FieldToken, "must be a non-empty string")
	case len(token) > MaxCredentialBytes:
		return invalid(FieldToken, fmt.Sprintf("is longer than %d bytes", MaxCredentialBytes))
	}
	for i := 0; i < len(token); i++ {
		switch c := token[i]; {
		case c == ' ' || c == '\t':
			return invalid(FieldToken, fmt.Sprintf("contains whitespace at byte %d; paste the token alone, without \"Bearer \" or spaces", i))
		case c < 0x20 || c == 0x7f:
			return invalid(FieldToken, fmt.Sprintf("contains a control character (U+%04X) at byte %d", c, i))
		case c >= 0x80:
			return invalid(FieldToken, fmt.Sprintf("contains a non-ASCII character at byte %d; access tokens are ASCII", i))
		}
	}
	return nil
}

// BearerAuth returns the value of the Authorization header for an access
// token (RFC 6750). It does not validate; call ValidateToken first.
func BearerAuth(token string) string { return "Bearer " + token }

// BasicAuth returns the value of the Authorization header for user and pass:
// "Basic " and the Base64 of the UTF-8 bytes of user + ":" + pass (RFC 7617).
// It does not validate; call ValidateCredentials first.
func BasicAuth(user, pass string) string {
	raw := make([]byte, 0, len(user)+1+len(pass))
	raw = append(raw, user...)
	raw = append(raw, ':')
	raw = append(raw, pass...)
	return "Basic " + base64.StdEncoding.EncodeToString(raw)
}

// ResolveBaseURL checks an API base URL against the contract's rule and
// returns it without its trailing slash. An empty string means the default.
//
// A path that starts with a single "/" (like /v2, where a same-origin proxy
// answers) is resolved against origin, the page's; where there is no page
// (origin "", a command in a terminal), only an absolute URL will do. Other relative forms are
// refused. Then the rules for an absolute URL apply: https, or http to a
// loopback host (a local fake API or proxy), since anything else would send
// the credentials in clear text over a network. User info, a query or a
// fragment are refused, since the credentials belong in the header and the
// path is built here.
func ResolveBaseURL(raw, origin string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	if strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") {
		if origin == "" {
			return nil, invalid(FieldBaseURL, "is a path, and there is no origin here to resolve it against: give an absolute URL such as "+DefaultBaseURL)
		}
		o, err := url.Parse(origin)
		if err != nil || o.Scheme == "" || o.Host == "" || (o.Path != "" && o.Path != "/") || o.User != nil || o.RawQuery != "" {
			return nil, invalid(FieldBaseURL, "is a path, and the origin "+strconv.Quote(origin)+" cannot take one: give an absolute URL")
		}
		raw = o.Scheme + "://" + o.Host + raw
	}
	u, problem := CheckURL(raw, false)
	switch problem {
	case URLNotAbsolute:
		return nil, invalid(FieldBaseURL, "must be an absolute URL such as "+DefaultBaseURL+", or a path on this origin such as /v2")
	case URLPlainHTTP:
		return nil, invalid(FieldBaseURL, "must use https; http is allowed only for loopback hosts (localhost, 127.0.0.0/8, [::1])")
	case URLScheme:
		return nil, invalid(FieldBaseURL, "must use https (or http for a loopback host), not "+strconv.Quote(u.Scheme))
	case URLUserInfo:
		return nil, invalid(FieldBaseURL, "must not contain user info: credentials never go into a URL")
	case URLQuery:
		return nil, invalid(FieldBaseURL, "must not contain a query or a fragment")
	}
	// One trailing slash is tolerated, not more: "/v2//account" is another path.
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	if strings.HasSuffix(u.Path, "/") {
		return nil, invalid(FieldBaseURL, "must not end with more than one slash")
	}
	return u, nil
}

// URLProblem is what CheckURL found wrong with a URL.
type URLProblem int

const (
	URLOK          URLProblem = iota
	URLNotAbsolute            // not an absolute URL with a host
	URLScheme                 // neither https nor http
	URLPlainHTTP              // http to a host other than loopback
	URLUserInfo               // user info (user:password@)
	URLQuery                  // a query or a fragment
	URLPath                   // a path, where an origin is asked for
)

// CheckURL is the rule every URL that the project sends something to
// follows (the API's base URL, the proxy's upstream, the login server):
// https, or http to a loopback host only, since credentials or a secret
// go there; no user info; no query or fragment; and, for an origin, no
// path either (one "/" is no path). It returns the URL as parsed (nil when
// it does not parse) and the first problem found; each caller words it.
func CheckURL(raw string, origin bool) (*url.URL, URLProblem) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, URLNotAbsolute
	case !u.IsAbs() || u.Opaque != "" || u.Host == "":
		return u, URLNotAbsolute
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		return u, URLPlainHTTP
	case u.Scheme != "https" && u.Scheme != "http":
		return u, URLScheme
	case u.User != nil:
		return u, URLUserInfo
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return u, URLQuery
	case origin && u.Path != "" && u.Path != "/":
		return u, URLPath
	}
	return u, URLOK
}

// IsLoopbackHost reports whether host (without port) names this machine:
// localhost, 127.0.0.0/8 or ::1.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
