// Package cluster bridges the hubs of several server nodes through NATS
// core (server.Bridge): each node publishes its local broadcasts and chat
// messages once to the broker, and delivers what the other nodes publish to
// its own connections. NATS core is at-most-once: a node that is away from
// the broker loses what was published meanwhile, and a subscription that
// falls too far behind drops messages (Node.Dropped counts them).
package cluster

import (
	"errors"
	"fmt"
	"hash/fnv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"

	"github.com/wsbench/wsbench/servers/server"
)

// Subjects and headers of the messages between nodes.
const (
	SubjectBroadcast = "wsbench.broadcast"
	SubjectChat      = "wsbench.chat"
	HeaderNode       = "Wsbench-Node"   // the publishing node's id
	HeaderBinary     = "Wsbench-Binary" // "1" for a binary broadcast
	HeaderRoom       = "Wsbench-Room"   // a chat message's room
)

// Node is one server node's link to the broker. It implements
// server.Bridge.
type Node struct {
	id      string
	nc      *nats.Conn
	own     bool // nc was opened by Connect and is closed by Close
	subs    []*nats.Subscription
	onB     atomic.Pointer[func(bool, []byte)]
	onC     atomic.Pointer[func(string, []byte)]
	pubErrs atomic.Int64
}

var _ server.Bridge = (*Node)(nil)

// Connect opens a connection to the broker at url for the node id (a
// random id when empty). opts are added to the connection's options (for
// example nats.InProcessServer); the node never receives its own messages.
func Connect(url, id string, opts ...nats.Option) (*Node, error) {
	if id == "" {
		id = nuid.Next()
	}
	opts = append([]nats.Option{nats.Name("wsbench node " + id), nats.NoEcho(), nats.MaxReconnects(-1)}, opts...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("cluster: connect to %s: %w", url, err)
	}
	n, err := Attach(nc, id)
	if err != nil {
		nc.Close()
		return nil, err
	}
	n.own = true
	return n, nil
}

// Attach makes node id on an open connection, which the caller keeps and
// closes. Messages of the node itself are recognised by their node header
// and skipped, so the connection need not be opened with nats.NoEcho.
func Attach(nc *nats.Conn, id string) (*Node, error) {
	if id == "" {
		return nil, errors.New("cluster: empty node id")
	}
	n := &Node{id: id, nc: nc}
	for _, s := range []struct {
		subject string
		handle  nats.MsgHandler
	}{{SubjectBroadcast, n.broadcast}, {SubjectChat, n.chat}} {
		sub, err := nc.Subscribe(s.subject, s.handle)
		if err != nil {
			n.unsubscribe()
			return nil, fmt.Errorf("cluster: subscribe %s: %w", s.subject, err)
		}
		n.subs = append(n.subs, sub)
	}
	// The broker has the subscriptions once it answered a flush: from now
	// on this node receives every message published after.
	if err := nc.FlushTimeout(10 * time.Second); err != nil {
		n.unsubscribe()
		return nil, fmt.Errorf("cluster: subscribe: %w", err)
	}
	return n, nil
}

// ID is the node's id.
func (n *Node) ID() string { return n.id }

// PublishBroadcast implements server.Bridge.
func (n *Node) PublishBroadcast(binary bool, payload []byte) {
	m := &nats.Msg{Subject: SubjectBroadcast, Data: payload, Header: nats.Header{HeaderNode: {n.id}}}
	if binary {
		m.Header[HeaderBinary] = []string{"1"}
	}
	n.publish(m)
}

// PublishChat implements server.Bridge.
func (n *Node) PublishChat(room string, payload []byte) {
	n.publish(&nats.Msg{Subject: SubjectChat, Data: payload, Header: nats.Header{HeaderNode: {n.id}, HeaderRoom: {room}}})
}

func (n *Node) publish(m *nats.Msg) {
	if err := n.nc.PublishMsg(m); err != nil {
		n.pubErrs.Add(1)
	}
}

// OnBroadcast implements server.Bridge.
func (n *Node) OnBroadcast(deliver func(binary bool, payload []byte)) { n.onB.Store(&deliver) }

// OnChat implements server.Bridge.
func (n *Node) OnChat(deliver func(room string, payload []byte)) { n.onC.Store(&deliver) }

// IDBase implements server.Bridge: a base derived from the node id, below
// 2^52 so that ids stay exact in JSON readers that use doubles; nodes
// collide with a probability of about one in a million per pair.
func (n *Node) IDBase() uint64 {
	h := fnv.New32a()
	h.Write([]byte(n.id))
	return uint64(h.Sum32()&(1<<20-1)) << 32
}

// broadcast and chat are the subscriptions' handlers. NATS calls each in
// order, one message at a time.
func (n *Node) broadcast(m *nats.Msg) {
	if m.Header.Get(HeaderNode) == n.id {
		return
	}
	if f := n.onB.Load(); f != nil {
		(*f)(m.Header.Get(HeaderBinary) == "1", m.Data)
	}
}

func (n *Node) chat(m *nats.Msg) {
	if m.Header.Get(HeaderNode) == n.id {
		return
	}
	if f := n.onC.Load(); f != nil {
		(*f)(m.Header.Get(HeaderRoom), m.Data)
	}
}

// Dropped is the number of messages from other nodes that the broker
// connection dropped because this node fell behind (slow consumer).
func (n *Node) Dropped() int64 {
	var d int64
	for _, s := range n.subs {
		if k, err := s.Dropped(); err == nil {
			d += int64(k)
		}
	}
	return d
}

// PublishErrors is the number of messages this node could not hand to the
// broker connection (closed, or its reconnect buffer full).
func (n *Node) PublishErrors() int64 { return n.pubErrs.Load() }

// Close flushes what the node published, within timeout, and leaves the
// broker (closing the connection when Connect opened it).
func (n *Node) Close(timeout time.Duration) error {
	var err error
	if !n.nc.IsClosed() {
		if ferr := n.nc.FlushTimeout(timeout); ferr != nil {
			err = fmt.Errorf("cluster: flush: %w", ferr)
		}
	}
	n.unsubscribe()
	if n.own {
		n.nc.Close()
	}
	return err
}

func (n *Node) unsubscribe() {
	for _, s := range n.subs {
		_ = s.Unsubscribe()
	}
	n.subs = nil
}
