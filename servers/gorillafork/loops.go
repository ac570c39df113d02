package gorillafork

import (
	"time"

	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

// MessageConn is Conn with the writes of echo and broadcast; P is the
// fork's *PreparedMessage.
type MessageConn[P any] interface {
	Conn
	WriteMessage(messageType int, data []byte) error
	WritePreparedMessage(pm P) error
}

// Opcode is the message type of a binary or text message.
func Opcode(binary bool) int {
	if binary {
		return BinaryMessage
	}
	return TextMessage
}

// Prepare is the hub's prepare function (hub.New) for a fork whose
// NewPreparedMessage is newPM: each broadcast message is encoded once.
func Prepare[P any](newPM func(messageType int, data []byte) (P, error)) func(binary bool, p []byte) any {
	return func(binary bool, p []byte) any {
		pm, _ := newPM(Opcode(binary), p)
		return pm
	}
}

// Echo sends every message of c back as one frame with WriteMessage,
// counting them in env's Stats, until reading or writing fails; the caller
// closes the connection.
func Echo[P any](env *server.Env, c MessageConn[P]) {
	ReadMessages(c, func(mt int, p []byte) error {
		env.Stats.MsgsIn.Add(1)
		if err := c.WriteMessage(mt, p); err != nil {
			return err
		}
		env.Stats.MsgsOut.Add(1)
		return nil
	})
}

// Broadcast subscribes c to h, whose messages Prepare encoded, with one
// writer goroutine, and publishes every message c sends until reading
// fails; the caller closes the connection. A subscriber kicked by the hub
// gets its close frame within 100 ms.
func Broadcast[P any](env *server.Env, h *hub.Hub, c MessageConn[P]) {
	sub := h.Join(Kick(c, 100*time.Millisecond))
	defer h.Leave(sub)
	go h.Deliver(sub, func(m *hub.Msg) error {
		return c.WritePreparedMessage(m.Frame.(P))
	}, func() { _ = c.Close() })
	ReadMessages(c, func(mt int, p []byte) error {
		env.Stats.MsgsIn.Add(1)
		h.Publish(mt == BinaryMessage, p) // Publish copies
		return nil
	})
}
