package wire

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"
)

// sockjsConn speaks SockJS over its websocket transport: the session URL is
// PREFIX/{server}/{session}/websocket; the server opens with "o", sends
// messages as a["m1","m2",...], heartbeats as "h" and closes with
// c[code,"reason"]; the client sends ["m"] text frames. Messages are JSON
// strings, so the binary flag is ignored (everything is text).
type sockjsConn struct {
	*wsConn
	enc   []byte // outgoing frame payload
	frame []byte // last incoming frame
	fr    frames // its decoded messages
}

// frames holds the messages of the last SockJS frame received, decoded;
// the websocket and the xhr transports share it.
type frames struct {
	msgs []byte // decoded messages of the frame
	ends []int  // end offsets of the messages in msgs
	next int    // index of the next message to hand out
}

// pending reports whether a decoded message waits to be handed out.
func (f *frames) pending() bool { return f.next < len(f.ends) }

// pop copies the next message into buf[:0] (pending must be true).
func (f *frames) pop(buf []byte) []byte {
	start := 0
	if f.next > 0 {
		start = f.ends[f.next-1]
	}
	m := f.msgs[start:f.ends[f.next]]
	f.next++
	p := grow(buf[:0], len(m))
	copy(p, m)
	return p
}

// sessionPath is PREFIX/{server}/{session} for a new session under the
// prefix path, with a random server number and session id.
func sessionPath(prefix string) (string, error) {
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	server := strconv.Itoa(int(r[0]) % 1000)
	session := strconv.FormatUint(binary.LittleEndian.Uint64(r[:])>>1, 36)
	for len(prefix) > 1 && prefix[len(prefix)-1] == '/' {
		prefix = prefix[:len(prefix)-1]
	}
	if prefix == "/" {
		prefix = ""
	}
	return prefix + "/" + server + "/" + session, nil
}

func dialSockJS(ctx context.Context, t Target, o *Options) (*sockjsConn, error) {
	base, err := sessionPath(t.Path)
	if err != nil {
		return nil, err
	}
	ws, err := dialWS(ctx, t, o, base+"/websocket")
	if err != nil {
		return nil, err
	}
	c := &sockjsConn{wsConn: ws, enc: make([]byte, 0, o.WriteBufferSize)}
	// The open frame "o" comes first.
	if dl, ok := ctx.Deadline(); ok {
		_ = ws.nc.SetReadDeadline(dl)
	}
	_, f, err := ws.ReadMessage(nil)
	_ = ws.nc.SetReadDeadline(time.Time{})
	if err == nil && string(f) != "o" {
		err = protoErr("sockjs: expected open frame \"o\", got %q", truncate(f))
	}
	if err != nil {
		ws.nc.Close()
		return nil, ctxErr(ctx, err)
	}
	return c, nil
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// encode builds the frame ["p"] in c.enc, escaping as JSON requires.
func (c *sockjsConn) encode(p []byte) []byte {
	b := append(c.enc[:0], '[', '"')
	b = appendJSONString(b, p)
	b = append(b, '"', ']')
	c.enc = b
	return b
}

const hexLower = "0123456789abcdef"

// appendJSONString appends p as the inside of a JSON string. Printable
// ASCII other than '"' and '\\' is copied as is.
func appendJSONString(b, p []byte) []byte {
	start := 0
	for i := 0; i < len(p); i++ {
		ch := p[i]
		if ch >= 0x20 && ch < 0x7F && ch != '"' && ch != '\\' {
			continue
		}
		b = append(b, p[start:i]...)
		switch ch {
		case '"', '\\':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if ch < 0x20 || ch == 0x7F {
				b = append(b, '\\', 'u', '0', '0', hexLower[ch>>4], hexLower[ch&0xF])
			} else {
				start = i // UTF-8 bytes go through unchanged
				continue
			}
		}
		start = i + 1
	}
	return append(b, p[start:]...)
}

// The SockJS writer encodes under wmu so that two writers do not share enc.

func (c *sockjsConn) QueueMessage(_ bool, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	return c.appendData(OpText, c.encode(p))
}

func (c *sockjsConn) WriteMessage(_ bool, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if err := c.appendData(OpText, c.encode(p)); err != nil {
		return err
	}
	return c.flushLocked()
}

func (c *sockjsConn) Buffered() bool {
	return c.fr.pending() || c.wsConn.Buffered()
}

// ReadMessage returns the next message of the current a[...] frame, reading
// frames (and skipping heartbeats) as needed.
func (c *sockjsConn) ReadMessage(buf []byte) (bool, []byte, error) {
	for !c.fr.pending() {
		_, f, err := c.wsConn.ReadMessage(c.frame)
		c.frame = f
		if err != nil {
			return false, buf[:0], err
		}
		if err := c.fr.parse(f); err != nil {
			var ce *CloseError
			if errors.As(err, &ce) {
				c.closeErr = ce // the session is over
			}
			return false, buf[:0], err
		}
	}
	return false, c.fr.pop(buf), nil
}

// parse decodes one SockJS frame into msgs/ends: "a[...]" (and the older
// "m"), "h" (no message), "c[code,"reason"]" (a *CloseError). "o" is a
// protocol error: the transports read the open frame when they connect.
func (c *frames) parse(f []byte) error {
	c.msgs, c.ends, c.next = c.msgs[:0], c.ends[:0], 0
	if len(f) == 0 {
		return protoErr("sockjs: empty frame")
	}
	switch f[0] {
	case 'h':
		return nil
	case 'o':
		return protoErr("sockjs: second open frame")
	case 'a':
		rest, err := c.parseArray(f[1:])
		if err == nil && len(skipSpace(rest)) != 0 {
			err = protoErr("sockjs: junk after array")
		}
		return err
	case 'm': // single message (older protocol versions)
		rest, err := c.parseString(skipSpace(f[1:]))
		if err == nil {
			c.ends = append(c.ends, len(c.msgs))
			if len(skipSpace(rest)) != 0 {
				err = protoErr("sockjs: junk after message")
			}
		}
		return err
	case 'c':
		return parseClose(f[1:])
	}
	return protoErr("sockjs: unknown frame %q", truncate(f))
}

// parseArray decodes ["s1","s2",...].
func (c *frames) parseArray(b []byte) ([]byte, error) {
	b = skipSpace(b)
	if len(b) == 0 || b[0] != '[' {
		return nil, protoErr("sockjs: array expected")
	}
	b = skipSpace(b[1:])
	if len(b) > 0 && b[0] == ']' {
		return b[1:], nil
	}
	for {
		var err error
		if b, err = c.parseString(skipSpace(b)); err != nil {
			return nil, err
		}
		c.ends = append(c.ends, len(c.msgs))
		b = skipSpace(b)
		if len(b) == 0 {
			return nil, protoErr("sockjs: unterminated array")
		}
		switch b[0] {
		case ',':
			b = b[1:]
		case ']':
			return b[1:], nil
		default:
			return nil, protoErr("sockjs: ',' or ']' expected")
		}
	}
}

// parseString decodes one JSON string at the start of b into c.msgs.
func (c *frames) parseString(b []byte) ([]byte, error) {
	if len(b) == 0 || b[0] != '"' {
		return nil, protoErr("sockjs: string expected")
	}
	b = b[1:]
	for {
		i := 0
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		c.msgs = append(c.msgs, b[:i]...)
		if i == len(b) {
			return nil, protoErr("sockjs: unterminated string")
		}
		if b[i] == '"' {
			return b[i+1:], nil
		}
		// escape
		if i+1 >= len(b) {
			return nil, protoErr("sockjs: bad escape")
		}
		e := b[i+1]
		b = b[i+2:]
		switch e {
		case '"', '\\', '/':
			c.msgs = append(c.msgs, e)
		case 'b':
			c.msgs = append(c.msgs, '\b')
		case 'f':
			c.msgs = append(c.msgs, '\f')
		case 'n':
			c.msgs = append(c.msgs, '\n')
		case 'r':
			c.msgs = append(c.msgs, '\r')
		case 't':
			c.msgs = append(c.msgs, '\t')
		case 'u':
			r, rest, ok := parseU(b)
			if !ok {
				return nil, protoErr("sockjs: bad \\u escape")
			}
			b = rest
			if r >= 0xD800 && r < 0xDC00 { // high surrogate: a low one should follow
				if len(b) >= 6 && b[0] == '\\' && b[1] == 'u' {
					if r2, rest2, ok := parseU(b[2:]); ok && r2 >= 0xDC00 && r2 < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
						b = rest2
					}
				}
			}
			c.msgs = utf8.AppendRune(c.msgs, r)
		default:
			return nil, protoErr("sockjs: bad escape \\%c", e)
		}
	}
}

func parseU(b []byte) (rune, []byte, bool) {
	if len(b) < 4 {
		return 0, nil, false
	}
	var r rune
	for _, ch := range b[:4] {
		d, ok := hexDigit(ch)
		if !ok {
			return 0, nil, false
		}
		r = r<<4 | rune(d)
	}
	return r, b[4:], true
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// parseClose decodes [code,"reason"] into a *CloseError.
func parseClose(b []byte) error {
	b = skipSpace(b)
	if len(b) == 0 || b[0] != '[' {
		return protoErr("sockjs: bad close frame")
	}
	b = skipSpace(b[1:])
	code := 0
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		code = code*10 + int(b[i]-'0')
		i++
	}
	if i == 0 {
		return protoErr("sockjs: bad close frame")
	}
	ce := &CloseError{Code: code}
	b = skipSpace(b[i:])
	if len(b) > 0 && b[0] == ',' {
		var d frames
		if _, err := d.parseString(skipSpace(b[1:])); err == nil {
			ce.Reason = string(d.msgs)
		}
	}
	return ce
}

// ParseSockJSFrame decodes one SockJS frame as a transport delivers it:
// the messages of "a[...]" (or of the older "m"), none for a heartbeat
// "h", and a *CloseError for "c[code,"reason"]". Every other frame,
// including a second open frame "o", is a *ProtocolError. The messages
// are fresh slices.
func ParseSockJSFrame(f []byte) ([][]byte, error) {
	var d frames
	if err := d.parse(f); err != nil {
		return nil, err
	}
	out := make([][]byte, 0, len(d.ends))
	for d.pending() {
		out = append(out, d.pop(nil))
	}
	return out, nil
}
