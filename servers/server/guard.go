package server

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Guard is the server side of a hijacked WebSocket connection, for
// libraries that offer no hook for two checks RFC 6455 requires. Its Read
// follows the client's frame headers and stops, before the library sees
// the frame, at
//
//   - a data frame whose header makes its message longer than the limit
//     (TooBigFromHeader): CloseTooBig, before the payload is read;
//   - a close frame whose reason is not valid UTF-8
//     (CloseReasonUTF8Checked): CloseInvalidData, before the library
//     answers it.
//
// Read then fails (now and after) with ErrViolation; the adapter, seeing
// its library's read fail, asks Violation for the code and closes with it
// through the library. Everything else passes through unchanged for the
// library to check. Close lingers after a violation (see LingerClose).
//
// Only headers and close frames are looked at (a 256-byte buffer holds
// them); payloads are passed through, in place when the library reads in
// large blocks.
type Guard struct {
	net.Conn
	limit int64

	// Used by the reading goroutine only.
	br     *bufio.Reader
	left   int64     // bytes of the current frame not yet passed on, header included
	msgLen int64     // payload bytes of the current message so far
	ctl    [125]byte // an unmasked close payload

	code atomic.Int32 // the violation's close code, 0 while none
}

// ErrViolation is what Guard.Read returns once it has stopped at a frame.
var ErrViolation = errors.New("server: frame refused by the guard")

// NewGuard wraps nc, the connection a library reads from, with the checks
// above; limit is the largest message accepted. buffered is what was read
// from nc before (net/http's reader may hold the client's first bytes when
// the handler hijacks the connection): the guard reads it first.
func NewGuard(nc net.Conn, buffered []byte, limit int64) *Guard {
	var src io.Reader = nc
	if len(buffered) > 0 {
		src = io.MultiReader(bytes.NewReader(buffered), nc)
	}
	return &Guard{Conn: nc, limit: limit, br: bufio.NewReaderSize(src, 256)}
}

// Hijack hijacks w's connection and wraps it in a Guard. The returned
// ReadWriter's Reader is empty (what it held is the guard's now); its
// Writer writes to the connection as before.
func Hijack(w http.ResponseWriter, limit int64) (*Guard, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil, err
	}
	b, _ := brw.Reader.Peek(brw.Reader.Buffered())
	g := NewGuard(nc, bytes.Clone(b), limit)
	brw.Reader.Reset(g)
	return g, brw, nil
}

// Violation returns the close code for the frame the guard stopped at, or
// 0 when it stopped at none.
func (g *Guard) Violation() int { return int(g.code.Load()) }

// Read passes the client's bytes on, frame by frame.
func (g *Guard) Read(p []byte) (int, error) {
	if g.code.Load() != 0 {
		return 0, ErrViolation
	}
	if g.left == 0 {
		if err := g.next(); err != nil {
			return 0, err
		}
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, err := g.br.Read(p)
	g.left -= int64(n)
	return n, err
}

// next reads the next frame header and sets left to the frame's length,
// or refuses the frame.
func (g *Guard) next() error {
	h, err := g.br.Peek(2)
	if err != nil {
		return g.passRest(err)
	}
	op, fin := h[0]&0x0f, h[0]&0x80 != 0
	hlen, n7 := 2, int(h[1]&0x7f)
	switch n7 {
	case 126:
		hlen += 2
	case 127:
		hlen += 8
	}
	if h[1]&0x80 != 0 {
		hlen += 4 // mask key
	}
	if h, err = g.br.Peek(hlen); err != nil {
		return g.passRest(err)
	}
	length := int64(n7)
	switch n7 {
	case 126:
		length = int64(binary.BigEndian.Uint16(h[2:]))
	case 127:
		u := binary.BigEndian.Uint64(h[2:])
		if u > 1<<62 {
			g.left = int64(hlen) // invalid (MSB set) or absurd: the library's to refuse
			return nil
		}
		length = int64(u)
	}
	g.left = int64(hlen) + length
	switch {
	case op == 0x8 && length <= int64(len(g.ctl)) && h[1]&0x80 != 0:
		f, err := g.br.Peek(hlen + int(length))
		if err != nil {
			return g.passRest(err)
		}
		key := f[hlen-4 : hlen]
		p := g.ctl[:length]
		for i := range p {
			p[i] = f[hlen+i] ^ key[i&3]
		}
		if CloseReply(p) == CloseInvalidData {
			return g.refuse(CloseInvalidData)
		}
	case op&0x8 != 0: // other control frames
	default: // data frames (and reserved opcodes, which the library refuses)
		if op != 0 {
			g.msgLen = 0
		}
		if length > g.limit-g.msgLen {
			return g.refuse(CloseTooBig)
		}
		g.msgLen += length
		if fin {
			g.msgLen = 0
		}
	}
	return nil
}

// passRest hands the library what is buffered before err (a frame cut
// short), so that it reports the connection's end as it would unguarded.
func (g *Guard) passRest(err error) error {
	g.left = int64(g.br.Buffered())
	if g.left == 0 {
		return err
	}
	return nil
}

func (g *Guard) refuse(code int) error {
	g.left = 0
	g.code.Store(int32(code))
	return ErrViolation
}

// Close closes the connection; after a violation it lingers (LingerClose).
func (g *Guard) Close() error {
	if g.code.Load() != 0 {
		return LingerClose(g.Conn)
	}
	return g.Conn.Close()
}

// How long and how much LingerClose reads before closing.
const (
	lingerTime  = 2 * time.Second
	lingerBytes = 2 * MaxMessageSize
)

// LingerClose closes nc after the server sent a close frame to a client
// that may still be sending (a message over the limit, say). A plain Close
// with unread input makes the kernel send a reset, and a client that gets
// the reset may never read the close frame before it. LingerClose sends
// FIN instead (half-close), discards what the client still sends until it
// closes, for at most 2 s, then closes.
func LingerClose(nc net.Conn) error {
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_ = nc.SetReadDeadline(time.Now().Add(lingerTime))
	_, _ = io.Copy(io.Discard, io.LimitReader(nc, lingerBytes))
	return nc.Close()
}
