// Package nhooyr serves echo and broadcast with nhooyr.io/websocket, the
// library's name before it moved to github.com/coder/websocket. The adapter
// is the coder adapter with the import changed.
//
// Idioms: echo reads each message whole (Reader into a buffer borrowed
// from a pool for the time of one message) and sends it back with Write,
// one frame per echo; every call gets a context without deadline; origin
// checks and compression are off; the read limit is raised to the suite's
// limit.
// Broadcast writes the shared payload with Write from one writer goroutine
// per subscriber.
//
// What the adapter adds (Library.AdapterChecks): the library does not check
// that text is UTF-8 (the adapter does, server.ValidText, and closes with
// 1007); it answers a close frame whose reason is not UTF-8 as a normal
// close, and counts the read limit on payload bytes as they arrive, so an
// oversized frame is read up to the limit before the 1009. The adapter
// reads the hijacked connection through server.Guard, which refuses both
// frames from their headers; the adapter then closes with the guard's code.
//
// The library has no close with a deadline: Close waits up to 5 s to write
// its frame and 5 s more for the peer's answer. Shutdown and the slow-client
// kick must be quicker, so the adapter keeps the net.Conn that Accept
// hijacks and bounds Close with a deadline on it, the way the gorilla
// adapter bounds WriteControl.
//
// Unlike coder v1.8.14+, v1.8.17 starts a timeout goroutine per connection
// and hands it the context of every frame read and written (two channel
// sends per frame), whether or not the context has a deadline. That cost is
// the library's and is measured as such.
//
// v1.8.17 also answers the peer's close frame when it sent the first one
// itself, so a close it starts puts two close frames on the wire (coder
// tracks the sent close and does not).
//
// Options holds the choices the ablation benchmarks compare (Variants);
// New is the production configuration.
package nhooyr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"nhooyr.io/websocket"

	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

// Echo paths (Options.Echo).
const (
	// Write reads the message into a pooled buffer and sends it with
	// Write: one frame.
	Write = "write"
	// Read is Write with the library's Read, which allocates every
	// message.
	Read = "read"
	// Writer copies Reader to Writer through a pooled 32 KiB buffer (the
	// library's own echo example): one frame per 32 KiB and an empty
	// final frame. (Text is still read whole first, to be checked.)
	Writer = "writer"
)

// Options are the adapter's configuration choices. The library's buffers
// are net/http's (4 KiB each way); it offers no option to change them.
type Options struct {
	Echo string // Write, Read or Writer
}

// Production is the configuration New uses, chosen by the ablation in
// results/tuning/.
var Production = Options{Echo: Write}

// Variants are the configurations the ablation benchmarks compare; the
// first is Production.
func Variants() []server.Variant {
	v := func(name string, o Options) server.Variant {
		return server.Variant{Name: name, New: func(env *server.Env) server.Server { return NewWith(env, o) }}
	}
	return []server.Variant{
		v("write", Production),
		v("read", Options{Echo: Read}),
		v("writer-32k", Options{Echo: Writer}),
	}
}

type srv struct {
	env  *server.Env
	opt  Options
	opts websocket.AcceptOptions
	hub  *hub.Hub
	bufs sync.Pool // *[]byte echo copy buffers, held only while a message is copied
}

// New returns the nhooyr server.
func New(env *server.Env) server.Server { return NewWith(env, Production) }

// NewWith returns the nhooyr server configured by o.
func NewWith(env *server.Env, o Options) server.Server {
	s := &srv{
		env: env,
		opt: o,
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
func (s *srv) accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, *server.Guard, func(), bool) {
	hw := &hijackRecorder{ResponseWriter: w, limit: s.env.MaxMessageSize}
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
	c, g, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	ctx := context.Background() // never r.Context(): it is done once the handler returns
	for {
		var err error
		switch s.opt.Echo {
		case Read:
			err = s.echoRead(ctx, c)
		case Writer:
			err = s.echoWriter(ctx, c)
		default:
			err = s.echoWrite(ctx, c)
		}
		if err != nil {
			s.fail(c, g, err)
			return
		}
		s.env.Stats.MsgsOut.Add(1)
	}
}

// echoWrite echoes one message as one frame.
func (s *srv) echoWrite(ctx context.Context, c *websocket.Conn) error {
	typ, buf, err := s.read(ctx, c)
	if err != nil {
		return err
	}
	err = c.Write(ctx, typ, buf.Bytes())
	server.PutBuffer(buf)
	return err
}

func (s *srv) echoRead(ctx context.Context, c *websocket.Conn) error {
	typ, p, err := c.Read(ctx)
	if err != nil {
		return err
	}
	s.env.Stats.MsgsIn.Add(1)
	if typ == websocket.MessageText && !server.ValidText(p) {
		return errInvalidText
	}
	return c.Write(ctx, typ, p)
}

func (s *srv) echoWriter(ctx context.Context, c *websocket.Conn) error {
	typ, rd, err := c.Reader(ctx)
	if err != nil {
		return err
	}
	if typ == websocket.MessageText {
		buf := server.GetBuffer()
		defer server.PutBuffer(buf)
		if _, err := buf.ReadFrom(rd); err != nil {
			return err
		}
		s.env.Stats.MsgsIn.Add(1)
		if !server.ValidText(buf.Bytes()) {
			return errInvalidText
		}
		return c.Write(ctx, typ, buf.Bytes())
	}
	s.env.Stats.MsgsIn.Add(1)
	wr, err := c.Writer(ctx, typ)
	if err != nil {
		return err
	}
	cb := s.bufs.Get().(*[]byte)
	_, err = io.CopyBuffer(wr, rd, *cb)
	s.bufs.Put(cb)
	if err != nil {
		return err // a message over the limit: the library has sent 1009
	}
	return wr.Close()
}

var errInvalidText = errors.New("nhooyr: text message is not valid UTF-8")

// read reads the next message whole into a pooled buffer, which the caller
// must return with server.PutBuffer.
func (s *srv) read(ctx context.Context, c *websocket.Conn) (websocket.MessageType, *bytes.Buffer, error) {
	typ, rd, err := c.Reader(ctx)
	if err != nil {
		return 0, nil, err
	}
	buf := server.GetBuffer()
	if _, err := buf.ReadFrom(rd); err != nil {
		server.PutBuffer(buf)
		return 0, nil, err
	}
	s.env.Stats.MsgsIn.Add(1)
	if typ == websocket.MessageText && !server.ValidText(buf.Bytes()) {
		server.PutBuffer(buf)
		return 0, nil, errInvalidText
	}
	return typ, buf, nil
}

// fail closes the connection after a read error that the adapter or its
// guard found: 1007 for text that is not UTF-8, the guard's code for a
// frame it refused. Errors the library found itself it has answered.
func (s *srv) fail(c *websocket.Conn, g *server.Guard, err error) {
	switch {
	case err == errInvalidText:
		closeWithin(c, g, server.CloseInvalidData, "invalid UTF-8", time.Second)
	case g.Violation() == server.CloseTooBig:
		closeWithin(c, g, server.CloseTooBig, "message too big", time.Second)
	case g.Violation() == server.CloseInvalidData:
		closeWithin(c, g, server.CloseInvalidData, "invalid UTF-8 in close reason", time.Second)
	}
}

func (s *srv) broadcast(w http.ResponseWriter, r *http.Request) {
	c, g, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	ctx := context.Background()
	sub := s.hub.Join(func(code int, reason string) {
		closeWithin(c, g, code, reason, 100*time.Millisecond)
	})
	defer s.hub.Leave(sub)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		return c.Write(ctx, msgType(m.Binary), m.Payload)
	}, func() { _ = c.CloseNow() })
	for {
		typ, buf, err := s.read(ctx, c)
		if err != nil {
			s.fail(c, g, err)
			return
		}
		s.hub.Publish(typ == websocket.MessageBinary, buf.Bytes()) // Publish copies
		server.PutBuffer(buf)
	}
}

// hijackRecorder passes Hijack through to the real ResponseWriter and hands
// the library the connection wrapped in a server.Guard, which it keeps: its
// deadlines bound the close handshake.
type hijackRecorder struct {
	http.ResponseWriter
	limit int64
	conn  *server.Guard
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	g, brw, err := server.Hijack(h.ResponseWriter, h.limit)
	if err != nil {
		return nil, nil, err
	}
	h.conn = g
	return g, brw, nil
}
