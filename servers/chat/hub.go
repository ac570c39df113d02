// Package chat is the chat-room hub shared by every WebSocket library: the
// protocol of PROTOCOL.md (join, leave, publish to a room, delivery to the
// room's members), with the slow-consumer policy of the broadcast hub.
//
// Policy: a publish goes to every member of its room at the time of the
// publish, the sender included when it is a member, in one order per room.
// Each connection has one bounded queue (server.SendQueue messages) for
// everything the server sends it (deliveries, acknowledgements, errors); a
// connection whose queue is full is removed from every room and
// disconnected with close code 1008, counted in /stats as a slow-client
// disconnect. Publishing never blocks on a member. In /stats, msgs_in
// counts client messages, msgs_out every message written (deliveries and
// answers), subscribers the connections on the hub.
//
// An adapter decodes each client message with its library's JSON path and
// hands it to Handle (or the raw bytes to HandleRaw), and runs one writer
// per connection (Deliver) that writes each Out: Frame when its library
// prepared one, else Payload (JSON encoded once per message), else Value
// (for its library's WriteJSON).
package chat

import (
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/wsbench/wsbench/servers/server"
)

// Out is one message queued to a connection. Payload is the JSON text,
// encoded once and shared by all recipients; Frame is the library's
// encoding of it (Prepare), nil when it has none; Value is the message as
// a Go value (*Message, *Ack or *Error).
type Out struct {
	Value   any
	Payload []byte
	Frame   any
	// Room is true for a room message (one Out shared by every member),
	// false for an answer to one connection (Ack, Error), which an adapter
	// may write with its library's JSON writer (Value) instead.
	Room bool
}

// Prepare encodes a message's JSON text once for every recipient (a gorilla
// PreparedMessage, a compiled frame...).
type Prepare func(payload []byte) any

// Hub holds the rooms.
type Hub struct {
	env     *server.Env
	prepare Prepare
	ids     atomic.Uint64
	idBase  uint64 // added to ids: in a cluster, ids are unique across nodes

	mu    sync.Mutex
	rooms map[string]map[*Conn]struct{}
}

// Conn is one connection's membership. Its writer ranges over C, which is
// closed when the connection leaves the hub or is dropped for being slow.
type Conn struct {
	ID    uint64
	C     <-chan *Out
	c     chan *Out
	kick  server.CloseFunc
	rooms map[string]struct{} // guarded by Hub.mu
	gone  bool                // guarded by Hub.mu
}

// New returns a hub; prepare may be nil. When env.Cluster is set, the hub
// also publishes each local room message to the other nodes and delivers
// theirs to the members of the room on this node.
func New(env *server.Env, prepare Prepare) *Hub {
	h := &Hub{env: env, prepare: prepare, rooms: make(map[string]map[*Conn]struct{})}
	if env.Cluster != nil {
		h.idBase = env.Cluster.IDBase()
		env.Cluster.OnChat(h.deliver)
	}
	return h
}

// Connect registers a connection. kick is called (in its own goroutine)
// with ClosePolicy if the connection falls a full queue behind.
func (h *Hub) Connect(kick server.CloseFunc) *Conn {
	c := make(chan *Out, h.env.SendQueue)
	h.env.Stats.Subscribers.Add(1)
	return &Conn{ID: h.idBase + h.ids.Add(1), C: c, c: c, kick: kick, rooms: make(map[string]struct{})}
}

// Disconnect removes c from every room and closes its queue. Safe to call
// more than once and after c was dropped.
func (h *Hub) Disconnect(c *Conn) {
	h.mu.Lock()
	h.drop(c)
	h.mu.Unlock()
}

// drop removes c; h.mu must be held.
func (h *Hub) drop(c *Conn) {
	if c.gone {
		return
	}
	c.gone = true
	for room := range c.rooms {
		h.leave(c, room)
	}
	close(c.c)
	h.env.Stats.Subscribers.Add(-1)
}

func (h *Hub) leave(c *Conn, room string) {
	delete(c.rooms, room)
	members := h.rooms[room]
	delete(members, c)
	if len(members) == 0 {
		delete(h.rooms, room)
	}
}

// HandleRaw decodes p with encoding/json (Decode) and handles it.
func (h *Hub) HandleRaw(c *Conn, p []byte) {
	in, err := Decode(p)
	h.Handle(c, in, err)
}

// Handle acts on one client message, decoded by the adapter; decodeErr is
// the decoding error, if any (then the client gets an error message). It
// never blocks on another connection.
func (h *Hub) Handle(c *Conn, in In, decodeErr error) {
	h.env.Stats.MsgsIn.Add(1)
	if decodeErr != nil {
		h.reply(c, &Error{Type: TypeError, Error: decodeErr.Error()})
		return
	}
	if err := check(&in); err != nil {
		h.reply(c, &Error{Type: TypeError, Error: err.Error()})
		return
	}
	switch in.Type {
	case TypeJoin:
		h.mu.Lock()
		_, member := c.rooms[in.Room]
		full := !member && len(c.rooms) >= MaxRooms
		if !full && !c.gone {
			c.rooms[in.Room] = struct{}{}
			if h.rooms[in.Room] == nil {
				h.rooms[in.Room] = make(map[*Conn]struct{})
			}
			h.rooms[in.Room][c] = struct{}{}
		}
		h.mu.Unlock()
		if full {
			h.reply(c, &Error{Type: TypeError, Error: "join: in too many rooms (at most " + strconv.Itoa(MaxRooms) + ")"})
			return
		}
		h.reply(c, &Ack{Type: TypeJoined, Room: in.Room, ID: c.ID})
	case TypeLeave:
		h.mu.Lock()
		_, member := c.rooms[in.Room]
		if member {
			h.leave(c, in.Room)
		}
		h.mu.Unlock()
		if !member {
			h.reply(c, &Error{Type: TypeError, Error: "leave: not in room " + in.Room})
			return
		}
		h.reply(c, &Ack{Type: TypeLeft, Room: in.Room, ID: c.ID})
	case TypePublish:
		h.publish(&Message{Type: TypeMessage, Room: in.Room, From: c.ID, Seq: in.Seq, TS: in.TS, Text: in.Text})
	}
}

// encode makes the Out of v, encoded once.
func (h *Hub) encode(v any) *Out {
	p, _ := json.Marshal(v) // our own types: cannot fail
	o := &Out{Value: v, Payload: p}
	if h.prepare != nil {
		o.Frame = h.prepare(p)
	}
	return o
}

// publish queues m to every member of its room, and in a cluster sends it
// once to the other nodes. The hub lock makes the order the same for every
// member on this node; across nodes, one node's messages keep their order.
func (h *Hub) publish(m *Message) {
	o := h.encode(m)
	o.Room = true
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fanout(m.Room, o)
	if h.env.Cluster != nil {
		h.env.Cluster.PublishChat(m.Room, o.Payload)
	}
}

// deliver queues another node's room message (its JSON text) to the
// members of the room on this node. A message that does not decode is
// dropped (the nodes of a cluster run the same code).
func (h *Hub) deliver(room string, payload []byte) {
	m := new(Message)
	if err := json.Unmarshal(payload, m); err != nil || m.Room != room {
		return
	}
	o := &Out{Value: m, Payload: append([]byte(nil), payload...), Room: true}
	if h.prepare != nil {
		o.Frame = h.prepare(o.Payload)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fanout(room, o)
}

// fanout queues o to every member of room; h.mu must be held.
func (h *Hub) fanout(room string, o *Out) {
	for c := range h.rooms[room] {
		h.queue(c, o)
	}
}

// reply queues v to c alone.
func (h *Hub) reply(c *Conn, v any) {
	o := h.encode(v)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !c.gone {
		h.queue(c, o)
	}
}

// queue adds o to c's queue or drops c when it is full; h.mu must be held.
func (h *Hub) queue(c *Conn, o *Out) {
	select {
	case c.c <- o:
	default:
		h.drop(c)
		h.env.Stats.SlowDisconnects.Add(1)
		go c.kick(server.ClosePolicy, "send queue full")
	}
}

// Deliver is a connection's writer: it writes the queued messages with
// write, in order, until the queue is closed, counting each in /stats. On
// a write error it drops the connection and calls broken, which must end
// it (broken may be nil). Adapters run it in its own goroutine.
func (h *Hub) Deliver(c *Conn, write func(*Out) error, broken func()) {
	for o := range c.C {
		if err := write(o); err != nil {
			h.Disconnect(c)
			if broken != nil {
				broken()
			}
			return
		}
		h.env.Stats.MsgsOut.Add(1)
	}
}

// Rooms is the number of rooms with at least one member.
func (h *Hub) Rooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.rooms)
}
