package sipgate

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxBodyBytes is the most of a response body that is read and kept (1 MiB).
// The account is a few hundred bytes; anything near this is not the API.
const MaxBodyBytes = 1 << 20

// Result is what an HTTP response (any status) maps to. It mirrors the
// object the JavaScript promise resolves with, field for field, but for
// the error's message, which each host words from Problem.
type Result struct {
	OK         bool   // status 2xx and the body is a JSON object
	Status     int    // HTTP status code
	StatusText string // may be ""
	Body       string // at most MaxBodyBytes
	// Account is the body when OK: a JSON object with every field passed
	// through untouched (company, mainProductType, logoUrl, verified,
	// historyLifeTime, ...). It stays raw JSON so that each host decodes it
	// natively (JSON.parse in the browser) and no field is lost or reshaped
	// on the way.
	Account []byte
	// Problem says why a response is not the account; set iff !OK.
	Problem *Problem
}

// response is what newResult needs to know of a call and its response.
type response struct {
	status   int
	header   http.Header
	body     []byte // what was read, at most MaxBodyBytes
	tooLarge bool   // there was more
	bearer   bool   // the call sent an access token
	nonASCII bool   // the Basic credentials hold characters beyond ASCII
}

func newResult(resp response) *Result {
	r := &Result{Status: resp.status, StatusText: http.StatusText(resp.status), Body: string(resp.body)}
	p := &Problem{Status: resp.status}
	switch {
	case resp.tooLarge:
		// Checked first: a body this size is no answer of the API, whatever its status.
		p.Code = CodeResponseTooLarge
	case resp.status >= 200 && resp.status <= 299:
		if isJSONObject(resp.body) {
			r.OK = true
			r.Account = bytes.Trim(resp.body, " \t\r\n")
			return r
		}
		p.Code = CodeBadResponse
	default:
		p.Code = statusCode(resp.status)
		if p.Code == CodeRateLimited {
			p.RateLimit = rateLimit(resp.header.Get("Retry-After"), time.Now())
		}
		p.Bearer = resp.bearer
		p.NonASCII = resp.nonASCII
	}
	r.Problem = p
	return r
}

// statusCode is the code of a non-2xx status.
func statusCode(status int) Code {
	switch {
	case status == http.StatusUnauthorized:
		return CodeUnauthorized
	case status == http.StatusForbidden:
		return CodeForbidden
	case status == http.StatusNotFound:
		return CodeNotFound
	case status == http.StatusMethodNotAllowed:
		return CodeMethodNotAllowed
	case status == http.StatusTooManyRequests:
		return CodeRateLimited
	case status >= 500 && status <= 599:
		return CodeServerError
	}
	return CodeHTTPError
}

// rateLimit reads a 429's Retry-After, seconds or an HTTP date (RFC 9110,
// section 10.2.3), as of now.
func rateLimit(header string, now time.Time) *RateLimitProblem {
	rl := &RateLimitProblem{Header: strings.TrimSpace(header)}
	if secs, err := strconv.ParseUint(rl.Header, 10, 32); err == nil {
		d := time.Duration(secs) * time.Second
		rl.RetryAfter = &d
	} else if t, err := http.ParseTime(rl.Header); err == nil {
		d := max(t.Sub(now), 0)
		rl.RetryAfter = &d
	}
	return rl
}
