package sipgate

import (
	"math"
	"time"
)

// Code names a failure class. The values are the error codes of the
// JavaScript contract: pages branch on them, so they never change.
type Code string

// Codes of a call that got no HTTP response: the promise rejects with them.
const (
	CodeInvalidArgument Code = "INVALID_ARGUMENT" // bad input; nothing was sent
	CodeNetwork         Code = "NETWORK"          // refused, DNS, CORS, redirect, offline
	CodeTimeout         Code = "TIMEOUT"          // the timeout elapsed before the body was read
	CodeAborted         Code = "ABORTED"          // the caller cancelled the call
	// CodeInternal marks a recovered panic. It should never be seen; it exists
	// so that a bug turns into a rejection instead of killing the Go program.
	CodeInternal Code = "INTERNAL"
)

// Codes of a call that got an HTTP response that is not the account: the
// promise resolves with ok=false and error.code set to one of them.
const (
	CodeUnauthorized     Code = "UNAUTHORIZED"
	CodeForbidden        Code = "FORBIDDEN"
	CodeNotFound         Code = "NOT_FOUND"
	CodeMethodNotAllowed Code = "METHOD_NOT_ALLOWED"
	CodeRateLimited      Code = "RATE_LIMITED"
	CodeServerError      Code = "SERVER_ERROR"
	CodeHTTPError        Code = "HTTP_ERROR"
	CodeBadResponse      Code = "BAD_RESPONSE"
	CodeResponseTooLarge Code = "RESPONSE_TOO_LARGE"
)

// RejectionCodes and ResultCodes are every code, in the contract's order:
// the one list that the TypeScript types, the docs' tables and the CLI's
// exit codes are held against by tests.
var (
	RejectionCodes = []Code{CodeInvalidArgument, CodeNetwork, CodeTimeout, CodeAborted, CodeInternal}
	ResultCodes    = []Code{CodeUnauthorized, CodeForbidden, CodeNotFound, CodeMethodNotAllowed,
		CodeRateLimited, CodeServerError, CodeHTTPError, CodeBadResponse, CodeResponseTooLarge}
)

// Codes is every code: RejectionCodes, then ResultCodes. A test holds it
// to the Code constants declared here, and each host's message table to it.
func Codes() []Code { return append(append([]Code{}, RejectionCodes...), ResultCodes...) }

// Field names an input of a call, so that each host can name it in its own
// terms (the JavaScript contract's argument and option names, a command's
// flags and variables).
type Field string

const (
	FieldUser    Field = "user"
	FieldPass    Field = "pass"
	FieldToken   Field = "accessToken"
	FieldBaseURL Field = "baseURL"
)

// NetworkFailure is what is known of a failure to get a response. A
// browser tells only that fetch failed (refused, DNS, CORS, a redirect and
// offline look alike, for security); a native client knows more.
type NetworkFailure int

const (
	NetworkUnknown  NetworkFailure = iota // blocked or offline: the cause is not known
	NetworkRefused                        // nothing accepts connections at the host
	NetworkNoHost                         // the host name could not be resolved
	NetworkRedirect                       // the API answered with a redirect, never followed
)

// Problem is what went wrong in a call, as data: the code and the facts a
// message needs. The core says what happened (Summary) in words that hold
// for every host; each host adds what to try in its own user's terms: the
// browser bridge in the JavaScript contract's (timeoutMs, baseURL, CORS),
// the CLI in its flags'. The facts that belong to one code are in that
// code's detail, set for it alone (nil for every other code), as
// go-github's RateLimitError carries a rate limit's.
type Problem struct {
	Code Code
	// Status is the HTTP status of a response (result codes); 0 otherwise.
	Status int
	// Bearer says the call sent an OAuth access token, not Basic credentials.
	Bearer bool
	// NonASCII says the Basic credentials hold characters beyond ASCII,
	// which are sent as UTF-8: worth a word when they are refused.
	NonASCII bool

	Input     *InputProblem     // INVALID_ARGUMENT
	Network   *NetworkProblem   // NETWORK
	Timeout   *TimeoutProblem   // TIMEOUT
	RateLimit *RateLimitProblem // RATE_LIMITED
}

// NetworkFailure is what is known of a NETWORK problem's failure:
// NetworkUnknown for any other code.
func (p *Problem) NetworkFailure() NetworkFailure {
	if p.Network == nil {
		return NetworkUnknown
	}
	return p.Network.Failure
}

// RetryAfterSeconds is the wait a 429 asked for in whole seconds (rounded
// up), as every host reports it (retryAfterSeconds); false when it gave
// none that could be read.
func (p *Problem) RetryAfterSeconds() (int, bool) {
	if p.RateLimit == nil || p.RateLimit.RetryAfter == nil {
		return 0, false
	}
	return int(math.Ceil(p.RateLimit.RetryAfter.Seconds())), true
}

// InputProblem is which input breaks which rule.
type InputProblem struct {
	// Field is the input; "" when Rule is the whole description.
	Field Field
	// Rule reads after the field's name ("must not contain ...").
	Rule string
}

// NetworkProblem is what is known of a failure to get a response, and
// where the call went.
type NetworkProblem struct {
	Failure NetworkFailure
	Host    string
}

// TimeoutProblem is the bound that elapsed.
type TimeoutProblem struct {
	After time.Duration
}

// RateLimitProblem is what a 429 said of when to try again.
type RateLimitProblem struct {
	// RetryAfter is how long the API asks to wait (its Retry-After, in
	// seconds or as a date), nil when it gave none or it is not readable
	// (a browser reads it only when the API exposes it).
	RetryAfter *time.Duration
	// Header is the Retry-After value as sent, "" when none.
	Header string
}

// Error is a call that ended without an HTTP response to show: bad input,
// a network failure, a timeout or an abort. Check for it with errors.As; a
// host words Problem for its user. Nothing in it contains the password or
// the Authorization header.
type Error struct {
	Problem
	Err error // the underlying cause, if any; may be nil
}

// Error is the code and the Summary, for Go callers and logs.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Summary() }

// Unwrap returns the cause, so errors.Is(err, context.DeadlineExceeded) works.
func (e *Error) Unwrap() error { return e.Err }

// invalid builds an INVALID_ARGUMENT error for field.
func invalid(field Field, rule string) *Error {
	return &Error{Problem: Problem{Code: CodeInvalidArgument, Input: &InputProblem{Field: field, Rule: rule}}}
}

// Invalid reports bad input that a host found itself (the JavaScript
// bridge checks JavaScript types, the CLI its flags) in the same typed
// form. With no field, rule is the whole description.
func Invalid(field Field, rule string) *Error { return invalid(field, rule) }
