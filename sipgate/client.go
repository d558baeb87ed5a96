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

// Client sends account look-ups. The zero value is not usable; call NewClient.
type Client struct {
	http *http.Client
}

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
	return &Client{http: c}
}

var errRedirect = errors.New("the API answered with a redirect, which is never followed")

// Options are the per-call settings of the contract.
type Options struct {
	// BaseURL is the API root, for example https://api.sipgate.com/v2.
	// Empty means DefaultBaseURL.
	BaseURL string
	// Timeout bounds the whole call, reading the body included.
	// Zero means DefaultTimeout; a negative value means no timeout.
	Timeout time.Duration
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
	req, err := NewAccountRequest(user, pass, opts.BaseURL)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, req, opts, authBasic)
}

// AccountWithToken is Account with an OAuth access token, sent as
// "Authorization: Bearer <token>". Results and errors are the same; only the
// explanation of a 401 speaks of the token.
func (c *Client) AccountWithToken(ctx context.Context, token string, opts Options) (*Result, error) {
	req, err := NewTokenAccountRequest(token, opts.BaseURL)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, req, opts, authBearer)
}

func (c *Client) send(ctx context.Context, req *http.Request, opts Options, auth authScheme) (*Result, error) {
	if ctx.Err() != nil {
		return nil, abortedError(ctx, opts)
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, timeout, errTimeout)
		defer cancel()
	}
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, abortedError(ctx, opts)
		}
		return nil, networkError(err)
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
		return nil, networkError(err)
	}
	return newResult(auth, resp.StatusCode, resp.Header, body, tooLarge), nil
}

// NewAccountRequest validates its input and builds the account request
// with Basic credentials.
func NewAccountRequest(user, pass, baseURL string) (*http.Request, error) {
	if err := ValidateCredentials(user, pass); err != nil {
		return nil, err
	}
	return newAccountRequest(BasicAuth(user, pass), baseURL)
}

// NewTokenAccountRequest validates its input and builds the account request
// with a Bearer token.
func NewTokenAccountRequest(token, baseURL string) (*http.Request, error) {
	if err := ValidateToken(token); err != nil {
		return nil, err
	}
	return newAccountRequest(BearerAuth(token), baseURL)
}

func newAccountRequest(authorization, baseURL string) (*http.Request, error) {
	base, err := ParseBaseURL(baseURL)
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
		return nil, invalid("baseURL cannot be used: %v", err)
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
		return &Error{Code: CodeTimeout, Err: cause, Message: "no complete answer from the API within " +
			timeoutText(opts.Timeout) + ". The API or the network is slow or unreachable: try again, or allow more time with timeoutMs."}
	}
	return &Error{Code: CodeAborted, Err: cause, Message: "the call was aborted by the caller (its AbortSignal); nothing more was read."}
}

func timeoutText(d time.Duration) string {
	if d <= 0 {
		d = DefaultTimeout
	}
	return d.String() + " (timeoutMs)"
}

// networkError words the failure for a person. The browser does not say
// which network failure it was (for security, CORS and refusals look alike),
// so the message names the likely causes and the remedy for each.
func networkError(err error) *Error {
	msg := "the request did not reach the API, or its answer was blocked. Likely causes: " +
		"the device is offline; baseURL is wrong; the API does not allow this page's origin (CORS), " +
		"for which the remedy is to serve the page and a proxy to the API from one origin; " +
		"or the API answered with a redirect, which is never followed."
	if errors.Is(err, errRedirect) {
		msg = "the API answered with a redirect, which is never followed so that the credentials go nowhere else. Check baseURL."
	}
	return &Error{Code: CodeNetwork, Message: msg, Err: err}
}
