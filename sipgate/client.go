// Package sipgate looks up a sipgate account over the REST API
// (GET {baseURL}/account with HTTP Basic authentication, or with an OAuth
// access token as a Bearer token).
//
// It is plain Go with no browser dependency: the WebAssembly bridge in wasm/
// calls it with net/http's Fetch-backed transport, and native programs and
// tests call it with the ordinary transport. Validation, the header, the
// request and the mapping of a response to a Result all live here, so every
// host gives the same answers.
package sipgate

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// DefaultTimeout bounds a whole call (headers and body) unless told otherwise.
const DefaultTimeout = 15 * time.Second

// NoTimeout is Options.Timeout for a call without a time limit: the one
// spelling the module's timeoutMs: Infinity and the CLI's -timeout 0 use.
const NoTimeout time.Duration = -1

// Client sends account look-ups. The zero value is not usable; call NewClient.
type Client struct {
	http *http.Client
	// afterFunc is the timeout's timer: it calls f once d has passed,
	// unless stop is called first. time.AfterFunc unless WithTimer says
	// otherwise.
	afterFunc func(d time.Duration, f func()) (stop func() bool)
}

// WithTimer returns a copy of c whose timeouts use afterFunc as their
// timer, with time.AfterFunc's meaning. In a browser the module gives a
// timer of the JavaScript event loop: a Go runtime timer there costs a
// JavaScript timeout set and cleared each time Go waits for the network,
// several times a call.
func (c *Client) WithTimer(afterFunc func(d time.Duration, f func()) (stop func() bool)) *Client {
	copied := *c
	copied.afterFunc = afterFunc
	return &copied
}

func timeAfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// NewClient returns a Client that sends through httpClient, or through a
// client of its own on http.DefaultTransport when httpClient is nil.
//
// Redirects are never followed: not every browser drops the Authorization
// header on a cross-origin redirect, so a redirect must not carry the
// credentials anywhere. The client given is copied and its CheckRedirect
// replaced for that reason; its Transport must not set a Dial function, or in
// a browser net/http silently bypasses fetch.
func NewClient(httpClient *http.Client) *Client {
	c := &http.Client{}
	if httpClient != nil {
		*c = *httpClient
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return errRedirect }
	return &Client{http: c, afterFunc: timeAfterFunc}
}

var errRedirect = errors.New("the API answered with a redirect, which is never followed")

// Options are the per-call settings of the contract.
type Options struct {
	// BaseURL is the API root, for example https://api.sipgate.com/v2, or
	// a path such as /v2, resolved against Origin. Empty means
	// DefaultBaseURL.
	BaseURL string
	// Origin is the page's origin (scheme://host[:port]), against which a
	// BaseURL that is a path is resolved; "" where there is no page.
	Origin string
	// Timeout bounds the whole call, reading the body included.
	// Zero means DefaultTimeout; NoTimeout (any negative value) none.
	Timeout time.Duration
}

// bound is the call's time limit, the default applied; ok is false for
// a call without one. The one place that reads Timeout.
func (o Options) bound() (d time.Duration, ok bool) {
	switch {
	case o.Timeout == 0:
		return DefaultTimeout, true
	case o.Timeout < 0:
		return 0, false
	}
	return o.Timeout, true
}

// errTimeout is the cancellation cause of our own timeout, which tells it
// apart from a cancellation by the caller (ABORTED).
var errTimeout = errors.New("timeout elapsed")

// Account validates the input, then sends GET {baseURL}/account with the
// Basic Authorization header built from user and pass.
//
// When an HTTP response arrived (any status) it returns a Result and a nil
// error. Otherwise it returns an *Error: INVALID_ARGUMENT (nothing was sent),
// NETWORK, TIMEOUT, or ABORTED when ctx was cancelled.
func (c *Client) Account(ctx context.Context, user, pass string, opts Options) (*Result, error) {
	req, err := NewAccountRequest(user, pass, opts)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, req, opts, response{nonASCII: !isASCII(user) || !isASCII(pass)})
}

// AccountWithToken is Account with an OAuth access token, sent as
// "Authorization: Bearer <token>". Results and errors are the same; only the
// explanation of a 401 speaks of the token.
func (c *Client) AccountWithToken(ctx context.Context, token string, opts Options) (*Result, error) {
	req, err := NewTokenAccountRequest(token, opts)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, req, opts, response{bearer: true})
}

// send sends req and maps what comes back; call holds what is known of the
// call (how it authenticated) for the Result's problem.
func (c *Client) send(ctx context.Context, req *http.Request, opts Options, call response) (*Result, error) {
	if ctx.Err() != nil {
		return nil, abortedError(ctx, opts)
	}
	if timeout, ok := opts.bound(); ok {
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		stop := c.afterFunc(timeout, func() { cancel(errTimeout) })
		defer stop()
	}
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, abortedError(ctx, opts)
		}
		return nil, networkError(err, req.URL.Host)
	}
	// After the headers, the Fetch transport no longer watches the context:
	// closing the body is what cancels the stream, so the timeout and the
	// caller's abort cover reading the body too.
	stop := context.AfterFunc(ctx, func() { resp.Body.Close() })
	defer stop()
	defer resp.Body.Close()

	body, tooLarge, err := readBody(resp.Body)
	if ctx.Err() != nil {
		return nil, abortedError(ctx, opts)
	}
	if err != nil {
		return nil, networkError(err, req.URL.Host)
	}
	call.status, call.header, call.body, call.tooLarge = resp.StatusCode, resp.Header, body, tooLarge
	return newResult(call), nil
}

// NewAccountRequest validates its input and builds the account request
// with Basic credentials.
func NewAccountRequest(user, pass string, opts Options) (*http.Request, error) {
	if err := ValidateCredentials(user, pass); err != nil {
		return nil, err
	}
	return newAccountRequest(BasicAuth(user, pass), opts)
}

// NewTokenAccountRequest validates its input and builds the account request
// with a Bearer token.
func NewTokenAccountRequest(token string, opts Options) (*http.Request, error) {
	if err := ValidateToken(token); err != nil {
		return nil, err
	}
	return newAccountRequest(BearerAuth(token), opts)
}

func newAccountRequest(authorization string, opts Options) (*http.Request, error) {
	base, err := ResolveBaseURL(opts.BaseURL, opts.Origin)
	if err != nil {
		return nil, err
	}
	u := *base
	u.Path += "/account"
	if u.RawPath != "" {
		u.RawPath += "/account"
	}
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, invalid(FieldBaseURL, "cannot be used: "+err.Error())
	}
	req.Header.Set("Authorization", authorization)
	req.Header.Set("Accept", "application/json")
	setFetchOptions(req.Header)
	return req, nil
}

// readBody reads at most MaxBodyBytes and reports whether there was more.
// It counts the bytes actually read: a compressed response's Content-Length
// is not the size of its body.
func readBody(r io.Reader) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if len(body) > MaxBodyBytes {
		return body[:MaxBodyBytes], true, nil
	}
	return body, false, err
}

func abortedError(ctx context.Context, opts Options) *Error {
	cause := context.Cause(ctx)
	if errors.Is(cause, errTimeout) || errors.Is(cause, context.DeadlineExceeded) {
		timeout, _ := opts.bound()
		return &Error{Problem: Problem{Code: CodeTimeout, Timeout: &TimeoutProblem{After: timeout}}, Err: cause}
	}
	return &Error{Problem: Problem{Code: CodeAborted}, Err: cause}
}

// networkError tells what is known of a failure to get a response to host
// (see transportFailure).
func networkError(err error, host string) *Error {
	n := &NetworkProblem{Failure: transportFailure(err), Host: host}
	if errors.Is(err, errRedirect) {
		n.Failure = NetworkRedirect
	}
	return &Error{Problem: Problem{Code: CodeNetwork, Network: n}, Err: err}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
