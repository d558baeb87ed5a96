// Package exchange is the server side's one outgoing call, shared by the
// proxy (package apiproxy) and the sign-in (package signin), in both hosts.
//
// Each of them is cut along decisions and I/O: Plan decides whether to
// answer at once or to make one call (an Outgoing); Check, Finish and
// Failed turn what came back into the answer (an Answer). The I/O is the
// host's: cmd/serve makes the call with Serve here, the edge Worker with
// the runtime's fetch (edge/worker.mjs), calling the same decisions.
package exchange

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// Answer is a complete answer to the browser: status, headers and body.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Write sends the answer, keeping what the server set before (its
// security headers) unless the answer sets the same header.
func (a *Answer) Write(w http.ResponseWriter) {
	for k, v := range a.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

// Outgoing is the one request to send, and the limits it is sent within:
// the proxy's GET to the API, or the sign-in's token call (a POST with a
// form in Body).
type Outgoing struct {
	Method   string // "" is GET
	Body     []byte
	URL      string
	Header   http.Header
	Timeout  time.Duration
	MaxBytes int // read at most MaxBytes+1 of the answer's body; more is too much
}

// Decider turns what came back from an Outgoing into the answer.
type Decider interface {
	// Check sees the status and headers before the body is read: nil to
	// read it, or the answer (then the body is not read).
	Check(r *http.Request, status int, header http.Header) *Answer
	// Finish sees the body too, read up to Outgoing.MaxBytes+1 bytes.
	Finish(r *http.Request, status int, header http.Header, body []byte) *Answer
	// Failed sees a call that got no usable answer: err is ErrTimeout or
	// context.DeadlineExceeded when the timeout ended it.
	Failed(r *http.Request, err error) *Answer
}

// ErrTimeout is what a host reports to Failed when its own timer (not a
// Go context) ended the call.
var ErrTimeout = errors.New("the outgoing call timed out")

// Serve makes the call with Go's transport, within out's timeout and
// the request's context (a browser that goes away ends it), without
// following a redirect or sending Go's User-Agent, and writes what d
// decides.
func Serve(w http.ResponseWriter, r *http.Request, d Decider, out *Outgoing) {
	if a := call(r, d, out); a != nil {
		a.Write(w)
	}
}

func call(r *http.Request, d Decider, out *Outgoing) *Answer {
	ctx, cancel := context.WithTimeout(r.Context(), out.Timeout)
	defer cancel()
	method := out.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if out.Body != nil {
		body = bytes.NewReader(out.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, out.URL, body)
	if err != nil {
		return d.Failed(r, err)
	}
	req.Header = out.Header.Clone()
	// Go would add its own User-Agent; an explicitly empty one is not sent.
	req.Header["User-Agent"] = []string{""}
	setFetchOptions(req.Header)
	resp, err := transport.RoundTrip(req)
	if err == nil {
		defer resp.Body.Close()
		if a := d.Check(r, resp.StatusCode, resp.Header); a != nil {
			return a
		}
		var b []byte
		if b, err = io.ReadAll(io.LimitReader(resp.Body, int64(out.MaxBytes)+1)); err == nil {
			return d.Finish(r, resp.StatusCode, resp.Header, b)
		}
	}
	if r.Context().Err() != nil {
		return nil // the browser went away; nobody reads an answer
	}
	return d.Failed(r, err)
}
