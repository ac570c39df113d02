package native

import (
	"bufio"
	"io"
	"net"
	"sync"
	"time"
)

// lingerTime bounds how long a connection closed by the server waits for
// the peer to close its side.
const lingerTime = time.Second

// conn is one upgraded connection. Reading (next, control) belongs to one
// goroutine; writes may come from any and are serialized by wmu.
type conn struct {
	nc      net.Conn
	br      *bufio.Reader
	maxSize int64

	hdr     header                  // the frame being read
	scratch [8]byte                 // extended payload length
	ctl     [maxControlPayload]byte // a control frame's payload
	buf     []byte                  // maxHeader of headroom, then the message

	wmu       sync.Mutex
	w         io.Writer // nc; a buffer in tests
	closeSent bool
	wctl      [maxHeader + maxControlPayload]byte // an outgoing control frame
}

func newConn(nc net.Conn, br *bufio.Reader, maxSize int64) *conn {
	if br == nil {
		br = newReader(nc)
	}
	return &conn{nc: nc, br: br, maxSize: maxSize, w: nc}
}

// linger half-closes the connection and reads until the peer closes or
// lingerTime passes.
func (c *conn) linger() {
	if c.nc == nil {
		return
	}
	if tc, ok := c.nc.(interface{ CloseWrite() error }); ok {
		_ = tc.CloseWrite()
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(lingerTime))
	_, _ = io.Copy(io.Discard, c.br)
}
