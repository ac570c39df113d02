package coderfork

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/wsbench/wsbench/servers/server"
)

func (s *srv[T, S]) echo(w http.ResponseWriter, r *http.Request) {
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
func (s *srv[T, S]) echoWrite(ctx context.Context, c Conn[T, S]) error {
	typ, buf, err := s.read(ctx, c)
	if err != nil {
		return err
	}
	err = c.Write(ctx, typ, buf.Bytes())
	server.PutBuffer(buf)
	return err
}

func (s *srv[T, S]) echoRead(ctx context.Context, c Conn[T, S]) error {
	typ, p, err := c.Read(ctx)
	if err != nil {
		return err
	}
	s.env.Stats.MsgsIn.Add(1)
	if typ == s.api.Text && !server.ValidText(p) {
		return errInvalidText
	}
	return c.Write(ctx, typ, p)
}

func (s *srv[T, S]) echoWriter(ctx context.Context, c Conn[T, S]) error {
	typ, rd, err := c.Reader(ctx)
	if err != nil {
		return err
	}
	if typ == s.api.Text {
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

// read reads the next message whole into a pooled buffer, which the caller
// must return with server.PutBuffer.
func (s *srv[T, S]) read(ctx context.Context, c Conn[T, S]) (T, *bytes.Buffer, error) {
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
	if typ == s.api.Text && !server.ValidText(buf.Bytes()) {
		server.PutBuffer(buf)
		return 0, nil, errInvalidText
	}
	return typ, buf, nil
}
