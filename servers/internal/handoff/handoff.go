// Package handoff lets a server that accepts raw connections itself pass
// some of them on to net/http: it sniffs the first bytes of a connection
// (Sniff), and a Listener feeds the connections it is handed to
// http.Server.Serve, with the sniffed bytes put back in front (Conn).
package handoff

import (
	"bytes"
	"net"
	"sync"
)

// Listener is a net.Listener whose connections come from Push.
type Listener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// NewListener returns a listener that reports addr as its address.
func NewListener(addr net.Addr) *Listener {
	return &Listener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

// Push hands c to whoever calls Accept; after Close it closes c instead.
func (l *Listener) Push(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.done:
		c.Close()
	}
}

// Accept implements net.Listener.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close implements net.Listener.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr implements net.Listener.
func (l *Listener) Addr() net.Addr { return l.addr }

// Conn is a connection whose first reads return Prefix (bytes already
// read from it while sniffing).
type Conn struct {
	net.Conn
	Prefix []byte
}

func (c *Conn) Read(p []byte) (int, error) {
	if len(c.Prefix) > 0 {
		n := copy(p, c.Prefix)
		c.Prefix = c.Prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// Sniff reads from c until buf is full, a line ends ('\n') or the peer
// stops sending, and returns what it read. The caller sets c's deadline.
func Sniff(c net.Conn, buf []byte) ([]byte, error) {
	n := 0
	for n < len(buf) {
		m, err := c.Read(buf[n:])
		n += m
		if bytes.IndexByte(buf[:n], '\n') >= 0 {
			return buf[:n], nil
		}
		if err != nil {
			return buf[:n], err
		}
	}
	return buf[:n], nil
}
