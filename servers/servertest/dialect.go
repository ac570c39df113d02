package servertest

import (
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/servers/server"
)

// Conn is a test client connection; one per dialect (plain WebSocket,
// SockJS framing). Timeouts are the caller's job (SetDeadline).
type Conn interface {
	Send(binary bool, p []byte) error
	// Recv returns the next message. For SockJS, one message of a
	// multi-message frame.
	Recv() (binary bool, p []byte, err error)
	// CloseHandshake sends a close frame with code and waits for the
	// server's close frame, returning its code.
	CloseHandshake(code int) (int, error)
	SetDeadline(t time.Time) error
	// Raw is the underlying TCP connection.
	Raw() net.Conn
	Close() error
}

// Dialect connects test clients to a server of one protocol.
type Dialect interface {
	// Dial opens a connection to path (server.PathEcho or PathBroadcast).
	Dial(addr, path string) (Conn, error)
	// TextOnly is true when the protocol has one kind of message only
	// (SockJS carries text; plain TCP has no message types): the checks
	// then send printable text and do not compare message types.
	TextOnly() bool
	// CloseCodes is false when the protocol has no close codes (plain
	// TCP): a check that expects one then expects only that the server
	// ends the connection.
	CloseCodes() bool
	// CloseCode extracts the close code from an error returned by Recv, or
	// 0 when the error is not a close frame.
	CloseCode(err error) int
}

// Dialects maps a protocol to its test dialect. Protocols without an entry
// (plain HTTP) are not run through the WebSocket conformance suite.
var Dialects = map[server.Proto]Dialect{
	server.ProtoWS: wsDialect{},
}

// wsDialect is a plain RFC 6455 client built on gorilla's client, an
// independent implementation from the servers' point of view.
type wsDialect struct{}

var wsDialer = &websocket.Dialer{
	HandshakeTimeout: 30 * time.Second, // generous: 100 clients dial at once on a loaded machine
	ReadBufferSize:   64 << 10,
	WriteBufferSize:  64 << 10,
}

func (wsDialect) TextOnly() bool   { return false }
func (wsDialect) CloseCodes() bool { return true }

func (wsDialect) Dial(addr, path string) (Conn, error) {
	c, resp, err := wsDialer.Dial("ws://"+addr+path, http.Header{})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(-1)
	return &wsConn{c}, nil
}

func (wsDialect) CloseCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

type wsConn struct{ c *websocket.Conn }

func (w *wsConn) Send(binary bool, p []byte) error {
	mt := websocket.TextMessage
	if binary {
		mt = websocket.BinaryMessage
	}
	return w.c.WriteMessage(mt, p)
}

func (w *wsConn) Recv() (bool, []byte, error) {
	mt, p, err := w.c.ReadMessage()
	return mt == websocket.BinaryMessage, p, err
}

func (w *wsConn) CloseHandshake(code int) (int, error) {
	if err := w.c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, "bye")); err != nil {
		return 0, err
	}
	for {
		_, _, err := w.c.ReadMessage()
		if err == nil {
			continue
		}
		return wsDialect{}.CloseCode(err), nil
	}
}

func (w *wsConn) SetDeadline(t time.Time) error {
	if err := w.c.SetReadDeadline(t); err != nil {
		return err
	}
	return w.c.SetWriteDeadline(t)
}

func (w *wsConn) Raw() net.Conn { return w.c.NetConn() }
func (w *wsConn) Close() error  { return w.c.Close() }
