package gorillafork

import (
	"time"

	"github.com/wsbench/wsbench/servers/chat"
)

// JSONConn is MessageConn with the forks' JSON reader.
type JSONConn[P any] interface {
	MessageConn[P]
	ReadJSON(v any) error
	WriteJSON(v any) error
}

// ChatPrepare is the chat hub's prepare function (chat.New) for a fork
// whose NewPreparedMessage is newPM: each message is encoded once for all
// the members of its room.
func ChatPrepare[P any](newPM func(messageType int, data []byte) (P, error)) chat.Prepare {
	return func(p []byte) any {
		pm, _ := newPM(TextMessage, p)
		return pm
	}
}

// Chat speaks the chat protocol on c with the forks' JSON path (gorilla's):
// ReadJSON in; out, from one writer goroutine, room messages with
// WritePreparedMessage and answers to c alone with WriteJSON, until
// reading fails; the caller closes the connection. h's messages must have
// been prepared by ChatPrepare. decodeErr tells an error of ReadJSON about
// the message's content (the client gets an error message) from one of the
// connection; nil means chat.IsDecodeError (encoding/json's errors).
func Chat[P any](h *chat.Hub, c JSONConn[P], decodeErr func(error) bool) {
	if decodeErr == nil {
		decodeErr = chat.IsDecodeError
	}
	m := h.Connect(Kick(c, 100*time.Millisecond))
	defer h.Disconnect(m)
	go h.Deliver(m, func(o *chat.Out) error {
		if !o.Room {
			return c.WriteJSON(o.Value)
		}
		return c.WritePreparedMessage(o.Frame.(P))
	}, func() { _ = c.Close() })
	for {
		var in chat.In
		err := c.ReadJSON(&in)
		if err != nil && !decodeErr(err) {
			return
		}
		h.Handle(m, in, err)
	}
}
