//go:build !(js && wasm)

package sipgate

import (
	"errors"
	"net"
	"net/http"
	"syscall"
)

// setFetchOptions does nothing outside the browser: the native transport
// sends no cookies of its own, and NewClient refuses redirects.
func setFetchOptions(http.Header) {}

// transportFailure tells what the native transport knows: whether the
// connection was refused or the host name not found.
func transportFailure(err error) NetworkFailure {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return NetworkRefused
	case errors.As(err, &dns):
		return NetworkNoHost
	}
	return NetworkUnknown
}
