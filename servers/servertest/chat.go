package servertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/server"
)

// chatChecks are the chat protocol's checks (servers/chat/PROTOCOL.md),
// run for every entry with Library.Chat.
var chatChecks = []struct {
	name string
	fn   func(*testing.T, *Running, Dialect)
}{
	{"Deliver", testChatDeliver},
	{"Leave", testChatLeave},
	{"BadInput", testChatBadInput},
	{"RoomsIsolated", testChatRooms},
}

// runChat runs chatChecks for lib, or skips when it has no chat.
func runChat(t *testing.T, lib server.Library, d Dialect) {
	if !lib.Chat {
		t.Skipf("%s does not speak the chat protocol (Library.Chat)", lib.Name)
	}
	for _, tc := range chatChecks {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, Start(t, lib), d)
		})
	}
}

// chatClient is one test connection on /chat.
type chatClient struct {
	t  *testing.T
	c  Conn
	id uint64 // from the first acknowledgement
}

// reply is any server message, fields of all kinds together.
type reply struct {
	Type  string `json:"type"`
	Room  string `json:"room"`
	ID    uint64 `json:"id"`
	From  uint64 `json:"from"`
	Seq   uint64 `json:"seq"`
	TS    int64  `json:"ts"`
	Text  string `json:"text"`
	Error string `json:"error"`
}

func dialChat(t *testing.T, r *Running, d Dialect) *chatClient {
	t.Helper()
	return &chatClient{t: t, c: dial(t, r, d, server.PathChat)}
}

func (c *chatClient) sendRaw(p string) {
	c.t.Helper()
	if err := c.c.Send(false, []byte(p)); err != nil {
		c.t.Fatalf("send %s: %v", p, err)
	}
}

func (c *chatClient) send(v any) {
	c.t.Helper()
	p, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(string(p))
}

func (c *chatClient) recv() reply {
	c.t.Helper()
	_, p, err := c.c.Recv()
	if err != nil {
		c.t.Fatalf("receive: %v", err)
	}
	var m reply
	if err := json.Unmarshal(p, &m); err != nil {
		c.t.Fatalf("server sent %q, not JSON: %v", p, err)
	}
	return m
}

// expect receives the next message and checks its type (and room, when
// room is not empty).
func (c *chatClient) expect(typ, room string) reply {
	c.t.Helper()
	m := c.recv()
	if m.Type != typ || room != "" && m.Room != room {
		c.t.Fatalf("got %+v, want a %q message for room %q", m, typ, room)
	}
	return m
}

// join joins room and waits for the acknowledgement.
func (c *chatClient) join(room string) {
	c.t.Helper()
	c.send(chat.In{Type: chat.TypeJoin, Room: room})
	c.id = c.expect(chat.TypeJoined, room).ID
}

func (c *chatClient) publish(room string, seq uint64, text string) {
	c.t.Helper()
	c.send(chat.In{Type: chat.TypePublish, Room: room, Seq: seq, TS: int64(seq) * 1000, Text: text})
}

// expectMessage receives the next message and checks it is from's
// publish seq in room.
func (c *chatClient) expectMessage(room string, from *chatClient, seq uint64, text string) {
	c.t.Helper()
	m := c.expect(chat.TypeMessage, room)
	if m.From != from.id || m.Seq != seq || m.TS != int64(seq)*1000 || m.Text != text {
		c.t.Fatalf("got %+v, want from %d seq %d text %q", m, from.id, seq, text)
	}
}

func testChatDeliver(t *testing.T, r *Running, d Dialect) {
	const members, perSender = 3, 20
	cs := make([]*chatClient, members)
	for i := range cs {
		cs[i] = dialChat(t, r, d)
		cs[i].join("r1")
	}
	if cs[0].id == cs[1].id {
		t.Fatalf("two connections got the same id %d", cs[0].id)
	}
	// Two senders interleave; every member gets each sender's messages in
	// order (the room's order is one order for all members).
	for seq := uint64(1); seq <= perSender; seq++ {
		cs[0].publish("r1", seq, fmt.Sprintf("hello %d from 0", seq))
		cs[1].publish("r1", seq, fmt.Sprintf("hello %d from 1", seq))
	}
	var first []reply
	for i, c := range cs {
		next := map[uint64]uint64{cs[0].id: 1, cs[1].id: 1}
		var got []reply
		for range 2 * perSender {
			m := c.expect(chat.TypeMessage, "r1")
			want, ok := next[m.From]
			if !ok || m.Seq != want {
				t.Fatalf("member %d: got %+v, want seq %d from %d", i, m, want, m.From)
			}
			sender := 0
			if m.From == cs[1].id {
				sender = 1
			}
			if want := fmt.Sprintf("hello %d from %d", m.Seq, sender); m.Text != want || m.TS != int64(m.Seq)*1000 {
				t.Fatalf("member %d: got %+v, want text %q", i, m, want)
			}
			next[m.From]++
			got = append(got, m)
		}
		if i == 0 {
			first = got
		} else {
			for k := range got {
				if got[k] != first[k] {
					t.Fatalf("member %d saw message %d as %+v, member 0 as %+v: the room has no single order", i, k, got[k], first[k])
				}
			}
		}
	}
}

func testChatLeave(t *testing.T, r *Running, d Dialect) {
	a, b := dialChat(t, r, d), dialChat(t, r, d)
	a.join("r1")
	b.join("r1")
	b.send(chat.In{Type: chat.TypeLeave, Room: "r1"})
	b.expect(chat.TypeLeft, "r1")
	a.publish("r1", 1, "after the leave")
	a.expectMessage("r1", a, 1, "after the leave")
	// b left r1: the next thing it receives is the answer to its own join
	// of r2, not r1's message.
	b.join("r2")
	a.publish("r2", 2, "in r2")
	b.expectMessage("r2", a, 2, "in r2")
	// Leaving a room one is not in is an error, nothing else.
	b.send(chat.In{Type: chat.TypeLeave, Room: "r1"})
	b.expect(chat.TypeError, "")
}

func testChatBadInput(t *testing.T, r *Running, d Dialect) {
	a, b := dialChat(t, r, d), dialChat(t, r, d)
	a.join("r1")
	b.join("r1")
	bad := []string{
		`{"type":"publish","room":"r1"`, // malformed JSON
		`not json at all`,
		`{"type":"shout","room":"r1"}`, // unknown type
		`{"room":"r1"}`,                // no type
		`{"type":"join"}`,              // no room
		`{"type":"join","room":"` + strings.Repeat("r", chat.MaxRoom+1) + `"}`,
		`{"type":"publish","room":"r1","seq":1,"text":"` + strings.Repeat("x", chat.MaxText+1) + `"}`, // oversize
		`{"type":"publish","room":"r1","seq":"one"}`,                                                  // wrong field type
	}
	for _, p := range bad {
		a.sendRaw(p)
		if m := a.recv(); m.Type != chat.TypeError || m.Error == "" {
			t.Fatalf("sent %.60q: got %+v, want an error message", p, m)
		}
	}
	// The connection and its room still work, for it and for others.
	a.publish("r1", 1, "still here")
	a.expectMessage("r1", a, 1, "still here")
	b.expectMessage("r1", a, 1, "still here")
}

func testChatRooms(t *testing.T, r *Running, d Dialect) {
	a, b, both := dialChat(t, r, d), dialChat(t, r, d), dialChat(t, r, d)
	a.join("A")
	b.join("B")
	both.join("A")
	both.join("B")
	a.publish("A", 1, "for A")
	b.publish("B", 1, "for B")
	a.publish("A", 2, "for A again")
	a.expectMessage("A", a, 1, "for A")
	a.expectMessage("A", a, 2, "for A again")
	b.expectMessage("B", b, 1, "for B")
	// both gets A's two in order and B's one, interleaved somehow.
	seen := map[string]bool{}
	for range 3 {
		m := both.expect(chat.TypeMessage, "")
		seen[fmt.Sprint(m.Room, m.Seq)] = true
		if m.Room == "A" && m.Seq == 2 && !seen["A1"] {
			t.Fatalf("room A's messages out of order")
		}
	}
	if !seen["A1"] || !seen["A2"] || !seen["B1"] {
		t.Fatalf("member of both rooms saw %v", seen)
	}
	// Neither single-room member got the other room's message: the next
	// thing each receives is its own marker.
	a.publish("A", 3, "marker")
	a.expectMessage("A", a, 3, "marker")
	b.publish("B", 2, "marker")
	b.expectMessage("B", b, 2, "marker")
}
