package coderfork

import (
	"context"
	"net/http"
	"time"

	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

func (s *srv[T, S]) broadcast(w http.ResponseWriter, r *http.Request) {
	c, g, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	ctx := context.Background()
	sub := s.hub.Join(func(code int, reason string) {
		closeWithin(c, g, code, reason, 100*time.Millisecond)
	})
	defer s.hub.Leave(sub)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		return c.Write(ctx, s.msgType(m.Binary), m.Payload)
	}, func() { _ = c.CloseNow() })
	for {
		typ, buf, err := s.read(ctx, c)
		if err != nil {
			s.fail(c, g, err)
			return
		}
		s.hub.Publish(typ == s.api.Binary, buf.Bytes()) // Publish copies
		server.PutBuffer(buf)
	}
}
