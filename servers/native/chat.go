package native

import (
	"net/http"
	"time"

	"github.com/wsbench/wsbench/servers/chat"
)

// serveChat speaks the chat protocol. JSON path: encoding/json
// (chat.Decode) on each message the reader assembles, and each room
// message's frame built once (prepareFrame) for every member.
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
		return c.writeFrame(o.Frame.([]byte))
	}, func() { _ = c.nc.Close() })
	for {
		_, p, err := c.next()
		if err != nil {
			c.fail(err)
			return
		}
		s.chat.HandleRaw(m, p) // the hub copies what it keeps
		c.recycle()
	}
}
