package sockjs

import (
	"unsafe"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/server"
)

// chatPrepare shares the hub's JSON text, never modified, as the string
// every member's Send takes.
func chatPrepare(p []byte) any { return unsafe.String(unsafe.SliceData(p), len(p)) }

// serveChat speaks the chat protocol on every transport. JSON path: each
// protocol message is a SockJS message (a JSON string inside SockJS's own
// JSON framing, so escaped twice on the wire), decoded with encoding/json
// (chat.Decode); each room message is encoded once and sent to every
// member with Send.
func (s *srv) serveChat(c *session) {
	// Connect before Track: once /stats counts a session, it receives.
	m := s.chat.Connect(func(code int, reason string) { c.close(code, reason, kickGrace) })
	defer s.chat.Disconnect(m)
	defer s.track(c)()
	// A failed Send means the session is already closed: nothing to end.
	go s.chat.Deliver(m, func(o *chat.Out) error { return c.Send(o.Frame.(string)) }, nil)
	for {
		msg, err := c.Recv()
		if err != nil {
			return
		}
		if int64(len(msg)) > s.env.MaxMessageSize {
			c.close(server.CloseTooBig, "message too big", shutdownGrace)
			return
		}
		// HandleRaw only reads msg's bytes and copies what it keeps.
		s.chat.HandleRaw(m, unsafe.Slice(unsafe.StringData(msg), len(msg)))
	}
}
