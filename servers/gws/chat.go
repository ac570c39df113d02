package gws

import (
	"time"

	"github.com/lxzan/gws"

	"github.com/wsbench/wsbench/servers/chat"
)

// sessionKey holds a connection's *chat.Conn in its gws session.
const sessionKey = "chat"

// newChat is the chat hub with each message made once into a gws
// Broadcaster (the library's encode-once path).
func (s *srv) newChat() {
	s.chat = chat.New(s.env, func(p []byte) any { return gws.NewBroadcaster(gws.OpcodeText, p) })
}

// joinChat connects c to the chat hub and starts its writer; the returned
// function disconnects it. JSON path: gws has no JSON helper, so
// chatHandler decodes with encoding/json (chat.Decode) and the writer
// sends each message's Broadcaster, encoded once per room message.
func (s *srv) joinChat(c *gws.Conn) (leave func()) {
	m := s.chat.Connect(func(code int, reason string) {
		closeWithin(c, 100*time.Millisecond, code, reason)
	})
	c.Session().Store(sessionKey, m)
	written := make(chan error, 1)
	go s.chat.Deliver(m, func(o *chat.Out) error {
		if err := o.Frame.(*gws.Broadcaster).Broadcast(c, func(err error) { written <- err }); err != nil {
			return err
		}
		return <-written
	}, func() { _ = c.NetConn().Close() })
	return func() { s.chat.Disconnect(m) }
}

type chatHandler struct {
	gws.BuiltinEventHandler
	srv *srv
}

func (h *chatHandler) OnMessage(c *gws.Conn, msg *gws.Message) {
	if v, ok := c.Session().Load(sessionKey); ok {
		h.srv.chat.HandleRaw(v.(*chat.Conn), msg.Bytes()) // the hub copies what it keeps
	}
	_ = msg.Close()
}
