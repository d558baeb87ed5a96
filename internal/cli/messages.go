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
	switch p.Code {
	case sipgate.CodeInvalidArgument:
		if p.Input == nil || p.Input.Field == "" {
			return s
		}
		return fieldName[p.Input.Field] + " " + p.Input.Rule
	case sipgate.CodeNetwork:
		switch p.NetworkFailure() {
		case sipgate.NetworkRefused:
			return s + ". Check -base-url, or start the server it names."
		case sipgate.NetworkNoHost:
			return s + ". Check the host name in -base-url and this machine's network."
		case sipgate.NetworkRedirect:
			return s + ". Check -base-url."
		}
		return s + " (" + causeText(cause) + "). Check this machine's network and -base-url."
	case sipgate.CodeTimeout:
		return s + ". The API or the network is slow or unreachable: try again, or allow more time with -timeout (0 for no limit)."
	case sipgate.CodeAborted:
		return "interrupted (Ctrl-C); nothing more was read."
	case sipgate.CodeUnauthorized:
		if p.Bearer {
			return s + ". Get a new access token (with account:read) and set SIPGATE_TOKEN to it."
		}
		return s + ". Check -u (or SIPGATE_USERNAME), the e-mail address or token ID, and SIPGATE_PASSWORD, the password or token."
	case sipgate.CodeNotFound:
		return s + ". Check -base-url: it should be " + sipgate.DefaultBaseURL + "."
	case sipgate.CodeMethodNotAllowed, sipgate.CodeBadResponse, sipgate.CodeResponseTooLarge:
		return s + ". Check -base-url: it should point at the REST API (" + sipgate.DefaultBaseURL + ")."
	}
	return s + "."
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
