package coderfork

import (
	"context"
	"net/http"
	"time"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/server"
)

// serveChat speaks the chat protocol. JSON path: encoding/json on the
// library's Reader (chat.Decode), and Write of the bytes the hub encoded
// once per message. The library's wsjson.Read is not used: on malformed
// JSON it closes the connection (1007), which the protocol forbids (the
// client gets an error message and keeps its rooms); wsjson.Write would
// encode the same message again for every member.
func (s *srv[T, S]) serveChat(w http.ResponseWriter, r *http.Request) {
	c, g, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	ctx := context.Background()
	m := s.chat.Connect(func(code int, reason string) {
		closeWithin(c, g, code, reason, 100*time.Millisecond)
	})
	defer s.chat.Disconnect(m)
	go s.chat.Deliver(m, func(o *chat.Out) error {
		return c.Write(ctx, s.api.Text, o.Payload)
	}, func() { _ = c.CloseNow() })
	for {
		_, rd, err := c.Reader(ctx)
		if err != nil {
			s.fail(c, g, err)
			return
		}
		buf := server.GetBuffer()
		if _, err := buf.ReadFrom(rd); err != nil {
			server.PutBuffer(buf)
			s.fail(c, g, err)
			return
		}
		s.chat.HandleRaw(m, buf.Bytes()) // the hub copies what it keeps
		server.PutBuffer(buf)
	}
}
