package native

import (
	"encoding/binary"
	"errors"
)

var errCloseSent = errors.New("websocket: close frame already sent")

// writeFrame writes one whole frame (header and payload together) to the
// socket. Every frame goes out in a single Write, under c.wmu, and nothing
// follows a close frame.
func (c *conn) writeFrame(p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(p)
}

func (c *conn) writeLocked(p []byte) error {
	if c.closeSent {
		return errCloseSent
	}
	if p[0]&maskOpcode == opClose {
		c.closeSent = true
	}
	_, err := c.w.Write(p)
	return err
}

// writeMessage sends the message next returned (it lies in c.buf after the
// headroom) as one frame of type op.
func (c *conn) writeMessage(op byte) error {
	n := len(c.buf) - maxHeader
	hn := putHeader(c.buf[:maxHeader], op, n)
	return c.writeFrame(c.buf[maxHeader-hn:])
}

// writeControl sends a control frame with payload p (at most 125 bytes).
func (c *conn) writeControl(op byte, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	n := copy(c.wctl[maxHeader:], p)
	hn := putHeader(c.wctl[:maxHeader], op, n)
	return c.writeLocked(c.wctl[maxHeader-hn : maxHeader+n])
}

// writeClose sends a close frame with code and reason (cut to fit a
// control frame), unless one went out already.
func (c *conn) writeClose(code int, reason string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	body := c.wctl[maxHeader:]
	binary.BigEndian.PutUint16(body, uint16(code))
	n := 2 + copy(body[2:], reason)
	hn := putHeader(c.wctl[:maxHeader], opClose, n)
	return c.writeLocked(c.wctl[maxHeader-hn : maxHeader+n])
}

// writeCloseBody answers a peer's close with its code; closeNoStatus is
// answered with an empty close frame.
func (c *conn) writeCloseBody(code int) error {
	if code == closeNoStatus {
		return c.writeControl(opClose, nil)
	}
	return c.writeClose(code, "")
}

// prepareFrame encodes a broadcast message once as a whole frame.
func prepareFrame(binary bool, p []byte) any {
	op := byte(opText)
	if binary {
		op = opBinary
	}
	f := make([]byte, maxHeader+len(p))
	hn := putHeader(f[:maxHeader], op, len(p))
	copy(f[maxHeader:], p)
	return f[maxHeader-hn:]
}
