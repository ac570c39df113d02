package servertest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/conformance"
	"github.com/wsbench/wsbench/servers/server"
)

// Frame-level checks for plain WebSocket servers that the conformance cases
// (conformance.go) do not make: they concern the suite's common behaviour
// (a close code echoed, whatever the library) or the /broadcast path, which
// the cases, all on /echo, never reach. Frames are built and read with the
// conformance client's codec. (Run only for ProtoWS: a SockJS session adds
// its own framing on top.)

// frameWait bounds every wait of these checks.
const frameWait = 30 * time.Second

type rawConn struct {
	t *testing.T
	c *conformance.Conn
}

func dialRaw(t *testing.T, r *Running, path string) *rawConn {
	t.Helper()
	c, err := conformance.Dial(r.Addr, path, time.Now().Add(frameWait), 2*r.Env.MaxMessageSize)
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c}
}

// send writes frames (masked) in one write.
func (c *rawConn) send(frames ...conformance.Frame) { c.c.Send(frames...) }

// next reads one frame; a timeout or a closed connection fails the test.
func (c *rawConn) next() conformance.Received {
	c.t.Helper()
	f, err := c.c.Next(frameWait)
	if err != nil {
		c.t.Fatalf("recv: %v", err)
	}
	if f.Masked {
		c.t.Fatalf("server sent a masked frame")
	}
	return f
}

// noCloseFrame is what recvCloseOrEOF returns when the connection ended
// without a close frame.
const noCloseFrame = -1

// recvClose reads until a close frame and returns its code.
func (c *rawConn) recvClose() int {
	c.t.Helper()
	for {
		if f := c.next(); f.Op == conformance.OpClose {
			return f.CloseCode()
		}
	}
}

// recvCloseOrEOF reads until a close frame, returning its code, or until
// the server closes the connection, returning noCloseFrame.
func (c *rawConn) recvCloseOrEOF() int {
	c.t.Helper()
	for {
		f, err := c.c.Next(frameWait)
		if errors.Is(err, conformance.ErrClosed) {
			return noCloseFrame
		}
		if err != nil {
			c.t.Fatalf("server neither closed nor sent a close frame: %v", err)
		}
		if f.Op == conformance.OpClose {
			return f.CloseCode()
		}
	}
}

// recvCloseOnly reads the next frame and returns its close code, failing
// the test if a data frame (an echo of what should have been refused)
// comes first.
func (c *rawConn) recvCloseOnly(what string) int {
	c.t.Helper()
	for {
		f := c.next()
		switch f.Op {
		case conformance.OpClose:
			return f.CloseCode()
		case conformance.OpPing, conformance.OpPong:
			continue
		default:
			c.t.Fatalf("%s: got %s, want a close frame", what, f)
		}
	}
}

func testCloseCodeEchoed(t *testing.T, r *Running, _ Dialect) {
	want := server.CloseGoingAway
	if r.Lib.Deviates(server.PeerCloseCodeEchoed) {
		want = server.CloseNormal // the declared deviation: every close answered with 1000
	}
	for _, path := range []string{server.PathEcho, server.PathBroadcast} {
		c := dialRaw(t, r, path)
		c.send(conformance.Close(server.CloseGoingAway, "bye"))
		if code := c.recvClose(); code != want {
			t.Errorf("%s: close answered with %d, want %d", path, code, want)
		}
	}
}

// The checks on received data that RFC 6455 requires (server.Checks), on
// the /broadcast path (conformance cases 6.x and 7.5.1 make them on
// /echo). Some libraries make them, some adapters add them
// (Library.AdapterChecks); a check that neither makes is a declared
// deviation and is skipped.

func skipDeviation(t *testing.T, r *Running, b server.Behaviour) {
	t.Helper()
	if why, ok := r.Lib.Deviations[b]; ok {
		t.Skipf("%s deviates (%s): %s", r.Lib.Name, b, why)
	}
}

func testInvalidText(t *testing.T, r *Running, _ Dialect) {
	skipDeviation(t, r, server.TextUTF8Checked)
	for name, frames := range map[string][][]byte{
		"one frame":        {[]byte("ab\xffcd")},
		"truncated at end": {[]byte("ab\xc3")},
		"surrogate":        {[]byte("\xed\xa0\x80")},
		"fragments":        {[]byte("ok "), []byte("\xc3\x28")},
	} {
		c := dialRaw(t, r, server.PathBroadcast)
		for i, p := range frames {
			op := conformance.OpText
			if i > 0 {
				op = conformance.OpCont
			}
			c.send(conformance.Fragment(op, i == len(frames)-1, p))
		}
		if code := c.recvCloseOnly(name); code != server.CloseInvalidData {
			t.Errorf("%s: text that is not UTF-8 (%s): closed with %d, want %d", server.PathBroadcast, name, code, server.CloseInvalidData)
		}
		c.c.Close()
	}
	Eventually(t, frameWait, "connections released", func() bool {
		return Stats(t, r.Addr).ConnsNow == 0
	})
}

func testCloseReasonInvalid(t *testing.T, r *Running, _ Dialect) {
	skipDeviation(t, r, server.CloseReasonUTF8Checked)
	want := []int{server.CloseInvalidData}
	if r.Lib.CheckedBy(server.CloseReasonUTF8Checked) == server.ByLibrary {
		want = append(want, server.CloseProtocolError) // what a library may answer itself
	}
	c := dialRaw(t, r, server.PathBroadcast)
	c.send(conformance.Close(server.CloseNormal, "bye\xff\xfe"))
	code := c.recvCloseOnly(server.PathBroadcast)
	if !slices.Contains(want, code) {
		t.Errorf("%s: close reason not UTF-8: answered with %d, want one of %v", server.PathBroadcast, code, want)
	}
	t.Logf("close reason not UTF-8 answered with %d (checked by %s)", code, r.Lib.CheckedBy(server.CloseReasonUTF8Checked))
}

// testTooBigFromHeader: a continuation whose header takes a fragmented
// message over the limit is answered from the header, without waiting for
// its payload. (One frame over the limit from its header is case 9.9.1.)
func testTooBigFromHeader(t *testing.T, r *Running, _ Dialect) {
	skipDeviation(t, r, server.TooBigFromHeader)
	const first = 1000 // bytes of the first fragment, sent whole
	c := dialRaw(t, r, server.PathEcho)
	// A header declaring the message one byte over the limit, then a few
	// bytes of it: the server must answer from the header, not wait for
	// bytes that never come.
	c.send(conformance.Fragment(conformance.OpBinary, false, make([]byte, first)),
		conformance.Frame{Fin: true, Op: conformance.OpCont, Payload: make([]byte, 16), Declared: r.Env.MaxMessageSize + 1 - first})
	if code := c.recvCloseOnly("second fragment"); code != server.CloseTooBig {
		t.Errorf("header over the limit: closed with %d, want %d", code, server.CloseTooBig)
	}
	c.c.Close()
	Eventually(t, frameWait, "connections released", func() bool {
		return Stats(t, r.Addr).ConnsNow == 0
	})
}
