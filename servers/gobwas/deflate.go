package gobwas

import (
	"bufio"
	"bytes"
	"compress/flate"
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
	"github.com/gobwas/ws/wsutil"

	"github.com/wsbench/wsbench/servers/server"
)

// deflate is the adapter's permessage-deflate (Env.Deflate), with the
// library's wsflate package the way its documentation shows: a
// wsflate.Extension negotiates in the upgrader's Negotiate hook, with
// wsflate.DefaultParameters (no context takeover either way); a
// wsflate.MessageState among the wsutil.Reader's extensions tells a
// compressed message, which is read through a wsflate.Reader; a message
// sent is compressed with a wsflate.Writer into a buffer and written as
// one frame with RSV1 set. Readers and writers (a flate writer is large)
// are pooled, held for the time of one message. Level: the library's
// DefaultHelper uses 9; LevelFastest is 1.
type deflate struct {
	readers sync.Pool // *wsflate.Reader
	writers sync.Pool // *deflateWriter
}

type deflateWriter struct {
	w   *wsflate.Writer
	buf bytes.Buffer
}

// defaultLevel is the level of the library's wsflate.DefaultHelper.
const defaultLevel = 9

// newDeflate is the adapter's compression for d, nil when it is off.
func newDeflate(d server.Deflate) *deflate {
	if !d.On() {
		return nil
	}
	level := defaultLevel
	if d.Fastest() {
		level = flate.BestSpeed
	}
	x := &deflate{}
	x.readers.New = func() any {
		return wsflate.NewReader(nil, func(r io.Reader) wsflate.Decompressor { return flate.NewReader(r) })
	}
	x.writers.New = func() any {
		dw := &deflateWriter{}
		dw.w = wsflate.NewWriter(&dw.buf, func(w io.Writer) wsflate.Compressor {
			f, _ := flate.NewWriter(w, level) // the level is valid
			return f
		})
		return dw
	}
	return x
}

// upgrade is ws.UpgradeHTTP with the extension offered to Negotiate; it
// reports whether the client accepted it.
func (x *deflate) upgrade(r *http.Request, w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, bool, error) {
	ext := &wsflate.Extension{Parameters: wsflate.DefaultParameters}
	u := ws.HTTPUpgrader{Negotiate: ext.Negotiate}
	nc, rw, _, err := u.Upgrade(r, w)
	_, ok := ext.Accepted()
	return nc, rw, ok, err
}

// negotiated prepares c's reader for compressed messages.
func (c *conn) negotiated() {
	c.deflated = true
	c.rd.State |= ws.StateExtended
	c.rd.Extensions = []wsutil.RecvExtension{&c.msg}
}

// readBody reads the current message of c whole into buf, inflating it
// when it came compressed; an inflated message longer than limit is
// refused as too large.
func (s *srv) readBody(c *conn, buf *bytes.Buffer) error {
	if !c.deflated || !c.msg.IsCompressed() {
		_, err := buf.ReadFrom(&c.rd)
		return err
	}
	fr := s.deflate.readers.Get().(*wsflate.Reader)
	defer s.deflate.readers.Put(fr)
	fr.Reset(&c.rd)
	lim := io.LimitedReader{R: fr, N: s.env.MaxMessageSize + 1}
	_, err := buf.ReadFrom(&lim)
	if err == nil && int64(buf.Len()) > s.env.MaxMessageSize {
		err = wsutil.ErrMessageTooLarge
	}
	return err
}

// writeCompressed writes p to c as one compressed frame.
func (s *srv) writeCompressed(c *conn, op ws.OpCode, p []byte) error {
	dw := s.deflate.writers.Get().(*deflateWriter)
	defer s.deflate.writers.Put(dw)
	z, err := dw.compress(p)
	if err != nil {
		return err
	}
	return c.writeFrame(func(nc net.Conn) error {
		c.hdr.Reset()
		h := ws.Header{Fin: true, Rsv: ws.Rsv(true, false, false), OpCode: op, Length: int64(len(z))}
		if err := ws.WriteHeaderBuffer(&c.hdr, h, c.hdrScratch[:]); err != nil {
			return err
		}
		c.iov = [2][]byte{c.hdr.Bytes(), z}
		c.bufs = c.iov[:]
		_, err := c.bufs.WriteTo(nc) // one writev
		c.iov = [2][]byte{}
		return err
	})
}

// compress returns p compressed as one message (valid until dw is
// reused).
func (dw *deflateWriter) compress(p []byte) ([]byte, error) {
	dw.buf.Reset()
	dw.w.Reset(&dw.buf)
	if _, err := dw.w.Write(p); err != nil {
		return nil, err
	}
	if err := dw.w.Flush(); err != nil {
		return nil, err
	}
	return dw.buf.Bytes(), nil
}

// frames are a broadcast or chat message compiled once plain and once
// compressed, for the connections with and without the extension.
type frames struct{ plain, deflated []byte }

// compile is a message's frame, or with compression on its two frames.
func (s *srv) compile(op ws.OpCode, p []byte) any {
	plain, _ := ws.CompileFrame(ws.NewFrame(op, true, p))
	if s.deflate == nil {
		return plain
	}
	dw := s.deflate.writers.Get().(*deflateWriter)
	defer s.deflate.writers.Put(dw)
	z, err := dw.compress(p)
	if err != nil {
		return plain
	}
	f := ws.NewFrame(op, true, z)
	f.Header.Rsv = ws.Rsv(true, false, false)
	deflated, _ := ws.CompileFrame(f)
	return &frames{plain: plain, deflated: deflated}
}

// frameFor is the frame compile made, as c takes it.
func (c *conn) frameFor(f any) []byte {
	if fs, ok := f.(*frames); ok {
		if c.deflated {
			return fs.deflated
		}
		return fs.plain
	}
	return f.([]byte)
}
