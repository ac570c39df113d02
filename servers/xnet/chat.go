package xnet

import (
	"time"

	"golang.org/x/net/websocket"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/server"
)

// serveChat speaks the chat protocol. JSON path: encoding/json (chat.Decode)
// on the adapter's message reader, and the hub's bytes, encoded once per
// message, written as one text frame. The library's websocket.JSON codec is
// not used: its Receive reads one frame, not one message (a fragmented
// message would come apart), past this adapter's size limit and close
// handling, and its Send would encode the message again for every member.
func (s *srv) serveChat(ws *websocket.Conn) {
	c, release := s.accept(ws)
	defer release()
	m := s.chat.Connect(func(code int, reason string) {
		c.closeWithin(code, 100*time.Millisecond)
	})
	defer s.chat.Disconnect(m)
	go s.chat.Deliver(m, func(o *chat.Out) error {
		return c.writeMessage(false, o.Payload)
	}, func() { _ = ws.SetDeadline(time.Now()) })
	for {
		buf := server.GetBuffer()
		if _, err := c.readMessage(buf); err != nil {
			server.PutBuffer(buf)
			return
		}
		s.chat.HandleRaw(m, buf.Bytes())
		server.PutBuffer(buf)
	}
}
