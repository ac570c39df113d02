package wire

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// The plain TCP protocol (servers/tcp), the suite's ceiling: after a
// one-line preamble naming the endpoint ("ECHO\n" or "BROADCAST\n") and
// the server's "OK\n", every message in both directions is a 4-byte
// big-endian length and the payload. There are no message types (binary
// is ignored on send and reported true on receipt) and no close codes:
// the server ends a connection by closing it.

// tcpLenSize is the size of a message's length prefix.
const tcpLenSize = 4

// tcpPreambles maps an endpoint path to the line that selects it.
var tcpPreambles = map[string]string{"/echo": "ECHO\n", "/broadcast": "BROADCAST\n"}

// tcpReady is the server's answer to a preamble.
const tcpReady = "OK\n"

type tcpConn struct {
	nc     net.Conn // counting
	cnt    *counters
	br     *bufio.Reader
	maxMsg int

	wmu  sync.Mutex
	wbuf []byte
	werr error // sticky write error
}

// dialTCPMsg connects, sends the preamble for path and waits for the
// server's answer.
func dialTCPMsg(ctx context.Context, t Target, o *Options) (*tcpConn, error) {
	preamble, ok := tcpPreambles[t.Path]
	if !ok {
		return nil, protoErr("tcp: no endpoint %q (want /echo or /broadcast)", t.Path)
	}
	cnt := new(counters)
	nc, err := dialTCP(ctx, t.Host, o, cnt)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	br := bufio.NewReaderSize(nc, o.ReadBufferSize)
	if _, err := io.WriteString(nc, preamble); err != nil {
		nc.Close()
		return nil, ctxErr(ctx, err)
	}
	line, err := br.ReadSlice('\n')
	if err != nil {
		nc.Close()
		return nil, ctxErr(ctx, err)
	}
	if string(line) != tcpReady {
		nc.Close()
		return nil, protoErr("tcp: preamble answered %q, want %q", firstLine(line), tcpReady)
	}
	_ = nc.SetDeadline(time.Time{})
	return &tcpConn{nc: nc, cnt: cnt, br: br, maxMsg: o.MaxMessageSize, wbuf: make([]byte, 0, o.WriteBufferSize)}, nil
}

func (c *tcpConn) QueueMessage(_ bool, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	c.wbuf = binary.BigEndian.AppendUint32(c.wbuf, uint32(len(p)))
	c.wbuf = append(c.wbuf, p...)
	return nil
}

func (c *tcpConn) WriteMessage(binary bool, p []byte) error {
	if err := c.QueueMessage(binary, p); err != nil {
		return err
	}
	return c.Flush()
}

func (c *tcpConn) Flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if len(c.wbuf) == 0 {
		return nil
	}
	_, err := c.nc.Write(c.wbuf)
	c.wbuf = c.wbuf[:0]
	if err != nil {
		c.werr = err
	}
	return err
}

func (c *tcpConn) Buffered() bool {
	have := c.br.Buffered()
	if have < tcpLenSize {
		return false
	}
	b, _ := c.br.Peek(tcpLenSize)
	return uint64(have-tcpLenSize) >= uint64(binary.BigEndian.Uint32(b))
}

func (c *tcpConn) ReadMessage(buf []byte) (bool, []byte, error) {
	b, err := c.br.Peek(tcpLenSize)
	if err != nil {
		return true, buf[:0], err
	}
	n := int(binary.BigEndian.Uint32(b))
	if n > c.maxMsg {
		return true, buf[:0], ErrTooBig
	}
	_, _ = c.br.Discard(tcpLenSize)
	p := grow(buf[:0], n)
	if _, err := io.ReadFull(c.br, p); err != nil {
		return true, p[:0], err
	}
	return true, p, nil
}

func (c *tcpConn) SetReadDeadline(t time.Time) error  { return c.nc.SetReadDeadline(t) }
func (c *tcpConn) SetWriteDeadline(t time.Time) error { return c.nc.SetWriteDeadline(t) }
func (c *tcpConn) Stats() Stats                       { return c.cnt.stats() }

func (c *tcpConn) Close() error {
	c.wmu.Lock()
	c.werr = net.ErrClosed
	c.wmu.Unlock()
	err := c.nc.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
