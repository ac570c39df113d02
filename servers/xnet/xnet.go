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
//   - The checks on received data (Library.AdapterChecks): a text message
//     that is not UTF-8 and a close reason that is not UTF-8 are answered
//     with 1007 (server.ValidText, server.CloseReply); the size limit is
//     checked from each frame header, and after the 1009 the rest of the
//     frame is read and dropped (for at most 2 s) so that the client, still
//     sending, gets the close frame rather than a reset.
package xnet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"time"

	"golang.org/x/net/websocket"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

// Options are the adapter's configuration choices. x/net offers none for
// the write path: Conn.Write sends each message as one frame through
// net/http's 4 KiB buffered writer.
type Options struct {
	// PooledBuffer reads each message into a buffer borrowed from a pool
	// for the time of one message; otherwise each connection keeps its
	// own, which grows to the largest message it has seen.
	PooledBuffer bool
}

// Production is the configuration New uses, chosen by the ablation in
// results/tuning/.
var Production = Options{PooledBuffer: true}

// Variants are the configurations the ablation benchmarks compare; the
// first is Production.
func Variants() []server.Variant {
	v := func(name string, o Options) server.Variant {
		return server.Variant{Name: name, New: func(env *server.Env) server.Server { return NewWith(env, o) }}
	}
	return []server.Variant{
		v("pooled-buffer", Production),
		v("conn-buffer", Options{PooledBuffer: false}),
	}
}

type srv struct {
	env  *server.Env
	opt  Options
	hub  *hub.Hub
	chat *chat.Hub
}

// New returns the x/net server.
func New(env *server.Env) server.Server { return NewWith(env, Production) }

// NewWith returns the x/net server configured by o.
func NewWith(env *server.Env, o Options) server.Server {
	s := &srv{env: env, opt: o}
	s.hub = hub.New(env, nil)
	s.chat = chat.New(env, nil)
	hs := server.NewHTTP(env,
		websocket.Server{Handler: s.echo},
		websocket.Server{Handler: s.broadcast})
	hs.Handle(server.PathChat, websocket.Server{Handler: s.serveChat})
	return hs
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
	var own bytes.Buffer
	for {
		buf := &own
		if s.opt.PooledBuffer {
			buf = server.GetBuffer()
		}
		bin, err := c.readMessage(buf)
		if err == nil {
			s.env.Stats.MsgsIn.Add(1)
			err = c.writeMessage(bin, buf.Bytes())
		}
		if s.opt.PooledBuffer {
			server.PutBuffer(buf)
		}
		if err != nil {
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
	for {
		buf := server.GetBuffer()
		bin, err := c.readMessage(buf)
		if err != nil {
			server.PutBuffer(buf)
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		s.hub.Publish(bin, buf.Bytes()) // Publish copies
		server.PutBuffer(buf)
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
	errInvalidText = errors.New("xnet: text message is not valid UTF-8")
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
			err := c.fail(closeTooBig, errTooBig)
			if data, herr := c.ws.HandleFrame(fr); herr == nil && data != nil {
				c.drain(data)
			}
			return false, err
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
			if op == websocket.TextFrame && !server.ValidText(buf.Bytes()) {
				return false, c.fail(server.CloseInvalidData, errInvalidText)
			}
			return op == websocket.BinaryFrame, nil
		}
	}
}

// drain reads and drops the payload of a refused frame, for at most
// lingerTime: a client still sending it then reads the close frame instead
// of a reset.
func (c *conn) drain(data io.Reader) {
	_ = c.ws.SetReadDeadline(time.Now().Add(lingerTime))
	_, _ = io.Copy(io.Discard, io.LimitReader(data, 2*c.limit))
}

// lingerTime bounds drain.
const lingerTime = 2 * time.Second

// answerClose reads the peer's close frame and answers it with the same
// code (1000 when it carried none, 1002 when it is malformed, 1007 when its
// reason is not UTF-8), unless a close frame was already sent: then this
// completes the handshake.
func (c *conn) answerClose(fr io.Reader, n int) error {
	p := c.ctl[:n]
	if _, err := io.ReadFull(fr, p); err != nil {
		return err
	}
	_ = c.writeClose(server.CloseReply(p))
	return errPeerClosed
}
