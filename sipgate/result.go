package sipgate

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
)

// MaxBodyBytes is the most of a response body that is read and kept (1 MiB).
// The account is a few hundred bytes; anything near this is not the API.
const MaxBodyBytes = 1 << 20

// Result is what an HTTP response (any status) maps to. It mirrors the
// object the JavaScript promise resolves with, field for field.
type Result struct {
	OK         bool   `json:"ok"`         // status 2xx and the body is a JSON object
	Status     int    `json:"status"`     // HTTP status code
	StatusText string `json:"statusText"` // may be ""
	Body       string `json:"body"`       // at most MaxBodyBytes
	// Account is the body when OK: a JSON object with every field passed
	// through untouched (company, mainProductType, logoUrl, verified, ...).
	// It stays raw JSON so that each host decodes it natively (JSON.parse in
	// the browser) and no field is lost or reshaped on the way.
	Account RawJSON      `json:"account"`
	Error   *ResultError `json:"error"` // set iff !OK
}

// RawJSON is JSON text kept as it arrived. It marshals as itself, as
// encoding/json's RawMessage does; it is its own type so that the module
// does not link encoding/json for one method.
type RawJSON []byte

// MarshalJSON returns the text unchanged, or null for none.
func (m RawJSON) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	return m, nil
}

// ResultError says why a response is not the account.
type ResultError struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// NewResult maps a response to a Result. body is what was read, at most
// MaxBodyBytes; tooLarge says that there was more. In a js build a 2xx body
// counts as the account when it starts with '{'; the host must parse it and
// use BadResponseError when that fails (see isJSONObject).
func NewResult(status int, header http.Header, body []byte, tooLarge bool) *Result {
	return newResult(authBasic, status, header, body, tooLarge)
}

// authScheme is how a call authenticated, which decides how a 401 is explained.
type authScheme int

const (
	authBasic authScheme = iota
	authBearer
)

func newResult(auth authScheme, status int, header http.Header, body []byte, tooLarge bool) *Result {
	r := &Result{Status: status, StatusText: http.StatusText(status), Body: string(body)}
	trimmed := bytes.TrimSpace(body)
	switch {
	case tooLarge:
		// Checked first: a body this size is no answer of the API, whatever its status.
		r.Error = &ResultError{CodeResponseTooLarge, "the response body is larger than the 1 MiB limit (" +
			statusLine(status) + "); only the first 1 MiB is kept. This is not the sipgate API: check baseURL."}
	case status >= 200 && status <= 299:
		if isJSONObject(trimmed) {
			r.OK = true
			r.Account = RawJSON(trimmed)
			return r
		}
		r.Error = BadResponseError(status)
	default:
		r.Error = statusError(auth, status, header)
	}
	return r
}

// BadResponseError explains a 2xx response whose body is not a JSON object.
// Exported for hosts that decode the account themselves and find it unusable.
func BadResponseError(status int) *ResultError {
	return &ResultError{CodeBadResponse, statusLine(status) + " arrived, but the body is not the expected JSON object with the account. Check baseURL: it should point at the REST API (" + DefaultBaseURL + ")."}
}

// statusError explains a non-2xx status. The wording for 401, 404 and 405
// follows the Common Issues table of sipgate's own REST API example.
func statusError(auth authScheme, status int, header http.Header) *ResultError {
	line := statusLine(status)
	switch {
	case status == http.StatusUnauthorized && auth == authBearer:
		return &ResultError{CodeUnauthorized, line + ": username and/or password are wrong; here that is the access token: it is wrong, expired or revoked. Get a new token and try again."}
	case status == http.StatusUnauthorized:
		return &ResultError{CodeUnauthorized, line + ": username and/or password are wrong. Check the e-mail address or token ID and the password or token (the credentials must be sent Base64-encoded, which this module always does)."}
	case status == http.StatusForbidden:
		return &ResultError{CodeForbidden, line + ": the credentials are valid but lack permission for this endpoint. Use an account with access, or a personal access token whose scopes allow reading the account."}
	case status == http.StatusNotFound:
		return &ResultError{CodeNotFound, line + ": wrong REST API endpoint (check baseURL: it should be " + DefaultBaseURL + ")."}
	case status == http.StatusMethodNotAllowed:
		return &ResultError{CodeMethodNotAllowed, line + ": wrong request method; the account endpoint is read with GET. Check baseURL: a proxy or another service answered."}
	case status == http.StatusTooManyRequests:
		return &ResultError{CodeRateLimited, line + ": too many requests; " + retryAfterText(header.Get("Retry-After"))}
	case status >= 500 && status <= 599:
		return &ResultError{CodeServerError, line + ": the API failed to answer the request. This is not your input: try again later."}
	default:
		return &ResultError{CodeHTTPError, "the API answered with the unexpected status " + line + "."}
	}
}

func statusLine(status int) string {
	s := "HTTP " + strconv.Itoa(status)
	if t := http.StatusText(status); t != "" {
		s += " " + t
	}
	return s
}

// retryAfterText words a Retry-After value (seconds or an HTTP date). The
// header is readable in a browser only when the API exposes it
// (Access-Control-Expose-Headers); without it the advice stays general.
func retryAfterText(v string) string {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		return "try again in " + strconv.FormatUint(secs, 10) + " seconds (Retry-After: " + v + ")."
	}
	if t, err := http.ParseTime(v); err == nil {
		return "try again after " + t.UTC().Format(http.TimeFormat) + " (Retry-After)."
	}
	return "wait a while before trying again."
}
