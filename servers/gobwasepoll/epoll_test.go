package gobwasepoll

import (
	"bufio"
	"context"
	"encoding/binary"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// registered reports each connection the server registers.
func registered(s *srv) <-chan *conn {
	ch := make(chan *conn, 100)
	s.registered = func(c *conn) { ch <- c }
	return ch
}

func ping(c *client) ws.Frame {
	c.write(frame(ws.OpPing, true, []byte("still served")))
	return c.read()
}

// start runs the server with a short I/O timeout.
func start(t *testing.T) (*servertest.Running, *srv) {
	t.Helper()
	var s *srv
	lib := server.Library{Name: "gobwas-epoll", Proto: server.ProtoWS, New: func(env *server.Env) server.Server {
		s = New(env).(*srv)
		s.ioTimeout = 300 * time.Millisecond
		return s
	}}
	return servertest.Start(t, lib), s
}

type client struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, r *servertest.Running, path string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nc, br, _, err := ws.Dialer{}.Dial(ctx, r.URL("ws", path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	if br == nil {
		br = bufio.NewReader(nc)
	}
	return &client{t: t, nc: nc, br: br}
}

func frame(op ws.OpCode, fin bool, p []byte) []byte {
	f, err := ws.CompileFrame(ws.MaskFrame(ws.NewFrame(op, fin, p)))
	if err != nil {
		panic(err)
	}
	return f
}

func (c *client) write(b ...[]byte) {
	c.t.Helper()
	var all []byte
	for _, f := range b {
		all = append(all, f...)
	}
	if _, err := c.nc.Write(all); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) read() ws.Frame {
	c.t.Helper()
	f, err := ws.ReadFrame(c.br)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

func (c *client) closeCode() int {
	c.t.Helper()
	for {
		f := c.read()
		if f.Header.OpCode == ws.OpClose {
			return int(binary.BigEndian.Uint16(f.Payload))
		}
	}
}

// Several messages in one segment: the worker's buffer holds the later
// ones, which raise no new event; every one must still be answered.
func TestBufferedMessagesAreDrained(t *testing.T) {
	r, _ := start(t)
	c := dial(t, r, server.PathEcho)
	var fs [][]byte
	for i := range 50 {
		fs = append(fs, frame(ws.OpBinary, true, []byte{byte(i), 1, 2, 3}))
	}
	c.write(fs...)
	for i := range 50 {
		f := c.read()
		if f.Header.OpCode != ws.OpBinary || len(f.Payload) != 4 || f.Payload[0] != byte(i) {
			t.Fatalf("echo %d: %v % x", i, f.Header.OpCode, f.Payload)
		}
	}
}

// A wake-up with nothing to read re-arms the connection and parks no
// worker on it.
func TestSpuriousWakeUp(t *testing.T) {
	r, s := start(t)
	reg := registered(s)
	c := dial(t, r, server.PathEcho)
	cn := <-reg
	// Wake-ups with nothing to read, served as a worker serves them.
	w := newWorker(s)
	for range 3 {
		w.turn(cn)
	}
	if f := ping(c); string(f.Payload) != "still served" {
		t.Fatalf("pong %q", f.Payload)
	}
	for range 3 {
		w.turn(cn)
	}
	c.write(frame(ws.OpBinary, true, []byte("after")))
	if f := c.read(); string(f.Payload) != "after" {
		t.Fatalf("echo %q, want %q", f.Payload, "after")
	}
}

// A frame cut short holds a worker no longer than the I/O timeout; the
// client gets 1008.
func TestHalfSentFrame(t *testing.T) {
	r, _ := start(t)
	c := dial(t, r, server.PathEcho)
	f := frame(ws.OpBinary, true, make([]byte, 1000))
	c.write(f[:100])
	if code := c.closeCode(); code != server.ClosePolicy {
		t.Fatalf("close code %d, want %d", code, server.ClosePolicy)
	}
	d := dial(t, r, server.PathEcho)
	d.write(frame(ws.OpText, true, []byte("alive")))
	if f := d.read(); string(f.Payload) != "alive" {
		t.Fatalf("echo %q", f.Payload)
	}
}

func TestInvalidUTF8(t *testing.T) {
	r, _ := start(t)
	for name, f := range map[string][]byte{
		"text":         frame(ws.OpText, true, []byte{'a', 0xff}),
		"close reason": frame(ws.OpClose, true, []byte{0x03, 0xe8, 0xc3}),
	} {
		c := dial(t, r, server.PathEcho)
		c.write(f)
		if code := c.closeCode(); code != 1007 {
			t.Errorf("%s: close code %d, want 1007", name, code)
		}
	}
}

func TestIdleConnectionsHoldNoGoroutine(t *testing.T) {
	r, s := start(t)
	const n = 50
	base := runtime.NumGoroutine()
	for range n {
		dial(t, r, server.PathEcho)
	}
	servertest.Eventually(t, 10*time.Second, "connections registered", func() bool { return s.poller.Len() == n })
	// The handshake goroutines end once the connections are registered.
	servertest.Eventually(t, 10*time.Second, "handshake goroutines gone", func() bool {
		return runtime.NumGoroutine() < base+n/2
	})
}
