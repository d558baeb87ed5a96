package cli

import (
	"errors"
	"net"

	"sipgate-account/sipgate"
)

// message words a problem for the person at the terminal, in the command's
// terms: its flags and variables, a connection rather than a page, no CORS.
func message(p *sipgate.Problem, cause error) string {
	s := p.Summary()
	if words, ok := advice[p.Code]; ok {
		return words(p, s, cause)
	}
	return s + "."
}

// advice adds to the core's summary s what to try at a terminal, for every
// code: a test holds its keys to sipgate.Codes, so a code cannot go without
// words.
var advice = map[sipgate.Code]func(p *sipgate.Problem, s string, cause error) string{
	sipgate.CodeInvalidArgument: func(p *sipgate.Problem, s string, _ error) string {
		if p.Input == nil || p.Input.Field == "" {
			return s
		}
		return fieldName[p.Input.Field] + " " + p.Input.Rule
	},
	sipgate.CodeNetwork: func(p *sipgate.Problem, s string, cause error) string {
		switch p.NetworkFailure() {
		case sipgate.NetworkRefused:
			return s + ". Check -base-url, or start the server it names."
		case sipgate.NetworkNoHost:
			return s + ". Check the host name in -base-url and this machine's network."
		case sipgate.NetworkRedirect:
			return s + ". Check -base-url."
		}
		return s + " (" + causeText(cause) + "). Check this machine's network and -base-url."
	},
	sipgate.CodeTimeout: func(_ *sipgate.Problem, s string, _ error) string {
		return s + ". The API or the network is slow or unreachable: try again, or allow more time with -timeout (0 for no limit)."
	},
	sipgate.CodeAborted: func(*sipgate.Problem, string, error) string {
		return "interrupted (Ctrl-C); nothing more was read."
	},
	sipgate.CodeInternal: sentence,
	sipgate.CodeUnauthorized: func(p *sipgate.Problem, s string, _ error) string {
		if p.Bearer {
			return s + ". Get a new access token (with account:read) and set SIPGATE_TOKEN to it."
		}
		return s + ". Check -u (or SIPGATE_USERNAME), the e-mail address or token ID, and SIPGATE_PASSWORD, the password or token."
	},
	sipgate.CodeForbidden: sentence,
	sipgate.CodeNotFound: func(_ *sipgate.Problem, s string, _ error) string {
		return s + ". Check -base-url: it should be " + sipgate.DefaultBaseURL + "."
	},
	sipgate.CodeMethodNotAllowed: wrongAPI,
	sipgate.CodeRateLimited:      sentence,
	sipgate.CodeServerError:      sentence,
	sipgate.CodeHTTPError:        sentence,
	sipgate.CodeBadResponse:      wrongAPI,
	sipgate.CodeResponseTooLarge: wrongAPI,
}

// sentence is the summary alone: it says all there is to try.
func sentence(_ *sipgate.Problem, s string, _ error) string { return s + "." }

func wrongAPI(_ *sipgate.Problem, s string, _ error) string {
	return s + ". Check -base-url: it should point at the REST API (" + sipgate.DefaultBaseURL + ")."
}

// fieldName names each input the way the command takes it.
var fieldName = map[sipgate.Field]string{
	sipgate.FieldUser:    "the user (-u or SIPGATE_USERNAME)",
	sipgate.FieldPass:    "the password or token (SIPGATE_PASSWORD)",
	sipgate.FieldToken:   "the access token (SIPGATE_TOKEN)",
	sipgate.FieldBaseURL: "-base-url",
}

// causeText is the innermost error of a network failure, which on a
// terminal says more than any guess: "connection reset by peer", "tls:
// failed to verify certificate", and so on.
func causeText(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	if err == nil {
		return "no further detail"
	}
	return err.Error()
}
