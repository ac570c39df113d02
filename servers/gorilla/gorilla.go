// Package gorilla serves echo and broadcast with github.com/gorilla/websocket.
//
// Idioms: echo reads each message whole (NextReader into a buffer borrowed
// from a pool for the time of one message) and sends it back with
// WriteMessage, the library's single-frame path: one frame and one write
// (header and payload together) per echo. Read and write buffers are
// 4 KiB; write buffers come from a pool between writes. Broadcast encodes
// each message once as a PreparedMessage; one writer goroutine per
// subscriber (the library allows one concurrent writer).
//
// gorilla checks close codes and close reasons itself (1002) and the read
// limit from each frame header (1009); it does not check that text
// messages are UTF-8, so the adapter does (1007, server.ValidText).
//
// Options holds the choices the ablation benchmarks compare (Variants);
// New is the production configuration.
package gorilla

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

// Echo write paths (Options.Echo).
const (
	// Message reads the message into a pooled buffer and sends it with
	// WriteMessage: one frame, one write.
	Message = "message"
	// ReadMessage is Message with the library's ReadMessage, which
	// allocates every message.
	ReadMessage = "readmessage"
	// Stream copies NextReader to NextWriter with io.Copy: a message
	// longer than the write buffer leaves as several frames and writes.
	// (Text is still read whole first, to be checked.)
	Stream = "stream"
)

// Options are the adapter's configuration choices.
type Options struct {
	Echo       string // Message, ReadMessage or Stream
	BufferSize int    // read and write buffer size
	// NoWritePool keeps a write buffer per connection instead of taking
	// one from a pool for each message (a pool costs an allocation per
	// message; a buffer per connection costs BufferSize per idle one).
	NoWritePool bool
}

// Production is the configuration New uses, chosen by the ablation in
// results/tuning/.
var Production = Options{Echo: Message, BufferSize: 4096}

// Variants are the configurations the ablation benchmarks compare; the
// first is Production.
func Variants() []server.Variant {
	v := func(name string, o Options) server.Variant {
		return server.Variant{Name: name, New: func(env *server.Env) server.Server { return NewWith(env, o) }}
	}
	return []server.Variant{
		v("message-4k", Production),
		v("message-4k-nopool", Options{Echo: Message, BufferSize: 4096, NoWritePool: true}),
		v("readmessage-4k", Options{Echo: ReadMessage, BufferSize: 4096}),
		v("stream-4k", Options{Echo: Stream, BufferSize: 4096}),
		v("stream-64k", Options{Echo: Stream, BufferSize: 64 << 10}),
	}
}

type srv struct {
	env  *server.Env
	opt  Options
	up   websocket.Upgrader
	hub  *hub.Hub
	chat *chat.Hub
}

// New returns the gorilla server.
func New(env *server.Env) server.Server { return NewWith(env, Production) }

// NewWith returns the gorilla server configured by o.
func NewWith(env *server.Env, o Options) server.Server {
	s := &srv{
		env: env,
		opt: o,
		up: websocket.Upgrader{
			ReadBufferSize:  o.BufferSize,
			WriteBufferSize: o.BufferSize,
			CheckOrigin:     func(*http.Request) bool { return true },
		},
	}
	if !o.NoWritePool {
		s.up.WriteBufferPool = &sync.Pool{}
	}
	// permessage-deflate (Deflate): the upgrader negotiates it without
	// context takeover; a connection that negotiated it compresses every
	// message it writes at the library's default level, and a
	// PreparedMessage compresses a broadcast once.
	s.up.EnableCompression = env.Deflate.On()
	s.hub = hub.New(env, func(binary bool, p []byte) any {
		pm, _ := websocket.NewPreparedMessage(opcode(binary), p)
		return pm
	})
	hs := server.NewHTTP(env, http.HandlerFunc(s.echo), http.HandlerFunc(s.broadcast))
	s.chat = newChat(env)
	hs.Handle(server.PathChat, http.HandlerFunc(s.serveChat))
	return hs
}

func opcode(binary bool) int {
	if binary {
		return websocket.BinaryMessage
	}
	return websocket.TextMessage
}

// accept upgrades and registers the connection; the caller must call the
// returned release function.
func (s *srv) accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, func(), bool) {
	c, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return nil, nil, false // Upgrade already answered the client
	}
	c.SetReadLimit(s.env.MaxMessageSize)
	untrack := s.env.Track(func(code int, reason string) {
		deadline := time.Now().Add(time.Second)
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
		_ = c.SetReadDeadline(deadline) // the read loop ends and closes the conn
	})
	return c, func() { c.Close(); untrack() }, true
}

func (s *srv) echo(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	for {
		var err error
		switch s.opt.Echo {
		case Stream:
			err = s.echoStream(c)
		case ReadMessage:
			err = s.echoReadMessage(c)
		default:
			err = s.echoMessage(c)
		}
		if err != nil {
			lingerOnViolation(c, err)
			return
		}
		s.env.Stats.MsgsOut.Add(1)
	}
}

// lingerOnViolation closes the connection with server.LingerClose after a
// message the server refused with a close frame (over the limit, or text
// that is not UTF-8): the client may still be sending it.
func lingerOnViolation(c *websocket.Conn, err error) {
	if errors.Is(err, websocket.ErrReadLimit) || errors.Is(err, errInvalidText) {
		_ = server.LingerClose(c.NetConn())
	}
}

// echoMessage echoes one message as one frame.
func (s *srv) echoMessage(c *websocket.Conn) error {
	mt, buf, err := s.read(c)
	if err != nil {
		return err
	}
	err = c.WriteMessage(mt, buf.Bytes())
	server.PutBuffer(buf)
	return err
}

func (s *srv) echoReadMessage(c *websocket.Conn) error {
	mt, p, err := c.ReadMessage()
	if err != nil {
		return err
	}
	s.env.Stats.MsgsIn.Add(1)
	if mt == websocket.TextMessage && !server.ValidText(p) {
		return invalidText(c)
	}
	return c.WriteMessage(mt, p)
}

func (s *srv) echoStream(c *websocket.Conn) error {
	mt, rd, err := c.NextReader()
	if err != nil {
		return err
	}
	if mt == websocket.TextMessage {
		buf := server.GetBuffer()
		defer server.PutBuffer(buf)
		if _, err := buf.ReadFrom(rd); err != nil {
			return err
		}
		s.env.Stats.MsgsIn.Add(1)
		if !server.ValidText(buf.Bytes()) {
			return invalidText(c)
		}
		return c.WriteMessage(mt, buf.Bytes())
	}
	s.env.Stats.MsgsIn.Add(1)
	wr, err := c.NextWriter(mt)
	if err != nil {
		return err
	}
	if _, err := io.Copy(wr, rd); err != nil {
		return err
	}
	return wr.Close()
}

// read reads the next message whole into a pooled buffer, which the caller
// must return with server.PutBuffer. A text message that is not UTF-8 is
// answered with 1007 and ends the connection (an error).
func (s *srv) read(c *websocket.Conn) (int, *bytes.Buffer, error) {
	mt, rd, err := c.NextReader()
	if err != nil {
		return 0, nil, err
	}
	buf := server.GetBuffer()
	if _, err := buf.ReadFrom(rd); err != nil {
		server.PutBuffer(buf)
		return 0, nil, err
	}
	s.env.Stats.MsgsIn.Add(1)
	if mt == websocket.TextMessage && !server.ValidText(buf.Bytes()) {
		server.PutBuffer(buf)
		return 0, nil, invalidText(c)
	}
	return mt, buf, nil
}

var errInvalidText = errors.New("gorilla: text message is not valid UTF-8")

// invalidText closes the connection with 1007 and returns errInvalidText.
func invalidText(c *websocket.Conn) error {
	_ = c.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(server.CloseInvalidData, "invalid UTF-8"), time.Now().Add(time.Second))
	return errInvalidText
}

func (s *srv) broadcast(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	sub := s.hub.Join(func(code int, reason string) {
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(100*time.Millisecond))
		_ = c.Close()
	})
	defer s.hub.Leave(sub)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		return c.WritePreparedMessage(m.Frame.(*websocket.PreparedMessage))
	}, func() { _ = c.Close() })
	for {
		mt, buf, err := s.read(c)
		if err != nil {
			lingerOnViolation(c, err)
			return
		}
		s.hub.Publish(mt == websocket.BinaryMessage, buf.Bytes()) // Publish copies
		server.PutBuffer(buf)
	}
}
