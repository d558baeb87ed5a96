package sipgate

import "fmt"

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

// Error is a call that ended without an HTTP response to show: bad input,
// a network failure, a timeout or an abort. Check for it with errors.As.
//
// Message is written for the person in front of the page: it says what
// happened and what to try. It never contains the password or the
// Authorization header.
type Error struct {
	Code    Code
	Message string
	Err     error // the underlying cause, if any; may be nil
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Unwrap returns the cause, so errors.Is(err, context.DeadlineExceeded) works.
func (e *Error) Unwrap() error { return e.Err }

// invalid builds an INVALID_ARGUMENT error.
func invalid(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports bad input found outside this package (for example by the
// JavaScript bridge, which checks JavaScript types) in the same typed form.
func Invalid(format string, args ...any) *Error { return invalid(format, args...) }
