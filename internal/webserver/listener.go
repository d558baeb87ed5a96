package webserver

import (
	"net"
	"sync"
	"time"

	"sipgate-account/internal/clientaddr"
)

// Defaults of GuardListener's limits, used by cmd/serve.
const (
	// DefaultWriteStall is how long one write may wait for a client that
	// reads nothing. A per-write deadline, unlike http.Server.WriteTimeout,
	// leaves a slow answer that keeps moving alone (the fake API's trickle
	// scenario writes a byte every 100 ms for a minute).
	DefaultWriteStall = 30 * time.Second
	// DefaultConnsPerClient caps the open connections of one client address
	// (an IPv6 /64). Browsers open six per origin; a page, a few tabs and a
	// proxy in front of a small office stay well below it.
	DefaultConnsPerClient = 64
)

// GuardListener wraps ln so that each connection drops when one write
// stalls longer than writeStall, and a client address with perClient
// connections open gets its next one closed at once.
func GuardListener(ln net.Listener, writeStall time.Duration, perClient int) net.Listener {
	return &guardListener{Listener: ln, writeStall: writeStall, perClient: perClient, open: map[string]int{}}
}

type guardListener struct {
	net.Listener
	writeStall time.Duration
	perClient  int

	mu   sync.Mutex
	open map[string]int
}

func (l *guardListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		client := clientaddr.FromRemoteAddr(c.RemoteAddr().String())
		l.mu.Lock()
		full := l.open[client] >= l.perClient
		if !full {
			l.open[client]++
		}
		l.mu.Unlock()
		if full {
			c.Close()
			continue
		}
		return &guardConn{Conn: c, l: l, client: client}, nil
	}
}

func (l *guardListener) release(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[client]--; l.open[client] <= 0 {
		delete(l.open, client)
	}
}

type guardConn struct {
	net.Conn
	l      *guardListener
	client string
	once   sync.Once
}

func (c *guardConn) Write(p []byte) (int, error) {
	c.Conn.SetWriteDeadline(time.Now().Add(c.l.writeStall))
	return c.Conn.Write(p)
}

func (c *guardConn) Close() error {
	c.once.Do(func() { c.l.release(c.client) })
	return c.Conn.Close()
}
