package wire

import "net"

// FD returns the socket of c when c is a single TCP connection whose reads
// and writes are raw system calls (WebSocket, SockJS over its websocket
// transport, plain TCP), for a caller that waits for readiness itself: the load
// generator's event loop registers it with its own epoll set and calls
// ReadMessage only when the socket is readable or Buffered reports a
// whole message. c keeps owning the descriptor; it must not be closed
// behind c's back. ok is false for connections that dial again or use
// several sockets (HTTP, SockJS xhr transports).
func FD(c Conn) (fd int, ok bool) {
	f, is := c.(interface{ sysFD() (int, bool) })
	if !is {
		return -1, false
	}
	return f.sysFD()
}

func (c *wsConn) sysFD() (int, bool)  { return rawFD(c.nc) }
func (c *tcpConn) sysFD() (int, bool) { return rawFD(c.nc) }

// rawFD is the descriptor of a connection made by dialTCP.
func rawFD(nc net.Conn) (int, bool) {
	rc, ok := nc.(*rawConn)
	if !ok {
		return -1, false
	}
	fd := -1
	if err := rc.rc.Control(func(u uintptr) { fd = int(u) }); err != nil {
		return -1, false
	}
	return fd, fd >= 0
}
