// Package nhooyr serves echo and broadcast with nhooyr.io/websocket, the
// library's name before it moved to github.com/coder/websocket.
//
// Idioms: echo streams each message from Reader to Writer with
// io.CopyBuffer (the library's own echo loop) and a pooled copy buffer;
// every call gets a context without deadline; origin checks and compression
// are off; the read limit is raised to the suite's limit. Broadcast writes
// the shared payload with Write from one writer goroutine per subscriber.
//
// Unlike coder v1.8.14+, v1.8.17 starts a timeout goroutine per connection
// and hands it the context of every frame read and written (two channel
// sends per frame), whether or not the context has a deadline. That cost is
// the library's and is measured as such.
//
// The library's Writer sends each Write as a frame and Close as an empty
// final frame, so an echoed message leaves as two frames or more (two bytes
// of framing more than a single frame for small messages).
//
// The library has no close with a deadline: Close waits up to 5 s to write
// its frame and 5 s more for the peer's answer. Shutdown and the slow-client
// kick must be quicker, so the adapter keeps the net.Conn that Accept
// hijacks and bounds Close with a deadline on it, the way the gorilla
// adapter bounds WriteControl.
//
// v1.8.17 also answers the peer's close frame when it sent the first one
// itself, so a close it starts puts two close frames on the wire (coder
// tracks the sent close and does not).
package nhooyr

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"nhooyr.io/websocket"

	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

type srv struct {
	env  *server.Env
	opts websocket.AcceptOptions
	hub  *hub.Hub
	bufs sync.Pool // *[]byte echo copy buffers, held only while a message is copied
}

// New returns the nhooyr server.
func New(env *server.Env) server.Server {
	s := &srv{
		env: env,
		opts: websocket.AcceptOptions{
			InsecureSkipVerify: true, // load generators send no Origin; nothing to protect here
			CompressionMode:    websocket.CompressionDisabled,
		},
		bufs: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }},
	}
	s.hub = hub.New(env, nil)
	return server.NewHTTP(env, http.HandlerFunc(s.echo), http.HandlerFunc(s.broadcast))
}

func msgType(binary bool) websocket.MessageType {
	if binary {
		return websocket.MessageBinary
	}
	return websocket.MessageText
}

// closeWithin runs the close handshake with code, bounded by d: the
// deadline on the raw connection ends both the write of the close frame and
// the wait for the peer's answer (and any read or write in progress).
func closeWithin(c *websocket.Conn, nc net.Conn, code int, reason string, d time.Duration) {
	_ = nc.SetDeadline(time.Now().Add(d))
	_ = c.Close(websocket.StatusCode(code), reason)
}

// accept upgrades and registers the connection; the caller must call the
// returned release function.
func (s *srv) accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, net.Conn, func(), bool) {
	hw := &hijackRecorder{ResponseWriter: w}
	c, err := websocket.Accept(hw, r, &s.opts)
	if err != nil {
		return nil, nil, nil, false // Accept already answered the client
	}
	c.SetReadLimit(s.env.MaxMessageSize)
	nc := hw.conn
	untrack := s.env.Track(func(code int, reason string) {
		closeWithin(c, nc, code, reason, time.Second)
	})
	return c, nc, func() { _ = c.CloseNow(); untrack() }, true
}

func (s *srv) echo(w http.ResponseWriter, r *http.Request) {
	c, _, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	ctx := context.Background() // never r.Context(): it is done once the handler returns
	for {
		typ, rd, err := c.Reader(ctx)
		if err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		wr, err := c.Writer(ctx, typ)
		if err != nil {
			return
		}
		buf := s.bufs.Get().(*[]byte)
		_, err = io.CopyBuffer(wr, rd, *buf)
		s.bufs.Put(buf)
		if err != nil {
			return // a message over the limit: the library has sent 1009
		}
		if err := wr.Close(); err != nil {
			return
		}
		s.env.Stats.MsgsOut.Add(1)
	}
}

func (s *srv) broadcast(w http.ResponseWriter, r *http.Request) {
	c, nc, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	ctx := context.Background()
	sub := s.hub.Join(func(code int, reason string) {
		closeWithin(c, nc, code, reason, 100*time.Millisecond)
	})
	defer s.hub.Leave(sub)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		return c.Write(ctx, msgType(m.Binary), m.Payload)
	}, func() { _ = c.CloseNow() })
	var buf bytes.Buffer
	for {
		typ, rd, err := c.Reader(ctx)
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		s.hub.Publish(typ == websocket.MessageBinary, buf.Bytes())
	}
}

// hijackRecorder passes Hijack through to the real ResponseWriter and keeps
// the connection, whose deadlines bound the close handshake.
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, brw, err
}
