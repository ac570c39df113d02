// Package hub is the broadcast fan-out shared by every library.
//
// Policy (identical for all libraries, documented in the README): every
// message published on /broadcast goes to every subscriber, the sender
// included, in one global order. Each subscriber has a bounded queue
// (server.SendQueue messages); a subscriber whose queue is full when a
// message arrives is dropped from the hub and disconnected with close code
// 1008, and counted in /stats as a slow-client disconnect. Publishing never
// blocks on a subscriber.
//
// A library adapts its connection type only: it gives the hub a function
// that encodes a message once for all subscribers (Prepare), and runs one
// writer per subscriber that drains Sub.C.
package hub

import (
	"sync"

	"github.com/wsbench/wsbench/servers/server"
)

// Msg is one broadcast message as queued to subscribers. Payload and Frame
// are shared by all subscribers and must not be modified.
type Msg struct {
	Binary  bool
	Payload []byte
	// Frame is the library's encoding of the message, made once per
	// message by Prepare (a gorilla PreparedMessage, a compiled gobwas
	// frame...). Nil when the library has no such thing.
	Frame any
}

// Prepare encodes a message once for every subscriber.
type Prepare func(binary bool, payload []byte) any

// Hub fans messages out to subscribers.
type Hub struct {
	env     *server.Env
	prepare Prepare

	mu   sync.Mutex
	subs map[*Sub]struct{}
}

// Sub is one subscriber. Its writer ranges over C; C is closed when the
// subscriber leaves or is dropped for being slow.
type Sub struct {
	C    <-chan *Msg
	c    chan *Msg
	kick server.CloseFunc
}

// New returns a hub whose queues hold env.SendQueue messages. prepare may be
// nil. When env.Cluster is set, the hub also publishes each local message
// to the other nodes and delivers theirs to its subscribers.
func New(env *server.Env, prepare Prepare) *Hub {
	h := &Hub{env: env, prepare: prepare, subs: make(map[*Sub]struct{})}
	if env.Cluster != nil {
		env.Cluster.OnBroadcast(h.deliver)
	}
	return h
}

// Join adds a subscriber. kick is called (in its own goroutine) with
// ClosePolicy if the subscriber falls a full queue behind.
func (h *Hub) Join(kick server.CloseFunc) *Sub {
	c := make(chan *Msg, h.env.SendQueue)
	s := &Sub{C: c, c: c, kick: kick}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.env.Stats.Subscribers.Add(1)
	h.mu.Unlock()
	return s
}

// Leave removes a subscriber and closes its queue. Safe to call more than
// once and after the subscriber was dropped.
func (h *Hub) Leave(s *Sub) {
	h.mu.Lock()
	if _, ok := h.subs[s]; ok {
		h.remove(s)
	}
	h.mu.Unlock()
}

// Deliver is a subscriber's writer: it writes the queued messages with
// write, in order, until the queue is closed, counting each in /stats. On a
// write error it drops the subscriber and calls broken, which must end the
// connection (broken may be nil). Adapters run it in its own goroutine.
func (h *Hub) Deliver(s *Sub, write func(*Msg) error, broken func()) {
	for m := range s.C {
		if err := write(m); err != nil {
			h.Leave(s)
			if broken != nil {
				broken()
			}
			return
		}
		h.env.Stats.MsgsOut.Add(1)
	}
}

// Publish sends a copy of payload to every subscriber, and in a cluster
// once to the other nodes. The hub lock makes the order of messages the
// same for every subscriber of this node; across nodes, the messages of
// one node keep their order.
func (h *Hub) Publish(binary bool, payload []byte) {
	m := h.message(binary, payload)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fanout(m)
	if h.env.Cluster != nil {
		h.env.Cluster.PublishBroadcast(binary, m.Payload)
	}
}

// deliver sends another node's message to this node's subscribers only.
func (h *Hub) deliver(binary bool, payload []byte) {
	m := h.message(binary, payload)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fanout(m)
}

// message makes the queued form of a message: a copy of payload, encoded
// once.
func (h *Hub) message(binary bool, payload []byte) *Msg {
	m := &Msg{Binary: binary, Payload: append([]byte(nil), payload...)}
	if h.prepare != nil {
		m.Frame = h.prepare(binary, m.Payload)
	}
	return m
}

// fanout queues m to every subscriber; h.mu must be held.
func (h *Hub) fanout(m *Msg) {
	for s := range h.subs {
		select {
		case s.c <- m:
		default:
			h.remove(s)
			h.env.Stats.SlowDisconnects.Add(1)
			go s.kick(server.ClosePolicy, "send queue full")
		}
	}
}

// remove drops s; h.mu must be held.
func (h *Hub) remove(s *Sub) {
	delete(h.subs, s)
	close(s.c)
	h.env.Stats.Subscribers.Add(-1)
}

// Len is the number of subscribers.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
