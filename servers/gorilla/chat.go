package gorilla

import (
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/server"
)

// newChat is the chat hub with each message prepared once for its room.
func newChat(env *server.Env) *chat.Hub {
	return chat.New(env, func(p []byte) any {
		pm, _ := websocket.NewPreparedMessage(websocket.TextMessage, p)
		return pm
	})
}

// serveChat speaks the chat protocol with gorilla's JSON path: ReadJSON in;
// room messages out with WritePreparedMessage (each prepared once for all
// members), answers to the connection alone with WriteJSON.
func (s *srv) serveChat(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	m := s.chat.Connect(func(code int, reason string) {
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(100*time.Millisecond))
		_ = c.Close()
	})
	defer s.chat.Disconnect(m)
	go s.chat.Deliver(m, func(o *chat.Out) error {
		if !o.Room {
			return c.WriteJSON(o.Value)
		}
		return c.WritePreparedMessage(o.Frame.(*websocket.PreparedMessage))
	}, func() { _ = c.Close() })
	for {
		var in chat.In
		err := c.ReadJSON(&in)
		if err != nil && !chat.IsDecodeError(err) {
			return
		}
		s.chat.Handle(m, in, err)
	}
}
