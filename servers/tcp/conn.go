package tcp

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/wsbench/wsbench/servers/internal/handoff"
)

// lenSize is the size of a message's length prefix.
const lenSize = 4

// keepBuffer is the largest message buffer a connection keeps between
// messages.
const keepBuffer = 128 << 10

// errTooBig: a message declared over the limit; the connection is closed.
var errTooBig = errors.New("tcp: message too big")

func putLen(b []byte, n int) { binary.BigEndian.PutUint32(b, uint32(n)) }

// conn is one TCP connection after its preamble.
type conn struct {
	nc      net.Conn
	br      *bufio.Reader
	maxSize int64
	buf     []byte // lenSize of headroom, then the message

	wmu sync.Mutex // one whole message per Write
}

// newConn reads nc through a buffer, starting with rest (bytes that came
// with the preamble).
func newConn(nc net.Conn, rest []byte, maxSize int64) *conn {
	var r io.Reader = nc
	if len(rest) > 0 {
		r = &handoff.Conn{Conn: nc, Prefix: append([]byte(nil), rest...)}
	}
	return &conn{nc: nc, br: bufio.NewReaderSize(r, 4096), maxSize: maxSize}
}

// next reads one message into c.buf; the limit is applied to the declared
// length, before the payload is read.
func (c *conn) next() error {
	if cap(c.buf) < lenSize {
		c.buf = make([]byte, lenSize, lenSize+512)
	}
	c.buf = c.buf[:lenSize]
	if _, err := io.ReadFull(c.br, c.buf); err != nil {
		return err
	}
	n := int64(binary.BigEndian.Uint32(c.buf))
	if n > c.maxSize {
		return errTooBig
	}
	if int64(cap(c.buf)) < lenSize+n {
		b := make([]byte, lenSize, lenSize+n)
		copy(b, c.buf) // the length, sent back with the echo
		c.buf = b
	}
	c.buf = c.buf[:lenSize+n]
	_, err := io.ReadFull(c.br, c.buf[lenSize:])
	return err
}

// payload is the message next read.
func (c *conn) payload() []byte { return c.buf[lenSize:] }

// writeMessage echoes the message next read: length and payload in one
// Write.
func (c *conn) writeMessage() error { return c.write(c.buf) }

// write writes p whole.
func (c *conn) write(p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.nc.Write(p)
	return err
}

// recycle drops a large message buffer once its message is handled.
func (c *conn) recycle() {
	if cap(c.buf) > keepBuffer {
		c.buf = nil
	}
}

// cut ends the connection from another goroutine (shutdown, slow
// subscriber): a write stuck on a client that does not read is freed, and
// the read loop ends.
func (c *conn) cut() {
	_ = c.nc.SetWriteDeadline(time.Now())
	_ = c.nc.Close()
}
