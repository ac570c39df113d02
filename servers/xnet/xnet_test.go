package xnet_test

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
	"github.com/wsbench/wsbench/servers/servertest"
	"github.com/wsbench/wsbench/servers/xnet"
)

// The frame-level cases the shared suite does not reach: the adapter adds
// message boundaries, limits and the close handshake to x/net, so they are
// checked here with hand-made frames.

var lib = server.Library{Name: "xnet", Module: "golang.org/x/net", Proto: server.ProtoWS, New: xnet.New}

type rawConn struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, r *servertest.Running, path string) *rawConn {
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
			if len(f.Payload) < 2 {
				return 0
			}
			return int(binary.BigEndian.Uint16(f.Payload))
		}
	}
}

func TestFragmentedWithPing(t *testing.T) {
	r := servertest.Start(t, lib)
	c := dialRaw(t, r, server.PathEcho)
	c.send(ws.OpText, false, []byte("hel"))
	c.send(ws.OpPing, true, []byte("p"))
	c.send(ws.OpContinuation, false, []byte("l"))
	c.send(ws.OpContinuation, true, []byte("o"))
	c.send(ws.OpBinary, true, []byte{0, 1, 2})
	pong := c.recv()
	if pong.Header.OpCode != ws.OpPong || string(pong.Payload) != "p" {
		t.Fatalf("got %v %q, want pong %q", pong.Header.OpCode, pong.Payload, "p")
	}
	var got []ws.Frame
	for len(got) == 0 || !got[len(got)-1].Header.Fin {
		got = append(got, c.recv())
	}
	var msg []byte
	for _, f := range got {
		msg = append(msg, f.Payload...)
	}
	if got[0].Header.OpCode != ws.OpText || string(msg) != "hello" {
		t.Fatalf("echo: opcode %v %q, want text %q", got[0].Header.OpCode, msg, "hello")
	}
	f := c.recv()
	if f.Header.OpCode != ws.OpBinary || !f.Header.Fin || !bytes.Equal(f.Payload, []byte{0, 1, 2}) {
		t.Fatalf("second echo: %+v %v", f.Header, f.Payload)
	}
}

func TestCloseCodeEchoed(t *testing.T) {
	r := servertest.Start(t, lib)
	for _, path := range []string{server.PathEcho, server.PathBroadcast} {
		c := dialRaw(t, r, path)
		c.send(ws.OpClose, true, ws.NewCloseFrameBody(ws.StatusGoingAway, "bye"))
		if code := c.recvClose(); code != server.CloseGoingAway {
			t.Errorf("%s: close answered with %d, want %d", path, code, server.CloseGoingAway)
		}
	}
}

func TestViolations(t *testing.T) {
	r := servertest.Start(t, lib)
	huge := ws.MaskFrame(ws.NewFrame(ws.OpBinary, true, nil))
	huge.Header.Length = server.MaxMessageSize + 1
	cases := []struct {
		name string
		send func(*rawConn)
		want int
	}{
		{"declared length over the limit", func(c *rawConn) {
			if err := ws.WriteHeader(c.nc, huge.Header); err != nil {
				t.Fatal(err)
			}
		}, server.CloseTooBig},
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
	for _, tc := range cases {
		c := dialRaw(t, r, server.PathEcho)
		tc.send(c)
		if code := c.recvClose(); code != tc.want {
			t.Errorf("%s: closed with %d, want %d", tc.name, code, tc.want)
		}
	}
	servertest.Eventually(t, 5*time.Second, "connections released", func() bool {
		return servertest.Stats(t, r.Addr).ConnsNow == 0
	})
}
