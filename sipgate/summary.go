package sipgate

import (
	"net/http"
	"strconv"
)

// Summary says what happened in words that hold for every host, with the
// advice that needs none of a host's terms. Hosts add what to try in
// theirs. The wording of 401, 404 and 405 follows the Common Issues table of
// sipgate's own REST API example; the rest follows sipgate's published
// definition of GET /v2/account.
func (p *Problem) Summary() string {
	line := statusLine(p.Status)
	switch p.Code {
	case CodeInvalidArgument:
		if p.Input == nil {
			return "invalid input"
		}
		if p.Input.Field == "" {
			return p.Input.Rule
		}
		return string(p.Input.Field) + " " + p.Input.Rule
	case CodeNetwork:
		switch p.NetworkFailure() {
		case NetworkRedirect:
			return "the API answered with a redirect, which is never followed, so that the credentials go nowhere else"
		case NetworkRefused:
			return "the connection to " + p.Network.Host + " was refused: nothing accepts connections there"
		case NetworkNoHost:
			return "the host name of " + p.Network.Host + " could not be resolved"
		}
		return "the request did not reach the API, or its answer was blocked"
	case CodeTimeout:
		if p.Timeout == nil {
			return "no complete answer from the API in time"
		}
		return "no complete answer from the API within " + p.Timeout.After.String()
	case CodeAborted:
		return "the call was aborted; nothing more was read"
	case CodeInternal:
		return "internal error (please report it); the next call may succeed"
	case CodeUnauthorized:
		if p.Bearer {
			return line + ": the access token was refused: it is wrong, expired or revoked, or lacks the scope account:read"
		}
		return line + ": username and/or password are wrong" + nonASCIIText(p)
	case CodeForbidden:
		return line + ": the credentials are valid but lack permission for this endpoint: " +
			"a personal access token or OAuth token needs the scope account:read, " +
			"and some sipgate endpoints are open only to certain account types (the answer's body may say which)"
	case CodeNotFound:
		return line + ": wrong REST API endpoint, or the account was not found (the API answers 404 \"Account not found\" too)"
	case CodeMethodNotAllowed:
		return line + ": wrong request method; the account endpoint is read with GET"
	case CodeRateLimited:
		return line + ": too many requests; " + retryAfterText(p.RateLimit)
	case CodeServerError:
		return line + ": the API failed to answer the request. This is not your input: try again later"
	case CodeHTTPError:
		return "the API answered with the unexpected status " + line
	case CodeBadResponse:
		return line + " arrived, but the body is not the expected JSON object with the account"
	case CodeResponseTooLarge:
		return "the response body is larger than the 1 MiB limit (" + line + "); only the first 1 MiB is kept. This is not the sipgate API"
	}
	return string(p.Code)
}

// nonASCIIText explains how characters beyond ASCII travel, for a refused
// login that has them: sipgate's own example sends UTF-8 as RFC 7617 asks,
// while a client built on btoa sends Latin-1 and fails beyond it.
func nonASCIIText(p *Problem) string {
	if !p.NonASCII {
		return ""
	}
	return ". The credentials contain characters beyond ASCII (such as ä), which are sent as UTF-8 " +
		"(RFC 7617, as sipgate's own example does); if the password was set or works elsewhere " +
		"with another encoding, try a password of ASCII characters"
}

func statusLine(status int) string {
	s := "HTTP " + strconv.Itoa(status)
	if t := http.StatusText(status); t != "" {
		s += " " + t
	}
	return s
}

// retryAfterText words when to try again, from what the 429 said: a wait
// in seconds, or a date. The header is readable in a browser only when the
// API exposes it (Access-Control-Expose-Headers); without it the advice
// stays general.
func retryAfterText(rl *RateLimitProblem) string {
	switch {
	case rl == nil || rl.RetryAfter == nil:
		return "wait a while before trying again"
	case isSeconds(rl.Header):
		return "try again in " + strconv.Itoa(int(rl.RetryAfter.Seconds())) + " seconds (Retry-After: " + rl.Header + ")"
	}
	t, _ := http.ParseTime(rl.Header)
	return "try again after " + t.UTC().Format(http.TimeFormat) + " (Retry-After)"
}

func isSeconds(v string) bool {
	_, err := strconv.ParseUint(v, 10, 32)
	return err == nil
}
