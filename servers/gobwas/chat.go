package gobwas

import (
	"net/http"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/server"
)

// newChat is the chat hub with each message compiled once into a frame
// (ws.CompileFrame), as broadcast does.
func newChat(env *server.Env) *chat.Hub {
	return chat.New(env, func(p []byte) any {
		f, _ := ws.CompileFrame(ws.NewFrame(ws.OpText, true, p))
		return f
	})
}

// serveChat speaks the chat protocol. JSON path: gobwas has no JSON
// helper; each message is read whole from wsutil.Reader and decoded with
// encoding/json (chat.Decode), and the writer sends each room message's
// compiled frame.
func (s *srv) serveChat(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	m := s.chat.Connect(func(code int, reason string) {
		_ = c.nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		_ = c.writeClose(code, reason)
		_ = c.nc.Close()
	})
	defer s.chat.Disconnect(m)
	go s.chat.Deliver(m, func(o *chat.Out) error {
		_, err := c.Write(o.Frame.([]byte))
		return err
	}, func() { _ = c.nc.Close() })
	for {
		h, err := c.next()
		if err != nil {
			return
		}
		buf := server.GetBuffer()
		_, err = buf.ReadFrom(&c.rd)
		if err == nil && s.opt.AdapterUTF8 && h.OpCode == ws.OpText && !server.ValidText(buf.Bytes()) {
			err = wsutil.ErrInvalidUTF8
		}
		if err != nil {
			server.PutBuffer(buf)
			c.fail(err)
			return
		}
		s.chat.HandleRaw(m, buf.Bytes()) // the hub copies what it keeps
		server.PutBuffer(buf)
	}
}
