// Package clientaddr names the client behind a request for limits that
// count per client: the proxy's rate limit and the server's connection cap.
//
// An IPv4 address is one client. An IPv6 host usually gets a whole /64 from
// its provider and may use any address in it, so the /64 is the client: keyed
// by the exact address, one host would have 2^64 identities.
package clientaddr

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Key returns the limit key for host, an IP address without a port (a
// RemoteAddr's host, or a header such as CF-Connecting-IP). An IPv4-mapped
// IPv6 address counts as its IPv4 address. A host that is not an IP address
// is its own key.
func Key(host string) string {
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.WithZone("").Unmap()
	if addr.Is4() {
		return addr.String()
	}
	prefix, err := addr.Prefix(64)
	if err != nil {
		return addr.String()
	}
	return prefix.String()
}

// FromRemoteAddr is Key of the host part of an http.Request's RemoteAddr
// or a net.Addr's String ("host:port").
func FromRemoteAddr(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return Key(remote)
	}
	return Key(host)
}

// Of returns how a host names the client a request comes from, for the
// rate limits: with header "" the connection's address (RemoteAddr); else
// that header, which a front in front of the host sets to the visitor's
// address and overwrites when a client sends it (Cloudflare's
// CF-Connecting-IP). Trusting a header no front overwrites would let any
// client choose its own bucket. A request without the header counts as
// its connection.
func Of(header string) func(*http.Request) string {
	return func(r *http.Request) string {
		if header != "" {
			if v := strings.TrimSpace(r.Header.Get(header)); v != "" {
				return v
			}
		}
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			return host
		}
		return r.RemoteAddr
	}
}
