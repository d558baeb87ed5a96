package main

import "sipgate-account/sipgate"

// message words a problem for a page's developer and visitor, in the
// JavaScript contract's terms: the options (baseURL, timeoutMs, signal),
// the page and its origin, CORS and Content-Security-Policy.
func message(p *sipgate.Problem) string {
	s := p.Summary()
	switch p.Code {
	case sipgate.CodeInvalidArgument:
		return s
	case sipgate.CodeNetwork:
		if p.NetworkFailure() == sipgate.NetworkRedirect {
			return s + ". Check baseURL."
		}
		// The browser does not say which failure it was (for security,
		// CORS and refusals look alike), so this names the likely causes
		// and the remedy for each.
		return s + ". Likely causes: the device is offline; baseURL is wrong; the API does not allow this page's origin (CORS), " +
			"for which the remedy is to serve the page and a proxy to the API from one origin; this page's Content-Security-Policy " +
			"does not allow the API's origin (connect-src); or the API answered with a redirect, which is never followed."
	case sipgate.CodeTimeout:
		return s + " (timeoutMs). The API or the network is slow or unreachable: try again, or allow more time with timeoutMs."
	case sipgate.CodeAborted:
		return "the call was aborted by the caller (its AbortSignal); nothing more was read."
	case sipgate.CodeUnauthorized:
		if p.Bearer {
			return s + ". Get a new access token (with account:read) and try again."
		}
		return s + ". Check the e-mail address or token ID and the password or token (the credentials must be sent Base64-encoded, which this module always does)."
	case sipgate.CodeNotFound:
		return s + ". Check baseURL: it should be " + sipgate.DefaultBaseURL + ", or your proxy's path such as /v2."
	case sipgate.CodeMethodNotAllowed, sipgate.CodeBadResponse, sipgate.CodeResponseTooLarge:
		return s + ". Check baseURL: it should point at the REST API (" + sipgate.DefaultBaseURL + ") or a proxy to it."
	}
	return s + "."
}
