package chat

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/servers/server"
)

// next takes c's next queued message, decoded.
func next(t *testing.T, c *Conn) map[string]any {
	t.Helper()
	select {
	case o, ok := <-c.C:
		if !ok {
			t.Fatal("queue closed")
		}
		var m map[string]any
		if err := json.Unmarshal(o.Payload, &m); err != nil {
			t.Fatalf("payload %q: %v", o.Payload, err)
		}
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("nothing queued")
	}
	return nil
}

func empty(t *testing.T, c *Conn) {
	t.Helper()
	select {
	case o := <-c.C:
		t.Fatalf("unexpected %s", o.Payload)
	default:
	}
}

func noKick(int, string) {}

func TestHubRooms(t *testing.T) {
	env := server.NewEnv()
	prepared := 0
	h := New(env, func(p []byte) any { prepared++; return string(p) })
	a, b := h.Connect(noKick), h.Connect(noKick)
	if a.ID == b.ID {
		t.Fatal("same id twice")
	}
	h.Handle(a, In{Type: TypeJoin, Room: "x"}, nil)
	if m := next(t, a); m["type"] != TypeJoined || m["room"] != "x" || m["id"] != float64(a.ID) {
		t.Fatalf("join answer %v", m)
	}
	h.Handle(b, In{Type: TypeJoin, Room: "x"}, nil)
	next(t, b)
	h.Handle(b, In{Type: TypeJoin, Room: "y"}, nil)
	next(t, b)
	before := prepared
	h.Handle(a, In{Type: TypePublish, Room: "x", Seq: 3, TS: 42, Text: "hé"}, nil)
	if prepared != before+1 {
		t.Fatalf("a room message prepared %d times, want once", prepared-before)
	}
	for _, c := range []*Conn{a, b} {
		m := next(t, c)
		if m["type"] != TypeMessage || m["room"] != "x" || m["from"] != float64(a.ID) || m["seq"] != float64(3) || m["ts"] != float64(42) || m["text"] != "hé" {
			t.Fatalf("delivery %v", m)
		}
	}
	h.Handle(a, In{Type: TypePublish, Room: "y", Seq: 1}, nil) // a is not in y: b only
	next(t, b)
	empty(t, a)
	h.Handle(b, In{Type: TypeLeave, Room: "x"}, nil)
	if m := next(t, b); m["type"] != TypeLeft {
		t.Fatalf("leave answer %v", m)
	}
	h.Handle(a, In{Type: TypePublish, Room: "x", Seq: 4}, nil)
	next(t, a)
	empty(t, b)
	h.Disconnect(b)
	h.Disconnect(b) // twice is fine
	if _, ok := <-b.C; ok {
		t.Fatal("queue open after Disconnect")
	}
	if n := h.Rooms(); n != 1 {
		t.Fatalf("%d rooms left, want 1 (x, with a)", n)
	}
	h.Disconnect(a)
	if n := h.Rooms(); n != 0 || env.Stats.Subscribers.Load() != 0 {
		t.Fatalf("%d rooms, %d connections left", n, env.Stats.Subscribers.Load())
	}
}

func TestHubErrors(t *testing.T) {
	h := New(server.NewEnv(), nil)
	c := h.Connect(noKick)
	_, err := Decode([]byte(`{"type":`))
	cases := []struct {
		in  In
		err error
	}{
		{In{}, err},
		{In{Type: "shout", Room: "x"}, nil},
		{In{Type: TypeJoin}, nil},
		{In{Type: TypeJoin, Room: strings.Repeat("r", MaxRoom+1)}, nil},
		{In{Type: TypePublish, Room: "x", Text: strings.Repeat("t", MaxText+1)}, nil},
		{In{Type: TypePublish, Room: "x", Text: "\xff"}, nil},
		{In{Type: TypeLeave, Room: "never joined"}, nil},
	}
	for _, tc := range cases {
		h.Handle(c, tc.in, tc.err)
		if m := next(t, c); m["type"] != TypeError || m["error"] == "" {
			t.Errorf("%+v: got %v, want an error message", tc.in, m)
		}
	}
	if _, err := Decode([]byte(`{"type":"join","room":"` + strings.Repeat("r", MaxIn) + `"}`)); err == nil {
		t.Error("Decode took a message over MaxIn")
	}
	for i := range MaxRooms {
		h.Handle(c, In{Type: TypeJoin, Room: "room" + string(rune('A'+i))}, nil)
		next(t, c)
	}
	h.Handle(c, In{Type: TypeJoin, Room: "one too many"}, nil)
	if m := next(t, c); m["type"] != TypeError {
		t.Fatalf("join beyond MaxRooms: %v", m)
	}
}

func TestHubSlowConsumer(t *testing.T) {
	env := server.NewEnv()
	env.SendQueue = 4
	h := New(env, nil)
	kicked := make(chan int, 1)
	slow := h.Connect(func(code int, _ string) { kicked <- code })
	pub := h.Connect(noKick)
	h.Handle(slow, In{Type: TypeJoin, Room: "x"}, nil) // 1 queued (the answer)
	for seq := range env.SendQueue {                   // the last one overflows
		h.Handle(pub, In{Type: TypePublish, Room: "x", Seq: uint64(seq)}, nil)
	}
	select {
	case code := <-kicked:
		if code != server.ClosePolicy {
			t.Fatalf("kicked with %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("slow member not kicked")
	}
	if env.Stats.SlowDisconnects.Load() != 1 || h.Rooms() != 0 {
		t.Fatalf("slow disconnects %d, rooms %d", env.Stats.SlowDisconnects.Load(), h.Rooms())
	}
	n := 0
	for range slow.C { // what was queued before the drop, then closed
		n++
	}
	if n != env.SendQueue {
		t.Fatalf("%d messages queued before the drop, want %d", n, env.SendQueue)
	}
	// Deliver ends with the queue; a write error drops and reports.
	c := h.Connect(noKick)
	h.Handle(c, In{Type: TypeJoin, Room: "y"}, nil)
	broken := make(chan struct{})
	h.Deliver(c, func(*Out) error { return errWrite }, func() { close(broken) })
	<-broken
	if h.Rooms() != 0 {
		t.Fatal("member still in its room after a write error")
	}
}

var errWrite = errors.New("write failed")

// TestOutRoom: a room message is marked as shared, an answer is not.
func TestOutRoom(t *testing.T) {
	h := New(server.NewEnv(), nil)
	c := h.Connect(noKick)
	h.Handle(c, In{Type: TypeJoin, Room: "x"}, nil)
	h.Handle(c, In{Type: TypePublish, Room: "x"}, nil)
	ack, msg := <-c.C, <-c.C
	if ack.Room || !msg.Room {
		t.Fatalf("answer Room %v, room message Room %v", ack.Room, msg.Room)
	}
	if _, ok := msg.Value.(*Message); !ok {
		t.Fatalf("room message value %T", msg.Value)
	}
}
