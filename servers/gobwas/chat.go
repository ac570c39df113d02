package gobwas

import (
	"net/http"

	"github.com/gobwas/ws"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/server"
)

// newChat is the chat hub with each message compiled once into a frame
// (ws.CompileFrame, and compressed too when compression is on: compile),
// as broadcast does.
func newChat(env *server.Env, compile func(ws.OpCode, []byte) any) *chat.Hub {
	return chat.New(env, func(p []byte) any { return compile(ws.OpText, p) })
}

// serveChat speaks the chat protocol. JSON path: gobwas has no JSON
// helper; each message is read whole from wsutil.Reader and decoded with
// encoding/json (chat.Decode), and the writer sends each room message's
// compiled frame.
func (s *srv) serveChat(w http.ResponseWriter, r *http.Request) {
	s.fanout(w, r, func(c *conn, kick server.CloseFunc) (func(ws.OpCode, []byte), func()) {
		m := s.chat.Connect(kick)
		go s.chat.Deliver(m, func(o *chat.Out) error {
			_, err := c.Write(c.frameFor(o.Frame))
			return err
		}, func() { _ = c.nc.Close() })
		return func(_ ws.OpCode, p []byte) {
			s.chat.HandleRaw(m, p) // the hub copies what it keeps
		}, func() { s.chat.Disconnect(m) }
	})
}
