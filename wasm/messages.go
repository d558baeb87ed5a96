package main

import "sipgate-account/sipgate"

// message words a problem for a page's developer and visitor, in the
// JavaScript contract's terms: the options (baseURL, timeoutMs, signal),
// the page and its origin, CORS and Content-Security-Policy.
func message(p *sipgate.Problem) string {
	s := p.Summary()
	if words, ok := advice(p, s); ok {
		return words
	}
	return s + "."
}

// advice adds to the core's summary s what a page can do; ok is false for
// a code it has no words for, which a test holds against sipgate.Codes, so
// a code cannot go without words. A switch, not a table: a map of funcs
// measured 8.6 kB more in the module.
func advice(p *sipgate.Problem, s string) (words string, ok bool) {
	switch p.Code {
	case sipgate.CodeInvalidArgument:
		return s, true
	case sipgate.CodeNetwork:
		if p.NetworkFailure() == sipgate.NetworkRedirect {
			return s + ". Check baseURL.", true
		}
		// The browser does not say which failure it was (for security,
		// CORS and refusals look alike), so this names the likely causes
		// and the remedy for each.
		return s + ". Likely causes: the device is offline; baseURL is wrong; the API does not allow this page's origin (CORS), " +
			"for which the remedy is to serve the page and a proxy to the API from one origin; this page's Content-Security-Policy " +
			"does not allow the API's origin (connect-src); or the API answered with a redirect, which is never followed.", true
	case sipgate.CodeTimeout:
		return s + " (timeoutMs). The API or the network is slow or unreachable: try again, or allow more time with timeoutMs.", true
	case sipgate.CodeAborted:
		return "the call was aborted by the caller (its AbortSignal); nothing more was read.", true
	case sipgate.CodeUnauthorized:
		if p.Bearer {
			return s + ". Get a new access token (with account:read) and try again.", true
		}
		return s + ". Check the e-mail address or token ID and the password or token (the credentials must be sent Base64-encoded, which this module always does).", true
	case sipgate.CodeNotFound:
		return s + ". Check baseURL: it should be " + sipgate.DefaultBaseURL + ", or your proxy's path such as /v2.", true
	case sipgate.CodeMethodNotAllowed, sipgate.CodeBadResponse, sipgate.CodeResponseTooLarge:
		return s + ". Check baseURL: it should point at the REST API (" + sipgate.DefaultBaseURL + ") or a proxy to it.", true
	case sipgate.CodeInternal, sipgate.CodeForbidden, sipgate.CodeRateLimited, sipgate.CodeServerError, sipgate.CodeHTTPError:
		// The summary says all a page can do.
		return s + ".", true
	}
	return "", false
}
