// Package gobwas serves echo and broadcast with github.com/gobwas/ws, one
// goroutine per connection on net/http (ws.UpgradeHTTP).
//
// Idioms: reads go through a bufio.Reader (the 4 KiB one net/http
// allocated for the request, pointed at the socket after the upgrade) and
// wsutil.Reader, which joins fragments, unmasks, checks headers and enforces
// the message size limit; control frames are answered by
// wsutil.ControlHandler. Echo streams each message into a pooled
// wsutil.Writer (io.Copy uses its ReadFrom), which writes header and
// payload of every frame with one Write; messages larger than its buffer go
// out as several frames, as gorilla's NextWriter does. Broadcast compiles
// each message once with ws.CompileFrame and writes it with one conn.Write
// per subscriber.
//
// Every Write to the socket is exactly one whole frame, made under a
// per-connection mutex that also remembers a close frame went out, so that
// no data frame follows it.
package gobwas

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

// writeBufferSize is the echo writer's frame buffer, gorilla's default.
const writeBufferSize = 4096

type srv struct {
	env *server.Env
	hub *hub.Hub
}

// New returns the gobwas server.
func New(env *server.Env) server.Server {
	s := &srv{env: env}
	s.hub = hub.New(env, func(binary bool, p []byte) any {
		f, _ := ws.CompileFrame(ws.NewFrame(opcode(binary), true, p))
		return f
	})
	return server.NewHTTP(env, http.HandlerFunc(s.echo), http.HandlerFunc(s.broadcast))
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
	nc, rw, _, err := ws.UpgradeHTTP(r, w)
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
		OnIntermediate: c.control,
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
		wr := wsutil.GetWriter(c, ws.StateServerSide, h.OpCode, writeBufferSize)
		_, err = io.Copy(wr, &c.rd)
		if err == nil {
			err = wr.Flush()
		}
		wsutil.PutWriter(wr)
		if err != nil {
			c.fail(err)
			return
		}
		s.env.Stats.MsgsOut.Add(1)
	}
}

func (s *srv) broadcast(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	sub := s.hub.Join(func(code int, reason string) {
		_ = c.nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		_ = c.writeClose(code, reason)
		_ = c.nc.Close()
	})
	defer s.hub.Leave(sub)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		_, err := c.Write(m.Frame.([]byte))
		return err
	}, func() { _ = c.nc.Close() })
	var buf bytes.Buffer
	for {
		h, err := c.next()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(&c.rd); err != nil {
			c.fail(err)
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		s.hub.Publish(h.OpCode == ws.OpBinary, buf.Bytes())
	}
}

var errCloseSent = errors.New("gobwas: close frame already sent")

// conn is one upgraded connection.
type conn struct {
	nc net.Conn
	rd wsutil.Reader // used by the read loop only

	ctl bytes.Buffer // a control reply, built by the read loop

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
// message over the limit, 1002 for a protocol violation. Other errors (the
// peer closed or went away) need none.
func (c *conn) fail(err error) {
	var pe ws.ProtocolError
	switch {
	case errors.Is(err, wsutil.ErrMessageTooLarge):
		_ = c.writeClose(int(ws.StatusMessageTooBig), "message too big")
	case errors.As(err, &pe), errors.Is(err, ws.ErrHeaderLengthMSB), errors.Is(err, ws.ErrHeaderLengthUnexpected):
		_ = c.writeClose(int(ws.StatusProtocolError), err.Error())
	}
}
