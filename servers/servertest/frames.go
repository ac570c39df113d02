package servertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"slices"
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
			if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
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

// The checks on received data that RFC 6455 requires (server.Checks). Some
// libraries make them, some adapters add them (Library.AdapterChecks); a
// check that neither makes is a declared deviation and is skipped.

// recvCloseOnly reads the next frame and returns its close code, failing
// the test if a data frame (an echo of what should have been refused)
// comes first.
func (c *rawConn) recvCloseOnly(what string) int {
	c.t.Helper()
	for {
		f := c.recv()
		switch f.Header.OpCode {
		case ws.OpClose:
			if len(f.Payload) < 2 {
				return 0
			}
			return int(binary.BigEndian.Uint16(f.Payload))
		case ws.OpPing, ws.OpPong:
			continue
		default:
			c.t.Fatalf("%s: got a %v frame of %d bytes, want a close frame", what, f.Header.OpCode, len(f.Payload))
		}
	}
}

func skipDeviation(t *testing.T, r *Running, b server.Behaviour) {
	t.Helper()
	if why, ok := r.Lib.Deviations[b]; ok {
		t.Skipf("%s deviates (%s): %s", r.Lib.Name, b, why)
	}
}

func testInvalidText(t *testing.T, r *Running, _ Dialect) {
	skipDeviation(t, r, server.TextUTF8Checked)
	// Valid UTF-8 split inside a character across fragments is one valid
	// message: it must come back.
	c := dialRaw(t, r, server.PathEcho)
	e := []byte("caf\u00e9") // the é is two bytes
	c.send(ws.OpText, false, e[:4])
	c.send(ws.OpContinuation, true, e[4:])
	var got []byte
	for {
		f := c.recv()
		got = append(got, f.Payload...)
		if f.Header.Fin {
			break
		}
	}
	if string(got) != string(e) {
		t.Fatalf("split character: echo %q, want %q", got, e)
	}
	for _, path := range []string{server.PathEcho, server.PathBroadcast} {
		for name, frames := range map[string][][]byte{
			"one frame":        {[]byte("ab\xffcd")},
			"truncated at end": {[]byte("ab\xc3")},
			"surrogate":        {[]byte("\xed\xa0\x80")},
			"fragments":        {[]byte("ok "), []byte("\xc3\x28")},
		} {
			c := dialRaw(t, r, path)
			for i, p := range frames {
				op := ws.OpText
				if i > 0 {
					op = ws.OpContinuation
				}
				c.send(op, i == len(frames)-1, p)
			}
			if code := c.recvCloseOnly(path + " " + name); code != server.CloseInvalidData {
				t.Errorf("%s: text that is not UTF-8 (%s): closed with %d, want %d", path, name, code, server.CloseInvalidData)
			}
			c.nc.Close()
		}
	}
	Eventually(t, 10*time.Second, "connections released", func() bool {
		return Stats(t, r.Addr).ConnsNow <= 1
	})
}

func testCloseReasonInvalid(t *testing.T, r *Running, _ Dialect) {
	skipDeviation(t, r, server.CloseReasonUTF8Checked)
	want := []int{server.CloseInvalidData}
	if r.Lib.CheckedBy(server.CloseReasonUTF8Checked) == server.ByLibrary {
		want = append(want, server.CloseProtocolError) // what a library may answer itself
	}
	for _, path := range []string{server.PathEcho, server.PathBroadcast} {
		c := dialRaw(t, r, path)
		c.send(ws.OpClose, true, append(ws.NewCloseFrameBody(ws.StatusNormalClosure, "bye"), 0xff, 0xfe))
		code := c.recvCloseOnly(path)
		if !slices.Contains(want, code) {
			t.Errorf("%s: close reason not UTF-8: answered with %d, want one of %v", path, code, want)
		}
		t.Logf("%s: close reason not UTF-8 answered with %d (checked by %s)", path, code, r.Lib.CheckedBy(server.CloseReasonUTF8Checked))
	}
}

func testTooBigFromHeader(t *testing.T, r *Running, _ Dialect) {
	skipDeviation(t, r, server.TooBigFromHeader)
	for _, tc := range []struct {
		name  string
		first int64 // a first fragment of this many bytes, sent whole
	}{{"one frame", 0}, {"second fragment", 1000}} {
		c := dialRaw(t, r, server.PathEcho)
		op := ws.OpBinary
		if tc.first > 0 {
			c.send(ws.OpBinary, false, make([]byte, tc.first))
			op = ws.OpContinuation
		}
		// A header declaring a message one byte over the limit, then a
		// few bytes of it: the server must answer from the header, not
		// wait for 16 MiB that never come.
		h := ws.Header{Fin: true, OpCode: op, Length: server.MaxMessageSize + 1 - tc.first, Masked: true, Mask: [4]byte{1, 2, 3, 4}}
		if err := ws.WriteHeader(c.nc, h); err != nil {
			t.Fatal(err)
		}
		if _, err := c.nc.Write(make([]byte, 16)); err != nil {
			t.Fatal(err)
		}
		if code := c.recvCloseOnly(tc.name); code != server.CloseTooBig {
			t.Errorf("%s: header over the limit: closed with %d, want %d", tc.name, code, server.CloseTooBig)
		}
		c.nc.Close()
	}
	Eventually(t, 10*time.Second, "connections released", func() bool {
		return Stats(t, r.Addr).ConnsNow == 0
	})
}
