package native

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"unicode/utf8"
)

// closeError is a read error that ends the connection with a close frame
// carrying code.
type closeError struct {
	code   int
	reason string
}

func (e *closeError) Error() string { return "websocket: " + e.reason }

func protocolError(reason string) error { return &closeError{code: closeProtocol, reason: reason} }

// errPeerClosed: the peer sent a close frame and it was answered.
var errPeerClosed = errors.New("websocket: closed by peer")

// keepBuffer is the largest message buffer a connection keeps between
// messages; a larger one is dropped after its message and allocated again
// for the next large message.
const keepBuffer = 128 << 10

// readHeader reads one frame header.
func (c *conn) readHeader(h *header) error {
	b0, err := c.br.ReadByte()
	if err != nil {
		return err
	}
	b1, err := c.br.ReadByte()
	if err != nil {
		return err
	}
	h.fin = b0&bitFin != 0
	h.rsv = b0 & bitsRsv
	h.op = b0 & maskOpcode
	h.masked = b1&bitMask != 0
	switch n := b1 & maskLen7; n {
	case 126:
		if _, err := io.ReadFull(c.br, c.scratch[:2]); err != nil {
			return err
		}
		h.length = uint64(binary.BigEndian.Uint16(c.scratch[:2]))
	case 127:
		if _, err := io.ReadFull(c.br, c.scratch[:8]); err != nil {
			return err
		}
		h.length = binary.BigEndian.Uint64(c.scratch[:8])
		if h.length>>63 != 0 {
			return protocolError("frame length with the most significant bit set")
		}
	default:
		h.length = uint64(n)
	}
	if h.masked {
		if _, err := io.ReadFull(c.br, h.key[:]); err != nil {
			return err
		}
	}
	return nil
}

// check applies the framing rules a server enforces on every frame
// (RFC 6455 section 5), given whether a fragmented message is open.
func (h *header) check(inMessage bool) error {
	switch {
	case h.rsv != 0:
		return protocolError("reserved bits set (no extension was negotiated)")
	case !knownOpcode(h.op):
		return protocolError("unknown opcode")
	case !h.masked:
		return protocolError("unmasked client frame")
	case isControl(h.op) && !h.fin:
		return protocolError("fragmented control frame")
	case isControl(h.op) && h.length > maxControlPayload:
		return protocolError("control frame payload over 125 bytes")
	case h.op == opContinuation && !inMessage:
		return protocolError("continuation frame without a message to continue")
	case (h.op == opText || h.op == opBinary) && inMessage:
		return protocolError("new message inside a fragmented message")
	}
	return nil
}

// next reads the next data message, answering the control frames that
// come before it and between its fragments. The payload is valid until
// the next call; it lives in c.buf after maxHeader bytes of headroom, where
// an echo writes its header. Errors: a *closeError when the connection
// must be closed with a code, errPeerClosed after a close handshake, or the
// I/O error.
func (c *conn) next() (op byte, payload []byte, err error) {
	h := &c.hdr // a local would escape: its mask key is read through io.Reader
	inMessage := false
	if cap(c.buf) < maxHeader {
		c.buf = make([]byte, maxHeader, maxHeader+512)
	}
	c.buf = c.buf[:maxHeader]
	for {
		if err := c.readHeader(h); err != nil {
			return 0, nil, err
		}
		if err := h.check(inMessage); err != nil {
			return 0, nil, err
		}
		if isControl(h.op) {
			if err := c.control(h); err != nil {
				return 0, nil, err
			}
			continue
		}
		if h.op != opContinuation {
			op, inMessage = h.op, true
		}
		// The limit is applied to the declared length, before any of the
		// payload is read.
		have := uint64(len(c.buf) - maxHeader)
		if h.length > uint64(c.maxSize)-have {
			return 0, nil, &closeError{code: closeTooBig, reason: "message too big"}
		}
		start := len(c.buf)
		c.buf = grow(c.buf, int(h.length))
		p := c.buf[start:]
		if _, err := io.ReadFull(c.br, p); err != nil {
			return 0, nil, err
		}
		mask(h.key, 0, p)
		if h.fin {
			break
		}
	}
	payload = c.buf[maxHeader:]
	if op == opText && !utf8.Valid(payload) {
		return 0, nil, &closeError{code: closeInvalidData, reason: "invalid UTF-8 in a text message"}
	}
	return op, payload, nil
}

// grow extends b by n bytes, reallocating at least twice its capacity.
func grow(b []byte, n int) []byte {
	if len(b)+n <= cap(b) {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, max(len(b)+n, 2*cap(b)))
	copy(nb, b)
	return nb
}

// recycle drops a large message buffer once its message is handled.
func (c *conn) recycle() {
	if cap(c.buf) > keepBuffer {
		c.buf = nil
	}
}

// control handles one control frame whose header h has been read.
func (c *conn) control(h *header) error {
	p := c.ctl[:h.length]
	if _, err := io.ReadFull(c.br, p); err != nil {
		return err
	}
	mask(h.key, 0, p)
	switch h.op {
	case opPing:
		return c.writeControl(opPong, p)
	case opPong:
		return nil
	default: // opClose
		code, err := parseClose(p)
		if err != nil {
			return err
		}
		_ = c.writeCloseBody(code) // errCloseSent when it answers our own close
		return errPeerClosed
	}
}

// newReader is the bufio size used when a connection has no reader yet
// (tests).
func newReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 4096) }
