package nbio

import (
	"encoding/binary"
	"net"
	"net/http"
	"sync"
	"unicode/utf8"

	"github.com/lesismal/nbio"
	"github.com/lesismal/nbio/nbhttp"
	"github.com/lesismal/nbio/nbhttp/websocket"

	"github.com/wsbench/wsbench/servers/chat"
)

const closeInvalidData = 1007 // RFC 6455: a text message or close reason that is not UTF-8

// conn is one upgraded connection, stored as its websocket.Conn's session.
type conn struct {
	ws      *websocket.Conn
	nc      *nbio.Conn // the poller's connection
	untrack func()
	sub     *subscriber // nil on /echo
	chat    *chat.Conn  // on /chat

	mu     sync.Mutex // orders frames against the close frame
	closed bool       // a close frame went out: no frame may follow
}

// accept upgrades and registers a connection.
// join, when not nil, makes the connection a subscriber (broadcast, chat).
func (s *srv) accept(up *websocket.Upgrader, w http.ResponseWriter, r *http.Request, join func(*conn) *subscriber) {
	wc, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade already answered the client
	}
	c := &conn{ws: wc, nc: pollerConn(wc.UnderlayerConn())}
	if join != nil {
		c.sub = join(c)
	}
	c.untrack = s.env.Track(c.closeWith)
	// nbio may close the connection (a client that vanishes, a protocol
	// violation read by the poller) before the session is set: OnClose
	// then leaves a note for us.
	s.sessMu.Lock()
	wc.SetSession(c)
	_, closed := s.closedEarly[wc]
	delete(s.closedEarly, wc)
	s.sessMu.Unlock()
	if closed {
		c.release()
	}
}

// onClose is the Upgraders' OnClose.
func (s *srv) onClose(wc *websocket.Conn, _ error) {
	s.sessMu.Lock()
	c, ok := wc.Session().(*conn)
	if !ok {
		s.closedEarly[wc] = struct{}{}
	}
	s.sessMu.Unlock()
	if ok {
		c.release()
	}
}

// pollerConn finds nbio's own connection under the upgraded one.
func pollerConn(nc net.Conn) *nbio.Conn {
	if hc, ok := nc.(*nbhttp.Conn); ok {
		nc = hc.Conn
	}
	c, _ := nc.(*nbio.Conn)
	return c
}

// writeMessage writes one message as one frame, unless a close frame went
// out.
func (c *conn) writeMessage(mt websocket.MessageType, p []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	return c.ws.WriteMessage(mt, p)
}

// closeWith sends a close frame and closes the connection. nbio's writes
// do not block, so neither does this.
func (c *conn) closeWith(code int, reason string) {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		_ = c.ws.WriteClose(code, reason)
	}
	c.mu.Unlock()
	_ = c.ws.Close()
}

// fail closes the connection for a message that breaks the protocol.
func (c *conn) fail(code int, reason string) { c.closeWith(code, reason) }

// release runs once nbio has closed the connection.
func (c *conn) release() {
	if c.sub != nil {
		c.sub.leave()
	}
	c.untrack()
}

// answerClose answers a peer's close frame with its code, as nbio's own
// handler does, after checking that the reason is UTF-8 (1007 otherwise).
// nbio closes the connection when it returns.
func answerClose(wc *websocket.Conn, code int, reason string) {
	c, _ := wc.Session().(*conn)
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	switch {
	case !utf8.ValidString(reason):
		_ = wc.WriteClose(closeInvalidData, "invalid UTF-8 in close reason")
	case code == 1005: // the peer sent no code: neither do we
		_ = wc.WriteMessage(websocket.CloseMessage, nil)
	default:
		_ = wc.WriteClose(code, reason)
	}
}

// compileFrame encodes a broadcast message once: an unmasked final frame.
func compileFrame(binaryMsg bool, p []byte) []byte {
	op := byte(websocket.TextMessage)
	if binaryMsg {
		op = byte(websocket.BinaryMessage)
	}
	var h []byte
	switch n := len(p); {
	case n < 126:
		h = []byte{0x80 | op, byte(n)}
	case n <= 0xffff:
		h = []byte{0x80 | op, 126, 0, 0}
		binary.BigEndian.PutUint16(h[2:], uint16(n))
	default:
		h = []byte{0x80 | op, 127, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(h[2:], uint64(n))
	}
	return append(append(make([]byte, 0, len(h)+len(p)), h...), p...)
}
