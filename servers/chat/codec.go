package chat

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Message types (the "type" field), see PROTOCOL.md.
const (
	// client -> server
	TypeJoin    = "join"
	TypeLeave   = "leave"
	TypePublish = "publish"
	// server -> client
	TypeJoined  = "joined"
	TypeLeft    = "left"
	TypeMessage = "message"
	TypeError   = "error"
)

// Limits of the protocol, identical for every library.
const (
	// MaxRoom is the longest room name, in bytes.
	MaxRoom = 64
	// MaxText is the longest text of a publish, in bytes.
	MaxText = 4096
	// MaxRooms is how many rooms one connection may be in at once.
	MaxRooms = 64
	// MaxIn is the longest client message the hub accepts, in bytes of
	// JSON; adapters that see the raw message check it (Decode), the
	// others rely on MaxText and MaxRoom after decoding.
	MaxIn = MaxText + MaxRoom + 256
)

// In is a client's message. Unknown fields are ignored.
type In struct {
	Type string `json:"type"`
	Room string `json:"room"`
	Seq  uint64 `json:"seq"`
	TS   int64  `json:"ts"`
	Text string `json:"text"`
}

// Message is a publish as delivered to a room's members.
type Message struct {
	Type string `json:"type"` // TypeMessage
	Room string `json:"room"`
	From uint64 `json:"from"`
	Seq  uint64 `json:"seq"`
	TS   int64  `json:"ts"`
	Text string `json:"text"`
}

// Ack answers a join or a leave; ID is the connection's own id (the From of
// its publishes).
type Ack struct {
	Type string `json:"type"` // TypeJoined or TypeLeft
	Room string `json:"room"`
	ID   uint64 `json:"id"`
}

// Error reports a message the server refused; the connection stays open.
type Error struct {
	Type  string `json:"type"` // TypeError
	Error string `json:"error"`
}

// Decode parses one raw client message, for adapters that read bytes
// themselves. Its error is what the hub reports to the client.
func Decode(p []byte) (In, error) {
	var in In
	if len(p) > MaxIn {
		return in, fmt.Errorf("message too large: %d bytes, at most %d", len(p), MaxIn)
	}
	if err := json.Unmarshal(p, &in); err != nil {
		return in, fmt.Errorf("malformed JSON: %w", err)
	}
	return in, nil
}

// check validates a decoded message.
func check(in *In) error {
	switch in.Type {
	case TypeJoin, TypeLeave, TypePublish:
	case "":
		return fmt.Errorf("missing type")
	default:
		return fmt.Errorf("unknown type %q", in.Type)
	}
	switch {
	case in.Room == "":
		return fmt.Errorf("%s: missing room", in.Type)
	case len(in.Room) > MaxRoom:
		return fmt.Errorf("%s: room name longer than %d bytes", in.Type, MaxRoom)
	case len(in.Text) > MaxText:
		return fmt.Errorf("%s: text too large: %d bytes, at most %d", in.Type, len(in.Text), MaxText)
	case !utf8.ValidString(in.Text):
		return fmt.Errorf("%s: text is not UTF-8", in.Type)
	}
	return nil
}

// Check validates a decoded client message as the hub does (type, room,
// text), for servers that take the protocol's messages over another
// transport (the REST baseline's POST /chat/{room}/publish).
func Check(in *In) error { return check(in) }
