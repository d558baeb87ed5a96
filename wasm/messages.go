package main

import "sipgate-account/sipgate"

// message words a problem for a page's developer and visitor, in the
// JavaScript contract's terms: the options (baseURL, timeoutMs, signal),
// the page and its origin, CORS and Content-Security-Policy.
func message(p *sipgate.Problem) string {
	s := p.Summary()
	if words, ok := advice[p.Code]; ok {
		return words(p, s)
	}
	return s + "."
}

// advice adds to the core's summary s what a page can do, for every code:
// a test holds its keys to sipgate.Codes, so a code cannot go without words.
var advice = map[sipgate.Code]func(p *sipgate.Problem, s string) string{
	sipgate.CodeInvalidArgument: func(_ *sipgate.Problem, s string) string { return s },
	sipgate.CodeNetwork: func(p *sipgate.Problem, s string) string {
		if p.NetworkFailure() == sipgate.NetworkRedirect {
			return s + ". Check baseURL."
		}
		// The browser does not say which failure it was (for security,
		// CORS and refusals look alike), so this names the likely causes
		// and the remedy for each.
		return s + ". Likely causes: the device is offline; baseURL is wrong; the API does not allow this page's origin (CORS), " +
			"for which the remedy is to serve the page and a proxy to the API from one origin; this page's Content-Security-Policy " +
			"does not allow the API's origin (connect-src); or the API answered with a redirect, which is never followed."
	},
	sipgate.CodeTimeout: func(_ *sipgate.Problem, s string) string {
		return s + " (timeoutMs). The API or the network is slow or unreachable: try again, or allow more time with timeoutMs."
	},
	sipgate.CodeAborted: func(*sipgate.Problem, string) string {
		return "the call was aborted by the caller (its AbortSignal); nothing more was read."
	},
	sipgate.CodeInternal: sentence,
	sipgate.CodeUnauthorized: func(p *sipgate.Problem, s string) string {
		if p.Bearer {
			return s + ". Get a new access token (with account:read) and try again."
		}
		return s + ". Check the e-mail address or token ID and the password or token (the credentials must be sent Base64-encoded, which this module always does)."
	},
	sipgate.CodeForbidden: sentence,
	sipgate.CodeNotFound: func(_ *sipgate.Problem, s string) string {
		return s + ". Check baseURL: it should be " + sipgate.DefaultBaseURL + ", or your proxy's path such as /v2."
	},
	sipgate.CodeMethodNotAllowed: wrongAPI,
	sipgate.CodeRateLimited:      sentence,
	sipgate.CodeServerError:      sentence,
	sipgate.CodeHTTPError:        sentence,
	sipgate.CodeBadResponse:      wrongAPI,
	sipgate.CodeResponseTooLarge: wrongAPI,
}

func wrongAPI(_ *sipgate.Problem, s string) string {
	return s + ". Check baseURL: it should point at the REST API (" + sipgate.DefaultBaseURL + ") or a proxy to it."
}

// sentence is the summary alone: it says all a page can do.
func sentence(_ *sipgate.Problem, s string) string { return s + "." }
