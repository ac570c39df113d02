// Package xnet serves echo and broadcast with golang.org/x/net/websocket.
//
// Idioms: websocket.Server with a nil Handshake (websocket.Handler would
// answer 403 to clients that send no Origin); x/net parses every frame,
// unmasks it, answers pings and writes every frame. Writes go through
// Conn.Write, which the library serialises.
//
// The package works frame by frame, and the suite needs what it lacks:
//
//   - Message boundaries. Codec.Receive and Conn.Read ignore the FIN bit, so
//     a fragmented message would come back as several messages. The reader
//     below walks the frames with the package's own frame reader
//     (Conn.NewFrameReader and Conn.HandleFrame, methods promoted from the
//     Conn's embedded frame interfaces), takes FIN and the opcode from the
//     frame header, and joins the fragments of a message.
//   - A message size limit. MaxPayloadBytes bounds one frame and only in
//     Codec.Receive; the reader checks each frame's declared length against
//     what is left of the suite's limit before reading its payload, and
//     answers a larger message with close code 1009.
//   - The close handshake. On a close frame HandleFrame returns io.EOF
//     without answering, and Conn.Close always sends 1000. The reader
//     answers with the peer's code through Conn.WriteClose, which writes a
//     close frame with any code (without a reason: it takes none).
//   - Protocol checks: reserved opcodes, RSV bits, interleaved data
//     messages and malformed control frames are answered with 1002, and no
//     data frame is written after a close frame.
package xnet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"time"

	"golang.org/x/net/websocket"

	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

type srv struct {
	env *server.Env
	hub *hub.Hub
}

// New returns the x/net server.
func New(env *server.Env) server.Server {
	s := &srv{env: env}
	s.hub = hub.New(env, nil)
	return server.NewHTTP(env,
		websocket.Server{Handler: s.echo},
		websocket.Server{Handler: s.broadcast})
}

// accept registers the connection; the caller must call the returned
// release function. The library's Server closes the TCP connection when
// the handler returns.
func (s *srv) accept(ws *websocket.Conn) (*conn, func()) {
	c := &conn{ws: ws, limit: s.env.MaxMessageSize}
	untrack := s.env.Track(func(code int, reason string) {
		c.closeWithin(code, time.Second)
	})
	return c, untrack
}

func (s *srv) echo(ws *websocket.Conn) {
	c, release := s.accept(ws)
	defer release()
	var buf bytes.Buffer
	for {
		bin, err := c.readMessage(&buf)
		if err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		if err := c.writeMessage(bin, buf.Bytes()); err != nil {
			return
		}
		s.env.Stats.MsgsOut.Add(1)
	}
}

func (s *srv) broadcast(ws *websocket.Conn) {
	c, release := s.accept(ws)
	defer release()
	sub := s.hub.Join(func(code int, reason string) {
		c.closeWithin(code, 100*time.Millisecond)
	})
	defer s.hub.Leave(sub)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		return c.writeMessage(m.Binary, m.Payload)
	}, func() {
		// There is no close without a close frame: end the read loop, and
		// the handler's return closes the connection.
		_ = ws.SetDeadline(time.Now())
	})
	var buf bytes.Buffer
	for {
		bin, err := c.readMessage(&buf)
		if err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		s.hub.Publish(bin, buf.Bytes())
	}
}

// Close codes sent by the reader (RFC 6455, section 7.4.1).
const (
	closeProtocolError = 1002
	closeTooBig        = server.CloseTooBig
)

var (
	errCloseSent   = errors.New("xnet: close frame already sent")
	errPeerClosed  = errors.New("xnet: peer sent a close frame")
	errProtocol    = errors.New("xnet: protocol error")
	errTooBig      = errors.New("xnet: message over the size limit")
	errShortHeader = errors.New("xnet: frame header unavailable")
)

// conn is a *websocket.Conn with message boundaries, a size limit, the
// close handshake and write ordering around the close frame.
type conn struct {
	ws    *websocket.Conn
	limit int64

	mu     sync.Mutex // orders data frames and the close frame
	closed bool       // a close frame was sent: no data frame may follow

	hdr [14]byte  // reader scratch: one frame header
	ctl [125]byte // reader scratch: one control frame payload
}

// writeMessage sends p as one frame of the given type.
func (c *conn) writeMessage(bin bool, p []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errCloseSent
	}
	// PayloadType is read only by Conn.Write, under c.mu here.
	c.ws.PayloadType = websocket.TextFrame
	if bin {
		c.ws.PayloadType = websocket.BinaryFrame
	}
	_, err := c.ws.Write(p)
	return err
}

// writeClose sends a close frame with code, once.
func (c *conn) writeClose(code int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errCloseSent
	}
	c.closed = true
	return c.ws.WriteClose(code)
}

// closeWithin starts the close handshake with code and makes the read loop
// end within d: the deadline also unblocks a write stuck on a client that
// does not read. The peer's answer, if it comes in time, ends the read loop
// first.
func (c *conn) closeWithin(code int, d time.Duration) {
	deadline := time.Now().Add(d)
	_ = c.ws.SetWriteDeadline(deadline)
	_ = c.writeClose(code)
	_ = c.ws.SetReadDeadline(deadline)
}

// fail closes the connection with code and returns err.
func (c *conn) fail(code int, err error) error {
	_ = c.writeClose(code)
	return err
}

// frameHeader is what the reader needs from a frame header.
type frameHeader struct {
	fin, masked bool
	rsv, opcode byte
	length      int64
}

// header decodes the header bytes that x/net keeps with each frame.
func (c *conn) header(hr io.Reader) (frameHeader, error) {
	var h frameHeader
	if hr == nil {
		return h, errShortHeader
	}
	b := c.hdr[:]
	if _, err := io.ReadFull(hr, b[:2]); err != nil {
		return h, errShortHeader
	}
	h.fin = b[0]&0x80 != 0
	h.rsv = b[0] & 0x70
	h.opcode = b[0] & 0x0f
	h.masked = b[1]&0x80 != 0
	switch n := b[1] & 0x7f; n {
	case 126:
		if _, err := io.ReadFull(hr, b[2:4]); err != nil {
			return h, errShortHeader
		}
		h.length = int64(binary.BigEndian.Uint16(b[2:4]))
	case 127:
		if _, err := io.ReadFull(hr, b[2:10]); err != nil {
			return h, errShortHeader
		}
		h.length = int64(binary.BigEndian.Uint64(b[2:10]) &^ (1 << 63)) // x/net clears the MSB too
	default:
		h.length = int64(n)
	}
	return h, nil // HandleFrame discards the rest (the mask)
}

// readMessage reads the next data message into buf and reports whether it
// is binary. It answers control frames on the way; it returns an error when
// the connection must end, after sending a close frame if the peer broke
// the protocol, sent too much, or closed.
func (c *conn) readMessage(buf *bytes.Buffer) (bin bool, err error) {
	buf.Reset()
	var op byte // the message's opcode once its first frame is read
	for {
		fr, err := c.ws.NewFrameReader()
		if err != nil {
			return false, err
		}
		h, err := c.header(fr.HeaderReader())
		if err != nil {
			return false, err
		}
		if h.rsv != 0 || !h.masked {
			return false, c.fail(closeProtocolError, errProtocol)
		}
		switch h.opcode {
		case websocket.CloseFrame, websocket.PingFrame, websocket.PongFrame:
			if !h.fin || h.length > int64(len(c.ctl)) {
				return false, c.fail(closeProtocolError, errProtocol)
			}
			if h.opcode == websocket.CloseFrame {
				return false, c.answerClose(fr, int(h.length))
			}
			if _, err := c.ws.HandleFrame(fr); err != nil { // answers a ping
				return false, err
			}
			continue
		case websocket.ContinuationFrame:
			if op == 0 {
				return false, c.fail(closeProtocolError, errProtocol)
			}
		case websocket.TextFrame, websocket.BinaryFrame:
			if op != 0 {
				return false, c.fail(closeProtocolError, errProtocol)
			}
			op = h.opcode
		default:
			return false, c.fail(closeProtocolError, errProtocol)
		}
		if h.length > c.limit-int64(buf.Len()) {
			return false, c.fail(closeTooBig, errTooBig)
		}
		data, err := c.ws.HandleFrame(fr)
		if err != nil {
			return false, err
		}
		n, err := buf.ReadFrom(data) // unmasks; ends at the frame's end
		if err == nil && n != h.length {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return false, err
		}
		if h.fin {
			return op == websocket.BinaryFrame, nil
		}
	}
}

// answerClose reads the peer's close frame and answers it with the same
// code (1000 when it carried none, 1002 when it is malformed), unless a
// close frame was already sent: then this completes the handshake.
func (c *conn) answerClose(fr io.Reader, n int) error {
	p := c.ctl[:n]
	if _, err := io.ReadFull(fr, p); err != nil {
		return err
	}
	code := server.CloseNormal
	switch {
	case n == 1:
		code = closeProtocolError
	case n >= 2:
		code = int(binary.BigEndian.Uint16(p))
		if !validCloseCode(code) {
			code = closeProtocolError
		}
	}
	_ = c.writeClose(code)
	return errPeerClosed
}

// validCloseCode reports whether code may appear in a close frame
// (RFC 6455, section 7.4).
func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1014:
		return code != 1004 && code != 1005 && code != 1006
	default:
		return code >= 3000 && code <= 4999
	}
}
