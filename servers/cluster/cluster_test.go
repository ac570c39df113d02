package cluster_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/servers/cluster"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// wait bounds every network wait of these tests.
const wait = 20 * time.Second

// node is one server node of a test cluster.
type node struct {
	*servertest.Running
	bridge *cluster.Node
}

// startCluster runs an embedded broker and len(ids) nodes of lib, each
// bridged through the broker.
func startCluster(t *testing.T, lib server.Library, ids ...string) []node {
	t.Helper()
	ns, err := cluster.StartBroker("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	var nodes []node
	for _, id := range ids {
		b, err := cluster.Connect(ns.ClientURL(), id)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := b.Close(time.Second); err != nil {
				t.Error(err)
			}
		})
		env := server.NewEnv()
		env.Cluster = b
		nodes = append(nodes, node{servertest.StartEnv(t, lib, env), b})
	}
	return nodes
}

// dial opens a broadcast connection to n.
func dial(t *testing.T, d servertest.Dialect, n node) servertest.Conn {
	t.Helper()
	c, err := d.Dial(n.Addr, server.PathBroadcast)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// expect reads the next messages of c, which must be want, in order.
func expect(t *testing.T, name string, c servertest.Conn, want ...string) {
	t.Helper()
	for i, w := range want {
		if err := c.SetDeadline(time.Now().Add(wait)); err != nil {
			t.Fatal(err)
		}
		_, p, err := c.Recv()
		if err != nil {
			t.Fatalf("%s: message %d: %v (want %q)", name, i, err, w)
		}
		if string(p) != w {
			t.Fatalf("%s: message %d is %q, want %q", name, i, p, w)
		}
	}
}

func send(t *testing.T, c servertest.Conn, msg string) {
	t.Helper()
	if err := c.Send(false, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

// TestBroadcastAcrossNodes: a broadcast published on node A reaches the
// subscribers of A and of B exactly once and in order. Markers close each
// phase: whatever a node wrongly received twice would arrive before the
// marker the other node sends after it, since the broker keeps each
// node's order.
func TestBroadcastAcrossNodes(t *testing.T) {
	for _, lib := range registry.All() {
		d, ok := servertest.Dialects[lib.Proto]
		if !ok {
			continue
		}
		t.Run(lib.Name, func(t *testing.T) {
			nodes := startCluster(t, lib, "a", "b")
			a, b := nodes[0], nodes[1]
			pub, subA, subB := dial(t, d, a), dial(t, d, a), dial(t, d, b)
			servertest.Eventually(t, wait, "subscribers joined", func() bool {
				return a.Env.Stats.Subscribers.Load() == 2 && b.Env.Stats.Subscribers.Load() == 1
			})

			var msgs []string
			for i := range 50 {
				msgs = append(msgs, fmt.Sprintf("m%d", i))
			}
			for _, m := range msgs {
				send(t, pub, m)
			}
			expect(t, "subscriber on B", subB, msgs...)
			send(t, subB, "from-b") // after every message of A reached the broker
			for name, c := range map[string]servertest.Conn{"publisher": pub, "subscriber": subA} {
				expect(t, name+" on A", c, append(msgs, "from-b")...)
			}
			expect(t, "subscriber on B", subB, "from-b")
			send(t, pub, "from-a")
			for name, c := range map[string]servertest.Conn{"publisher on A": pub, "subscriber on A": subA, "subscriber on B": subB} {
				expect(t, name, c, "from-a")
			}
			for _, n := range nodes {
				if d, e := n.bridge.Dropped(), n.bridge.PublishErrors(); d != 0 || e != 0 {
					t.Errorf("node %s: %d dropped, %d publish errors", n.bridge.ID(), d, e)
				}
			}
		})
	}
}

// chatMsg is the part of the chat protocol these tests read.
type chatMsg struct {
	Type string `json:"type"`
	Room string `json:"room"`
	ID   uint64 `json:"id"`
	From uint64 `json:"from"`
	Seq  uint64 `json:"seq"`
	Text string `json:"text"`
}

type chatConn struct {
	t *testing.T
	c *websocket.Conn
}

func dialChat(t *testing.T, n node) *chatConn {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: wait}
	c, _, err := d.Dial("ws://"+n.Addr+server.PathChat, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &chatConn{t, c}
}

func (c *chatConn) send(v any) {
	c.t.Helper()
	p, _ := json.Marshal(v)
	if err := c.c.WriteMessage(websocket.TextMessage, p); err != nil {
		c.t.Fatal(err)
	}
}

func (c *chatConn) recv() chatMsg {
	c.t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(wait))
	_, p, err := c.c.ReadMessage()
	if err != nil {
		c.t.Fatal(err)
	}
	var m chatMsg
	if err := json.Unmarshal(p, &m); err != nil {
		c.t.Fatalf("%q: %v", p, err)
	}
	return m
}

// join joins room and returns the connection's id.
func (c *chatConn) join(room string) uint64 {
	c.t.Helper()
	c.send(map[string]string{"type": "join", "room": room})
	if m := c.recv(); m.Type != "joined" || m.Room != room {
		c.t.Fatalf("join: %+v", m)
	} else {
		return m.ID
	}
	return 0
}

// TestChatAcrossNodes: a room's members on two nodes receive each
// other's publishes once, in order, with ids unique across the nodes; a
// member of another room receives none of them.
func TestChatAcrossNodes(t *testing.T) {
	for _, lib := range registry.All() {
		if !lib.Chat || lib.Proto != server.ProtoWS {
			continue
		}
		t.Run(lib.Name, func(t *testing.T) {
			nodes := startCluster(t, lib, "a", "b")
			onA, onB, other := dialChat(t, nodes[0]), dialChat(t, nodes[1]), dialChat(t, nodes[1])
			idA, idB := onA.join("r"), onB.join("r")
			other.join("elsewhere")
			if idA == idB {
				t.Fatalf("both members have id %d", idA)
			}
			const n = 20
			for seq := uint64(1); seq <= n; seq++ {
				onA.send(map[string]any{"type": "publish", "room": "r", "seq": seq, "text": "hi"})
			}
			for _, c := range []*chatConn{onA, onB} {
				for seq := uint64(1); seq <= n; seq++ {
					if m := c.recv(); m.Type != "message" || m.Room != "r" || m.From != idA || m.Seq != seq {
						t.Fatalf("got %+v, want seq %d from %d", m, seq, idA)
					}
				}
			}
			// B answers; A must see it next (no echo of its own publishes
			// in between), and the other room's member only its marker.
			onB.send(map[string]any{"type": "publish", "room": "r", "seq": 1, "text": "back"})
			for _, c := range []*chatConn{onA, onB} {
				if m := c.recv(); m.From != idB || m.Text != "back" {
					t.Fatalf("got %+v, want B's answer", m)
				}
			}
			onA.send(map[string]any{"type": "publish", "room": "elsewhere", "seq": 1, "text": "marker"})
			if m := other.recv(); m.Room != "elsewhere" || m.Text != "marker" {
				t.Fatalf("member of another room got %+v", m)
			}
		})
	}
}
