package servertest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/server"
)

func init() {
	Dialects[server.ProtoSockJS] = sockjsDialect{}
}

// sockjsDialect speaks SockJS framing over its websocket transport
// (PREFIX/{server}/{session}/websocket), written from the protocol
// description rather than from any server's code:
//
//	server -> client: "o" once, "h" heartbeats, "a[...]" JSON arrays of
//	                  messages, "c[code,reason]" when the session closes
//	client -> server: a JSON array of messages, one array per frame
//
// A SockJS session ends with a "c" frame; a websocket close or a dropped
// connection without one is, as in sockjs-client, an abnormal end (no
// close code).
type sockjsDialect struct{}

// sockjsOpenTimeout bounds the wait for the "o" frame after the handshake.
const sockjsOpenTimeout = 5 * time.Second

func (sockjsDialect) TextOnly() bool   { return true }
func (sockjsDialect) CloseCodes() bool { return true }

func (sockjsDialect) CloseCode(err error) int {
	var ce *wire.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

func (sockjsDialect) Dial(addr, path string) (Conn, error) {
	var id [8]byte
	for i := range id {
		id[i] = byte(rand.Uint32())
	}
	url := "ws://" + addr + path + "/000/" + hex.EncodeToString(id[:]) + "/websocket"
	c, resp, err := wsDialer.Dial(url, http.Header{})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(-1)
	if err := c.SetReadDeadline(time.Now().Add(sockjsOpenTimeout)); err != nil {
		c.Close()
		return nil, err
	}
	mt, p, err := c.ReadMessage()
	if err == nil && (mt != websocket.TextMessage || string(p) != "o") {
		err = fmt.Errorf("sockjs: first frame %.40q, want \"o\"", p)
	}
	if err == nil {
		err = c.SetReadDeadline(time.Time{})
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return &sockjsConn{c: c}, nil
}

// sockjsConn is one SockJS session. Send and Recv may run concurrently
// (one goroutine each), as with gorilla's connection.
type sockjsConn struct {
	c       *websocket.Conn
	frame   bytes.Buffer // the frame being read, reused
	pending [][]byte     // messages of the last "a" frame not yet returned
	err     error        // sticky: set once the session is over
}

func (s *sockjsConn) Send(binary bool, p []byte) error {
	if binary {
		return errors.New("sockjs: binary messages are not supported")
	}
	frame, err := json.Marshal([]string{string(p)})
	if err != nil {
		return err
	}
	return s.c.WriteMessage(websocket.TextMessage, frame)
}

func (s *sockjsConn) Recv() (bool, []byte, error) {
	for len(s.pending) == 0 {
		if s.err != nil {
			return false, nil, s.err
		}
		if err := s.readFrame(); err != nil {
			if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
				s.err = err
			}
			return false, nil, err
		}
	}
	m := s.pending[0]
	s.pending = s.pending[1:]
	return false, m, nil
}

// readFrame reads one websocket message and interprets its SockJS frame
// (wire.ParseSockJSFrame): "a" fills pending, "h" is skipped, "c" becomes
// a *wire.CloseError.
func (s *sockjsConn) readFrame() error {
	mt, r, err := s.c.NextReader()
	if err != nil {
		return err
	}
	s.frame.Reset()
	if _, err := s.frame.ReadFrom(r); err != nil {
		return err
	}
	p := s.frame.Bytes()
	if mt != websocket.TextMessage || len(p) == 0 {
		return fmt.Errorf("sockjs: unexpected frame (type %d, %d bytes)", mt, len(p))
	}
	msgs, err := wire.ParseSockJSFrame(p)
	if err != nil {
		return fmt.Errorf("sockjs: frame %.40q: %w", p, err)
	}
	s.pending = msgs
	return nil
}

// CloseHandshake does what sockjs-client does on close(): it closes the
// websocket with code. SockJS defines no client close frame, and the
// server sends no "c" frame for a session the client ended; what answers
// is the websocket layer under the server. The result is the code of the
// server's websocket close frame, or that of a "c" frame if the server
// sent one first. Messages still in flight are skipped. A connection that
// ends with neither is an error: the server did not answer the close.
func (s *sockjsConn) CloseHandshake(code int) (int, error) {
	if err := s.c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, "bye")); err != nil {
		return 0, err
	}
	for {
		err := s.readFrame()
		if err == nil {
			s.pending = nil
			continue
		}
		var ce *wire.CloseError
		var wce *websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return ce.Code, nil
		case errors.As(err, &wce):
			return wce.Code, nil
		default:
			return 0, fmt.Errorf("sockjs: no close frame in answer to close: %w", err)
		}
	}
}

func (s *sockjsConn) SetDeadline(t time.Time) error {
	if err := s.c.SetReadDeadline(t); err != nil {
		return err
	}
	return s.c.SetWriteDeadline(t)
}

func (s *sockjsConn) Raw() net.Conn { return s.c.NetConn() }
func (s *sockjsConn) Close() error  { return s.c.Close() }
