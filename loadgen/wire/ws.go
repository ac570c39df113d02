package wire

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// wsConn is an RFC 6455 client connection.
type wsConn struct {
	nc     net.Conn // counting
	cnt    *counters
	br     *bufio.Reader
	maxMsg int

	closeErr error // the server's close frame, once received (reader only)
	ctrl     [125]byte

	wmu  sync.Mutex
	wbuf []byte
	werr error  // sticky write error
	rng  uint64 // mask keys (xorshift64*), under wmu

	// dfl compresses and inflates messages when permessage-deflate was
	// negotiated (nil otherwise); zbuf holds a compressed message read.
	dfl  *deflater
	zbuf []byte
}

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// dialWS connects and performs the opening handshake for path.
func dialWS(ctx context.Context, t Target, o *Options, path string) (*wsConn, error) {
	cnt := new(counters)
	nc, err := dialTCP(ctx, t.Host, o, cnt)
	if err != nil {
		return nil, err
	}
	c, err := handshakeWS(ctx, nc, cnt, t, o, path)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

func handshakeWS(ctx context.Context, nc net.Conn, cnt *counters, t Target, o *Options, path string) (*wsConn, error) {
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	var seed [24]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return nil, err
	}
	key := base64.StdEncoding.EncodeToString(seed[:16])
	var req bytes.Buffer
	req.WriteString("GET ")
	req.WriteString(path)
	if t.Query != "" {
		req.WriteString("?" + t.Query)
	}
	req.WriteString(" HTTP/1.1\r\nHost: ")
	req.WriteString(t.Host)
	req.WriteString("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")
	req.WriteString(key)
	req.WriteString("\r\nSec-WebSocket-Version: 13\r\n")
	if offer := o.Deflate.offer(); offer != "" {
		req.WriteString("Sec-WebSocket-Extensions: " + offer + "\r\n")
	}
	req.WriteString("\r\n")
	if _, err := nc.Write(req.Bytes()); err != nil {
		return nil, ctxErr(ctx, err)
	}

	br := bufio.NewReaderSize(nc, o.ReadBufferSize)
	status, hdrs, err := readHead(br)
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	if status != 101 {
		// Read the start of the body for the message, without waiting for
		// more than the server announced.
		n := br.Buffered()
		if cl, err := strconv.Atoi(hdrs.get("content-length")); err == nil {
			n = cl
		}
		body := make([]byte, max(0, min(n, 200)))
		n, _ = io.ReadFull(br, body)
		return nil, &StatusError{Code: status, Body: firstLine(body[:n])}
	}
	sum := sha1.Sum([]byte(key + wsGUID))
	want := base64.StdEncoding.EncodeToString(sum[:])
	switch {
	case !hdrs.has("upgrade", "websocket"):
		return nil, protoErr("handshake: no Upgrade: websocket")
	case !hdrs.has("connection", "upgrade"):
		return nil, protoErr("handshake: no Connection: upgrade")
	case hdrs.get("sec-websocket-accept") != want:
		return nil, protoErr("handshake: wrong Sec-WebSocket-Accept")
	}
	params, deflated, err := parseDeflateAnswer(hdrs.get("sec-websocket-extensions"), o.Deflate)
	if err != nil {
		return nil, err
	}
	if o.Deflate.On() && !deflated && o.DeflateRequired {
		return nil, protoErr("handshake: permessage-deflate offered, not negotiated")
	}
	_ = nc.SetDeadline(time.Time{})
	c := &wsConn{
		nc:     nc,
		cnt:    cnt,
		br:     br,
		maxMsg: o.MaxMessageSize,
		wbuf:   make([]byte, 0, o.WriteBufferSize),
		rng:    binary.LittleEndian.Uint64(seed[16:]) | 1,
	}
	if deflated {
		c.dfl = newDeflater(params)
		cnt.deflate.Store(params.String())
	}
	return c, nil
}

// ctxErr prefers the context's error when it ended the operation.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func firstLine(b []byte) string {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// nextMask returns a fresh masking key (under wmu).
func (c *wsConn) nextMask() uint32 {
	x := c.rng
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	c.rng = x
	return uint32((x * 2685821657736338717) >> 32)
}

// appendData appends one data message as one frame, compressed when
// permessage-deflate was negotiated (under wmu).
func (c *wsConn) appendData(op byte, p []byte) error {
	if c.dfl == nil {
		c.appendFrameRSV(op, 0, p)
		return nil
	}
	z, err := c.dfl.compress(p)
	if err != nil {
		return err
	}
	c.cnt.payTX.Add(int64(len(p)))
	c.appendFrameRSV(op, rsv1, z)
	return nil
}

// rsv1 is the RSV1 bit as AppendFrameHeader takes it: the frame starts a
// compressed message (RFC 7692).
const rsv1 = 4

// appendFrame appends one masked, final frame (under wmu).
func (c *wsConn) appendFrame(op byte, p []byte) { c.appendFrameRSV(op, 0, p) }

func (c *wsConn) appendFrameRSV(op, rsv byte, p []byte) {
	key := c.nextMask()
	b := AppendFrameHeader(c.wbuf, true, rsv, op, uint64(len(p)), true, key)
	start := len(b)
	b = append(b, p...)
	MaskBytes(key, b[start:])
	c.wbuf = b
}

func opcode(binary bool) byte {
	if binary {
		return OpBinary
	}
	return OpText
}

func (c *wsConn) QueueMessage(binary bool, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	return c.appendData(opcode(binary), p)
}

func (c *wsConn) WriteMessage(binary bool, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if err := c.appendData(opcode(binary), p); err != nil {
		return err
	}
	return c.flushLocked()
}

func (c *wsConn) Flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.flushLocked()
}

func (c *wsConn) flushLocked() error {
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

// writeControl sends a control frame at once.
func (c *wsConn) writeControl(op byte, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	c.appendFrame(op, p)
	return c.flushLocked()
}

func (c *wsConn) Buffered() bool {
	have := c.br.Buffered()
	if have < 2 {
		return false
	}
	b, _ := c.br.Peek(min(have, MaxFrameHeader))
	h, hl := ParseFrameHeader(b)
	return len(b) >= hl && uint64(have-hl) >= h.Length
}

// ReadMessage reads the next data message, answering pings and handling
// a close frame on the way.
func (c *wsConn) ReadMessage(buf []byte) (bool, []byte, error) {
	if c.closeErr != nil {
		return false, buf[:0], c.closeErr
	}
	p := buf[:0]
	if c.dfl != nil {
		p = c.zbuf[:0] // the compressed bytes; buf gets the message
	}
	var msgOp byte
	started, compressed := false, false
	for {
		b, err := c.br.Peek(2)
		if err != nil {
			return false, p, err
		}
		_, hl := ParseFrameHeader(b)
		if b, err = c.br.Peek(hl); err != nil {
			return false, p, err
		}
		h, _ := ParseFrameHeader(b)
		fin, op, masked, n, rsv := h.Fin, h.Op, h.Masked, h.Length, h.Rsv
		_, _ = c.br.Discard(hl)
		switch {
		case rsv == rsv1 && c.dfl != nil && op != OpContinuation && op < OpClose:
			compressed = true // the first frame of a compressed message
		case rsv != 0 && c.dfl != nil:
			return false, buf[:0], protoErr("reserved bits set on a frame that may not carry RSV1")
		case rsv != 0:
			return false, p, protoErr("reserved bits set (no extension was negotiated)")
		case masked:
			return false, p, protoErr("masked frame from the server")
		}
		if op >= OpClose {
			if !fin || n > 125 {
				return false, p, protoErr("bad control frame")
			}
			cp := c.ctrl[:n]
			if _, err := io.ReadFull(c.br, cp); err != nil {
				return false, p, err
			}
			if err := c.control(op, cp); err != nil {
				return false, p, err
			}
			continue
		}
		switch {
		case op == OpContinuation && !started:
			return false, p, protoErr("continuation frame without a message")
		case op != OpContinuation && started:
			return false, p, protoErr("new message inside a fragmented one")
		case op != OpContinuation && op != OpText && op != OpBinary:
			return false, p, protoErr("unknown opcode %d", op)
		}
		if !started {
			started, msgOp = true, op
		}
		if uint64(len(p))+n > uint64(c.maxMsg) {
			return false, p, ErrTooBig
		}
		m := len(p)
		p = grow(p, int(n))
		if _, err := io.ReadFull(c.br, p[m:]); err != nil {
			return false, p[:m], err
		}
		if fin {
			if c.dfl == nil {
				return msgOp == OpBinary, p, nil
			}
			return c.finishDeflated(msgOp == OpBinary, buf, p, compressed)
		}
	}
}

// finishDeflated returns the message read into p (c.zbuf's space) on a
// connection that negotiated permessage-deflate: inflated into buf when
// it was compressed, else copied there.
func (c *wsConn) finishDeflated(binary bool, buf, p []byte, compressed bool) (bool, []byte, error) {
	c.zbuf = p[:0]
	var out []byte
	if compressed {
		var err error
		if out, err = c.dfl.inflate(buf, p, c.maxMsg); err != nil {
			return false, out[:0], err
		}
	} else {
		out = append(buf[:0], p...)
	}
	c.cnt.payRX.Add(int64(len(out)))
	return binary, out, nil
}

// grow extends p by n bytes, reallocating only when the capacity is short.
func grow(p []byte, n int) []byte {
	if cap(p)-len(p) >= n {
		return p[:len(p)+n]
	}
	q := make([]byte, len(p)+n, max(2*cap(p), len(p)+n))
	copy(q, p)
	return q
}

// control handles a control frame read by ReadMessage.
func (c *wsConn) control(op byte, p []byte) error {
	switch op {
	case OpPing:
		return c.writeControl(OpPong, p)
	case OpPong:
		return nil
	case OpClose:
		ce := &CloseError{Code: 1005}
		if len(p) >= 2 {
			ce.Code = int(binary.BigEndian.Uint16(p))
			ce.Reason = string(p[2:])
		}
		// Echo the code as the closing handshake asks, best effort.
		var reply []byte
		if len(p) >= 2 {
			reply = p[:2]
		}
		_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
		_ = c.writeControl(OpClose, reply)
		c.wmu.Lock()
		if c.werr == nil {
			c.werr = ce // nothing more may be sent after a close frame
		}
		c.wmu.Unlock()
		c.closeErr = ce
		return ce
	}
	return protoErr("unknown control opcode %d", op)
}

func (c *wsConn) SetReadDeadline(t time.Time) error  { return c.nc.SetReadDeadline(t) }
func (c *wsConn) SetWriteDeadline(t time.Time) error { return c.nc.SetWriteDeadline(t) }
func (c *wsConn) Stats() Stats                       { return c.cnt.stats() }

// Close sends a normal close frame (best effort, without waiting for the
// server's answer) and closes the TCP connection.
func (c *wsConn) Close() error {
	if c.wmu.TryLock() {
		if c.werr == nil {
			_ = c.nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			c.wbuf = c.wbuf[:0]
			c.appendFrame(OpClose, []byte{0x03, 0xE8}) // 1000
			_ = c.flushLocked()
		}
		c.werr = net.ErrClosed
		c.wmu.Unlock()
	}
	err := c.nc.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
