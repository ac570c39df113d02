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
	"unicode/utf8"
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
//     answers it;
//   - with CheckText set, a text message that is not valid UTF-8
//     (TextUTF8Checked): CloseInvalidData, before the library has its
//     last byte. (Adapters that read whole messages check text with
//     ValidText instead, which is cheaper.)
//
// Read then fails (now and after) with ErrViolation; the adapter, seeing
// its library's read fail, asks Violation for the code and closes with it
// through the library. Everything else passes through unchanged for the
// library to check. Close lingers after a violation (see LingerClose).
//
// Only headers and close frames are looked at (a 256-byte buffer holds
// them), and text payloads when CheckText is set; payloads are passed
// through, in place when the library reads in large blocks.
type Guard struct {
	net.Conn
	limit int64

	// CheckText makes the guard check text messages too; set it before
	// the first Read.
	CheckText bool
	// Deflate says that the connection may have negotiated
	// permessage-deflate: a text message whose first frame has RSV1 set
	// is compressed, and is not checked (its bytes are not the text).
	// Set it before the first Read.
	Deflate bool
	// OnViolation, when set, is called with the close code when the guard
	// stops at a frame, before the library's read fails.
	OnViolation func(code int)

	// Used by the reading goroutine only.
	br     *bufio.Reader
	left   int64     // bytes of the current frame not yet passed on, header included
	msgLen int64     // payload bytes of the current message so far
	ctl    [125]byte // an unmasked close payload

	// Text checking (CheckText).
	textMsg  bool    // the current message is text
	deflated bool    // the current message is compressed (Deflate and RSV1)
	text     bool    // the current frame carries text to check
	fin      bool    // the current frame ends its message
	hdrLeft  int     // header bytes of the current frame not yet passed on
	key      [4]byte // the current frame's mask key
	pos      int     // payload bytes unmasked so far in the current frame
	utf      utf8Stream
	scratch  []byte // unmasked payload, checked and dropped

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
	if g.text && n > 0 && !g.checkText(p[:n]) {
		return 0, g.refuse(CloseInvalidData)
	}
	return n, err
}

// checkText feeds the payload bytes among p, the next bytes of the
// current frame, to the UTF-8 check; the header's bytes come first and are
// skipped. At the end of a message's last frame the text must end on a
// whole character.
func (g *Guard) checkText(p []byte) bool {
	skip := min(len(p), g.hdrLeft)
	g.hdrLeft -= skip
	p = p[skip:]
	for len(p) > 0 {
		chunk := g.scratch[:min(len(p), len(g.scratch))]
		for i := range chunk {
			chunk[i] = p[i] ^ g.key[g.pos&3]
			g.pos++
		}
		p = p[len(chunk):]
		if !g.utf.write(chunk) {
			return false
		}
	}
	if g.left == 0 && g.fin {
		return g.utf.end()
	}
	return true
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
	g.text = false
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
			g.textMsg = op == 0x1
			g.deflated = g.Deflate && h[0]&0x40 != 0
		}
		if g.CheckText && g.textMsg && !g.deflated && h[1]&0x80 != 0 {
			g.text, g.fin, g.hdrLeft, g.pos = true, fin, hlen, 0
			copy(g.key[:], h[hlen-4:hlen])
			if g.scratch == nil {
				g.scratch = make([]byte, 512)
			}
			if length == 0 && fin && !g.utf.end() {
				return g.refuse(CloseInvalidData)
			}
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
	if g.OnViolation != nil {
		g.OnViolation(code)
	}
	return ErrViolation
}

// utf8Stream checks that a text arriving in pieces is valid UTF-8; a
// character may be split between pieces.
type utf8Stream struct {
	part [utf8.UTFMax]byte // the start of a character cut by the last piece
	n    int
}

// write checks the next piece.
func (u *utf8Stream) write(b []byte) bool {
	for u.n > 0 && len(b) > 0 { // complete the cut character first
		u.part[u.n] = b[0]
		u.n++
		b = b[1:]
		if utf8.FullRune(u.part[:u.n]) {
			r, size := utf8.DecodeRune(u.part[:u.n])
			if r == utf8.RuneError && size <= 1 || size != u.n {
				return false
			}
			u.n = 0
		}
	}
	if u.n > 0 { // b ended inside the cut character
		return true
	}
	cut := len(b) // where a character cut by the piece's end starts
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		return false
	}
	u.n = copy(u.part[:], b[cut:])
	return true
}

// end reports whether the text ended on a whole character, and resets.
func (u *utf8Stream) end() bool {
	ok := u.n == 0
	u.n = 0
	return ok
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

// DrainBody sends the answer already written to w, then reads and drops
// what the client still sends of r's refused body (at most twice
// MaxMessageSize, for at most 2 s) before net/http closes the connection.
// Closing with the body unread makes the kernel send a reset, and a client
// still sending may then never read the answer. The handler should have
// set "Connection: close".
func DrainBody(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	_ = rc.SetReadDeadline(time.Now().Add(lingerTime))
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, lingerBytes))
}
