// Package gobwas serves echo and broadcast with github.com/gobwas/ws, one
// goroutine per connection on net/http (ws.UpgradeHTTP).
//
// Idioms: reads go through a bufio.Reader (the 4 KiB one net/http
// allocated for the request, pointed at the socket after the upgrade) and
// wsutil.Reader, which joins fragments, unmasks, checks headers and
// enforces the message size limit from each frame header; control frames
// are answered by wsutil.ControlHandler, which also checks close codes and
// reasons. Text is checked for UTF-8 by the adapter (server.ValidText) once
// the message is read: the library's own check (wsutil.Reader.CheckUTF8)
// is correct but, measured in results/tuning/, several times slower on
// large messages. Echo reads each message whole
// into a buffer borrowed from a pool for the time of one message and sends
// it back as one frame: ws.WriteHeaderBuffer encodes the header and one
// writev (net.Buffers) sends header and payload, the library's low-level
// path on the connection's own I/O. Broadcast compiles each message once
// with ws.CompileFrame and writes it with one conn.Write per subscriber.
//
// Every frame is written whole under a per-connection mutex that also
// remembers a close frame went out, so that no data frame follows it.
//
// Options holds the choices the ablation benchmarks compare (Variants);
// New is the production configuration.
package gobwas

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
	"github.com/gobwas/ws/wsutil"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

// Echo write paths (Options.Echo). All but the Writer ones read the
// message whole first; the Writer ones do too for text (to check it).
const (
	// Frame writes header and payload with one writev.
	Frame = "frame"
	// WriteServerMessage uses wsutil.WriteServerMessage: header and
	// payload in two writes.
	WriteServerMessage = "writeservermessage"
	// Bufio writes the frame (ws.WriteFrame) into a pooled bufio.Writer
	// of BufferSize and flushes it.
	Bufio = "bufio"
	// Writer streams into wsutil.GetWriter(BufferSize) and returns it
	// with PutWriter (the library's pool; it drops writers whose size is
	// not a power of two, so none is reused).
	Writer = "writer"
	// WriterPool streams into a wsutil.Writer of BufferSize kept in the
	// adapter's own sync.Pool.
	WriterPool = "writer-pool"
)

// Options are the adapter's configuration choices.
type Options struct {
	Echo       string // one of the paths above
	BufferSize int    // write buffer of Bufio, Writer and WriterPool
	// AdapterUTF8 checks text with server.ValidText once the message is
	// read instead of with the library's wsutil.Reader.CheckUTF8, which
	// checks as it reads.
	AdapterUTF8 bool
}

// Production is the configuration New uses, chosen by the ablation in
// results/tuning/.
var Production = Options{Echo: Frame, BufferSize: 4096, AdapterUTF8: true}

// Variants are the configurations the ablation benchmarks compare; the
// first is Production.
func Variants() []server.Variant {
	v := func(name string, o Options) server.Variant {
		return server.Variant{Name: name, New: func(env *server.Env) server.Server { return NewWith(env, o) }}
	}
	vt := func(name string, o Options) server.Variant {
		x := v(name, o)
		x.Text = true
		return x
	}
	return []server.Variant{
		v("frame-writev", Production),
		vt("frame-writev-library-utf8", Options{Echo: Frame, BufferSize: 4096}),
		v("writeservermessage", Options{Echo: WriteServerMessage, AdapterUTF8: true}),
		v("bufio-4k", Options{Echo: Bufio, BufferSize: 4096, AdapterUTF8: true}),
		v("writer-4k", Options{Echo: Writer, BufferSize: 4096, AdapterUTF8: true}),
		v("writer-pool-4k", Options{Echo: WriterPool, BufferSize: 4096, AdapterUTF8: true}),
	}
}

type srv struct {
	env     *server.Env
	opt     Options
	hub     *hub.Hub
	chat    *chat.Hub
	deflate *deflate // permessage-deflate, nil when off (deflate.go)

	writers sync.Pool // *wsutil.Writer (WriterPool)
	bufios  sync.Pool // *bufio.Writer (Bufio)
}

// New returns the gobwas server.
func New(env *server.Env) server.Server { return NewWith(env, Production) }

// NewWith returns the gobwas server configured by o.
func NewWith(env *server.Env, o Options) server.Server {
	s := &srv{env: env, opt: o, deflate: newDeflate(env.Deflate)}
	s.writers.New = func() any { return wsutil.NewWriterBufferSize(nil, ws.StateServerSide, ws.OpBinary, o.BufferSize) }
	s.bufios.New = func() any { return bufio.NewWriterSize(nil, o.BufferSize) }
	s.hub = hub.New(env, func(binary bool, p []byte) any { return s.compile(opcode(binary), p) })
	s.chat = newChat(env, s.compile)
	hs := server.NewHTTP(env, http.HandlerFunc(s.echo), http.HandlerFunc(s.broadcast))
	hs.Handle(server.PathChat, http.HandlerFunc(s.serveChat))
	return hs
}

func opcode(binary bool) ws.OpCode {
	if binary {
		return ws.OpBinary
	}
	return ws.OpText
}

// accept upgrades and registers the connection; the caller must call the
// returned release function.
func (s *srv) accept(w http.ResponseWriter, r *http.Request) (*conn, func(), bool) {
	var (
		nc       net.Conn
		rw       *bufio.ReadWriter
		deflated bool
		err      error
	)
	if s.deflate != nil {
		nc, rw, deflated, err = s.deflate.upgrade(r, w)
	} else {
		nc, rw, _, err = ws.UpgradeHTTP(r, w)
	}
	if err != nil {
		if nc != nil {
			_ = nc.Close() // UpgradeHTTP already answered the client
		}
		return nil, nil, false
	}
	br := rw.Reader
	if br.Buffered() == 0 {
		// Read the socket directly rather than through net/http's
		// connection reader; bytes a client sent ahead stay where they are.
		br.Reset(nc)
	}
	c := &conn{nc: nc}
	c.rd = wsutil.Reader{
		Source:         br,
		State:          ws.StateServerSide,
		MaxMessageSize: s.env.MaxMessageSize,
		CheckUTF8:      !s.opt.AdapterUTF8,
		OnIntermediate: c.control,
	}
	if deflated {
		c.negotiated()
	}
	untrack := s.env.Track(func(code int, reason string) {
		deadline := time.Now().Add(time.Second)
		_ = nc.SetWriteDeadline(deadline) // a write stuck on a client that does not read
		_ = c.writeClose(code, reason)
		_ = nc.SetReadDeadline(deadline) // the read loop ends and closes the conn
	})
	return c, func() { _ = nc.Close(); untrack() }, true
}

func (s *srv) echo(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	for {
		h, err := c.next()
		if err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		if (s.opt.Echo == Writer || s.opt.Echo == WriterPool) && h.OpCode == ws.OpBinary && !c.deflated {
			err = s.echoStream(c, h.OpCode)
		} else {
			err = s.echoMessage(c, h.OpCode)
		}
		if err != nil {
			c.fail(err)
			return
		}
		s.env.Stats.MsgsOut.Add(1)
	}
}

// echoMessage reads the message whole and writes it back as one frame.
func (s *srv) echoMessage(c *conn, op ws.OpCode) error {
	buf := server.GetBuffer()
	defer server.PutBuffer(buf)
	if err := s.readBody(c, buf); err != nil {
		return err
	}
	p := buf.Bytes()
	if s.opt.AdapterUTF8 && op == ws.OpText && !server.ValidText(p) {
		return wsutil.ErrInvalidUTF8 // fail answers 1007
	}
	if c.deflated {
		return s.writeCompressed(c, op, p)
	}
	switch s.opt.Echo {
	case WriteServerMessage:
		return c.writeFrame(func(nc net.Conn) error { return wsutil.WriteServerMessage(nc, op, p) })
	case Bufio:
		bw := s.bufios.Get().(*bufio.Writer)
		defer s.bufios.Put(bw)
		return c.writeFrame(func(nc net.Conn) error {
			bw.Reset(nc)
			if err := ws.WriteFrame(bw, ws.NewFrame(op, true, p)); err != nil {
				return err
			}
			return bw.Flush()
		})
	default:
		return c.writeFrame(func(nc net.Conn) error {
			c.hdr.Reset()
			if err := ws.WriteHeaderBuffer(&c.hdr, ws.Header{Fin: true, OpCode: op, Length: int64(len(p))}, c.hdrScratch[:]); err != nil {
				return err
			}
			c.iov = [2][]byte{c.hdr.Bytes(), p}
			c.bufs = c.iov[:]
			_, err := c.bufs.WriteTo(nc) // one writev
			c.iov = [2][]byte{}
			return err
		})
	}
}

// echoStream copies the message into a wsutil.Writer: a message longer
// than its buffer leaves as several frames.
func (s *srv) echoStream(c *conn, op ws.OpCode) error {
	var wr *wsutil.Writer
	if s.opt.Echo == WriterPool {
		wr = s.writers.Get().(*wsutil.Writer)
		wr.Reset(c, ws.StateServerSide, op)
		defer s.writers.Put(wr)
	} else {
		wr = wsutil.GetWriter(c, ws.StateServerSide, op, s.opt.BufferSize)
		defer wsutil.PutWriter(wr)
	}
	if _, err := io.Copy(wr, &c.rd); err != nil {
		return err
	}
	return wr.Flush()
}

func (s *srv) broadcast(w http.ResponseWriter, r *http.Request) {
	s.fanout(w, r, func(c *conn, kick server.CloseFunc) (func(ws.OpCode, []byte), func()) {
		sub := s.hub.Join(kick)
		go s.hub.Deliver(sub, func(m *hub.Msg) error {
			_, err := c.Write(c.frameFor(m.Frame))
			return err
		}, func() { _ = c.nc.Close() })
		return func(op ws.OpCode, p []byte) {
			s.env.Stats.MsgsIn.Add(1)
			s.hub.Publish(op == ws.OpBinary, p) // Publish copies
		}, func() { s.hub.Leave(sub) }
	})
}

// fanout serves a connection of a hub (broadcast or chat): attach joins
// it, starts its writer and returns what to do with each message it sends
// and how to leave; the read loop is the same for both.
func (s *srv) fanout(w http.ResponseWriter, r *http.Request, attach func(c *conn, kick server.CloseFunc) (handle func(ws.OpCode, []byte), leave func())) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	handle, leave := attach(c, func(code int, reason string) {
		_ = c.nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		_ = c.writeClose(code, reason)
		_ = c.nc.Close()
	})
	defer leave()
	for {
		h, err := c.next()
		if err != nil {
			return
		}
		buf := server.GetBuffer()
		err = s.readBody(c, buf)
		if err == nil && s.opt.AdapterUTF8 && h.OpCode == ws.OpText && !server.ValidText(buf.Bytes()) {
			err = wsutil.ErrInvalidUTF8
		}
		if err != nil {
			server.PutBuffer(buf)
			c.fail(err)
			return
		}
		handle(h.OpCode, buf.Bytes())
		server.PutBuffer(buf)
	}
}

var errCloseSent = errors.New("gobwas: close frame already sent")

// conn is one upgraded connection.
type conn struct {
	nc net.Conn
	rd wsutil.Reader // used by the read loop only

	// permessage-deflate negotiated (deflate.go); msg tells the read loop
	// whether the current message is compressed.
	deflated bool
	msg      wsflate.MessageState

	ctl bytes.Buffer // a control reply, built by the read loop

	// Echo scratch, used by the read loop only.
	hdr        bytes.Buffer
	hdrScratch [ws.MaxHeaderSize]byte
	iov        [2][]byte   // header and payload of one writev
	bufs       net.Buffers // iov as WriteTo takes it (a field: no allocation)

	mu     sync.Mutex // one frame per Write, in order
	closed bool       // a close frame went out: no frame may follow
}

// Write writes p, which must be exactly one frame, to the socket. It is the
// destination of the echo writer, of control replies and of broadcast
// frames.
func (c *conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, errCloseSent
	}
	if len(p) > 0 && ws.OpCode(p[0]&0x0f) == ws.OpClose {
		c.closed = true
	}
	return c.nc.Write(p)
}

// writeFrame runs write, which must write exactly one data frame to nc,
// under the connection's write lock.
func (c *conn) writeFrame(write func(nc net.Conn) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errCloseSent
	}
	return write(c.nc)
}

// writeClose sends a close frame with code and reason, unless one was sent.
func (c *conn) writeClose(code int, reason string) error {
	if len(reason) > ws.MaxControlFramePayloadSize-2 {
		reason = reason[:ws.MaxControlFramePayloadSize-2]
	}
	f, err := ws.CompileFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusCode(code), reason)))
	if err != nil {
		return err
	}
	_, err = c.Write(f)
	return err
}

// next returns the header of the next data message, answering the control
// frames before it. On error the connection is failed as appropriate.
func (c *conn) next() (ws.Header, error) {
	for {
		h, err := c.rd.NextFrame()
		if err != nil {
			c.fail(err)
			return h, err
		}
		if !h.OpCode.IsControl() {
			return h, nil
		}
		if err := c.control(h, &c.rd); err != nil {
			return h, err
		}
	}
}

// control answers a control frame whose (unmasked) payload is r. It is
// wsutil.ControlHandler with its reply sent as one frame.
func (c *conn) control(h ws.Header, r io.Reader) error {
	err := wsutil.ControlHandler{
		Src:                 r,
		Dst:                 &c.ctl,
		State:               ws.StateServerSide,
		DisableSrcCiphering: true, // the wsutil.Reader unmasks
	}.Handle(h)
	if c.ctl.Len() > 0 {
		_, werr := c.Write(c.ctl.Bytes()) // errCloseSent when this answers our own close
		c.ctl.Reset()
		if err == nil {
			err = werr
		}
	}
	return err
}

// fail sends the close frame that a read error calls for: 1009 for a
// message over the limit, 1007 for a text message that is not UTF-8, 1002
// for a protocol violation. Other errors (the peer closed or went away)
// need none.
func (c *conn) fail(err error) {
	var pe ws.ProtocolError
	switch {
	case errors.Is(err, wsutil.ErrMessageTooLarge):
		_ = c.writeClose(int(ws.StatusMessageTooBig), "message too big")
		_ = server.LingerClose(c.nc) // the client may still be sending it
	case errors.Is(err, wsutil.ErrInvalidUTF8):
		_ = c.writeClose(server.CloseInvalidData, "invalid UTF-8")
		_ = server.LingerClose(c.nc)
	case errors.As(err, &pe), errors.Is(err, ws.ErrHeaderLengthMSB), errors.Is(err, ws.ErrHeaderLengthUnexpected):
		_ = c.writeClose(int(ws.StatusProtocolError), err.Error())
	}
}
