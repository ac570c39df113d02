package servertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/wsbench/wsbench/servers/server"
)

// Frame-level checks for plain WebSocket servers, with hand-made frames: a
// fragmented message with a ping between its fragments comes back whole, a
// close code is answered with the same code, and protocol violations are
// answered with 1002. (Run only for ProtoWS: a SockJS session adds its own
// framing on top.)

type rawConn struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, r *Running, path string) *rawConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	nc, br, _, err := ws.Dialer{}.Dial(ctx, r.URL("ws", path))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { nc.Close() })
	if err := nc.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if br == nil {
		br = bufio.NewReader(nc)
	}
	return &rawConn{t: t, nc: nc, br: br}
}

// send writes one masked frame.
func (c *rawConn) send(op ws.OpCode, fin bool, p []byte) {
	c.t.Helper()
	f := ws.MaskFrame(ws.NewFrame(op, fin, p))
	if err := ws.WriteFrame(c.nc, f); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// recv reads one frame.
func (c *rawConn) recv() ws.Frame {
	c.t.Helper()
	f, err := ws.ReadFrame(c.br)
	if err != nil {
		c.t.Fatalf("recv: %v", err)
	}
	if f.Header.Masked {
		c.t.Fatalf("server sent a masked frame")
	}
	return f
}

// recvClose reads until a close frame and returns its code.
func (c *rawConn) recvClose() int {
	c.t.Helper()
	for {
		f := c.recv()
		if f.Header.OpCode == ws.OpClose {
			return closeCode(f)
		}
	}
}

// noCloseFrame is what recvCloseOrEOF returns when the connection ended
// without a close frame.
const noCloseFrame = -1

// recvCloseOrEOF reads until a close frame, returning its code, or until
// the server closes the connection, returning noCloseFrame.
func (c *rawConn) recvCloseOrEOF() int {
	c.t.Helper()
	for {
		f, err := ws.ReadFrame(c.br)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				c.t.Fatalf("server neither closed nor sent a close frame: %v", err)
			}
			return noCloseFrame
		}
		if f.Header.OpCode == ws.OpClose {
			return closeCode(f)
		}
	}
}

func closeCode(f ws.Frame) int {
	if len(f.Payload) < 2 {
		return 0
	}
	return int(binary.BigEndian.Uint16(f.Payload))
}

func testFragmentedWithPing(t *testing.T, r *Running, _ Dialect) {
	c := dialRaw(t, r, server.PathEcho)
	c.send(ws.OpText, false, []byte("hel"))
	c.send(ws.OpPing, true, []byte("p"))
	c.send(ws.OpContinuation, false, []byte("l"))
	c.send(ws.OpContinuation, true, []byte("o"))
	c.send(ws.OpBinary, true, []byte{0, 1, 2})
	// The pong may come before, between or after the echo's frames (a
	// streaming echo sends its first fragment before the ping arrives).
	var pongs int
	var msgs [][]ws.Frame // data frames, one slice per message
	var cur []ws.Frame
	for len(msgs) < 2 {
		f := c.recv()
		if f.Header.OpCode == ws.OpPong {
			if string(f.Payload) != "p" {
				t.Fatalf("pong payload %q, want %q", f.Payload, "p")
			}
			pongs++
			continue
		}
		cur = append(cur, f)
		if f.Header.Fin {
			msgs, cur = append(msgs, cur), nil
		}
	}
	if pongs == 0 {
		if f := c.recv(); f.Header.OpCode != ws.OpPong || string(f.Payload) != "p" {
			t.Fatalf("got %v %q, want pong %q", f.Header.OpCode, f.Payload, "p")
		}
	} else if pongs > 1 {
		t.Fatalf("%d pongs for one ping", pongs)
	}
	var msg []byte
	for _, f := range msgs[0] {
		msg = append(msg, f.Payload...)
	}
	if msgs[0][0].Header.OpCode != ws.OpText || string(msg) != "hello" {
		t.Fatalf("echo: opcode %v %q, want text %q", msgs[0][0].Header.OpCode, msg, "hello")
	}
	msg = nil
	for _, f := range msgs[1] {
		msg = append(msg, f.Payload...)
	}
	if msgs[1][0].Header.OpCode != ws.OpBinary || !bytes.Equal(msg, []byte{0, 1, 2}) {
		t.Fatalf("second echo: opcode %v %v, want binary [0 1 2]", msgs[1][0].Header.OpCode, msg)
	}
}

func testCloseCodeEchoed(t *testing.T, r *Running, _ Dialect) {
	want := server.CloseGoingAway
	if r.Lib.Deviates(server.PeerCloseCodeEchoed) {
		want = server.CloseNormal // the declared deviation: every close answered with 1000
	}
	for _, path := range []string{server.PathEcho, server.PathBroadcast} {
		c := dialRaw(t, r, path)
		c.send(ws.OpClose, true, ws.NewCloseFrameBody(ws.StatusGoingAway, "bye"))
		if code := c.recvClose(); code != want {
			t.Errorf("%s: close answered with %d, want %d", path, code, want)
		}
	}
}

func testViolations(t *testing.T, r *Running, _ Dialect) {
	// A frame that only declares more than the limit is not here: coder and
	// nhooyr count the bytes as they arrive, so they answer 1009 once the
	// data comes (checked by Oversized), not on the header alone.
	cases := []struct {
		name string
		send func(*rawConn)
		want int
	}{
		{"reserved opcode", func(c *rawConn) { c.send(ws.OpCode(3), true, []byte("x")) }, 1002},
		{"continuation first", func(c *rawConn) { c.send(ws.OpContinuation, true, []byte("x")) }, 1002},
		{"new message inside a fragmented one", func(c *rawConn) {
			c.send(ws.OpText, false, []byte("a"))
			c.send(ws.OpText, true, []byte("b"))
		}, 1002},
		{"rsv bit", func(c *rawConn) {
			f := ws.MaskFrame(ws.NewFrame(ws.OpText, true, []byte("x")))
			f.Header.Rsv = ws.Rsv(true, false, false)
			if err := ws.WriteFrame(c.nc, f); err != nil {
				t.Fatal(err)
			}
		}, 1002},
		{"fragmented ping", func(c *rawConn) { c.send(ws.OpPing, false, nil) }, 1002},
	}
	noFrame := r.Lib.Deviates(server.CloseFrameOnViolation)
	for _, tc := range cases {
		c := dialRaw(t, r, server.PathEcho)
		tc.send(c)
		if noFrame {
			// The declared deviation: the connection ends without a close frame.
			if code := c.recvCloseOrEOF(); code != noCloseFrame {
				t.Errorf("%s: closed with %d, want no close frame (declared deviation)", tc.name, code)
			}
			continue
		}
		if code := c.recvClose(); code != tc.want {
			t.Errorf("%s: closed with %d, want %d", tc.name, code, tc.want)
		}
	}
	Eventually(t, 5*time.Second, "connections released", func() bool {
		return Stats(t, r.Addr).ConnsNow == 0
	})
}
