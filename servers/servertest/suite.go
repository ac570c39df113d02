package servertest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/conformance"
	"github.com/wsbench/wsbench/servers/server"
)

// Run checks every behaviour the suite specifies for a server of any
// protocol with a dialect (WebSocket, SockJS, plain TCP); checks that do
// not apply to the protocol are reported as skipped. It skips libraries
// whose protocol has no dialect.
func Run(t *testing.T, lib server.Library) {
	d, ok := Dialects[lib.Proto]
	if !ok {
		t.Skipf("%s speaks %s: no conformance dialect", lib.Name, lib.Proto)
	}
	t.Run("Conformance", func(t *testing.T) {
		if lib.Proto != server.ProtoWS {
			t.Skipf("the RFC 6455 cases are for proto %s; %s speaks %s", server.ProtoWS, lib.Name, lib.Proto)
		}
		testConformance(t, lib)
	})
	t.Run("Chat", func(t *testing.T) { runChat(t, lib, d) })
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if tc.protos != nil && !slices.Contains(tc.protos, lib.Proto) {
				t.Skipf("only for %v: %s has nothing to check here", tc.protos, lib.Proto)
			}
			r := Start(t, lib)
			tc.fn(t, r, d)
		})
	}
}

// Protocol sets for checks that do not apply to every dialect.
var (
	// wsOnly: frame-level checks, with the conformance client's frames.
	wsOnly = []server.Proto{server.ProtoWS}
	// withCloseHandshake: protocols with a close handshake.
	withCloseHandshake = []server.Proto{server.ProtoWS, server.ProtoSockJS}
)

// checks is every behaviour check; protos lists the protocols a check
// applies to (nil: all of them).
var checks = []struct {
	name   string
	fn     func(*testing.T, *Running, Dialect)
	protos []server.Proto
}{
	{"EchoSizes", testEchoSizes, nil},
	{"EchoConcurrent", testEchoConcurrent, nil},
	{"BroadcastOrder", testBroadcastOrder, nil},
	{"SlowSubscriber", testSlowSubscriber, nil},
	{"Oversized", testOversized, nil},
	{"CloseHandshake", testCloseHandshake, withCloseHandshake},
	{"Garbage", testGarbage, nil},
	{"ShutdownGoingAway", testShutdown, nil},
	{"CloseCodeEchoed", testCloseCodeEchoed, wsOnly},
	{"InvalidText", testInvalidText, wsOnly},
	{"CloseReasonInvalid", testCloseReasonInvalid, wsOnly},
	{"TooBigFromHeader", testTooBigFromHeader, wsOnly},
}

// expectClosed checks that err, returned by Recv, ends the connection with
// code, or only ends it when the protocol has no close codes.
func expectClosed(t *testing.T, d Dialect, what string, err error, code int) {
	t.Helper()
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("%s: connection still open (%v)", what, err)
		return
	}
	if !d.CloseCodes() {
		return
	}
	if got := d.CloseCode(err); got != code {
		t.Errorf("%s: closed with %d (%v), want %d", what, got, err, code)
	}
}

func dial(t *testing.T, r *Running, d Dialect, path string) Conn {
	t.Helper()
	c, err := d.Dial(r.Addr, path)
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetDeadline(time.Now().Add(60 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return c
}

// payload returns n bytes; text payloads are printable ASCII so that every
// dialect can carry them unchanged.
func payload(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	p := make([]byte, n)
	for i := range p {
		p[i] = byte('a' + rng.IntN(26))
	}
	return p
}

func binaryPayload(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(rng.Uint32())
	}
	return p
}

func testEchoSizes(t *testing.T, r *Running, d Dialect) {
	c := dial(t, r, d, server.PathEcho)
	kinds := []bool{false, true}
	if d.TextOnly() {
		kinds = []bool{false}
	}
	for _, size := range []int{0, 1, 125, 126, 65535, 65536, 1 << 20} {
		for _, binary := range kinds {
			p := payload(size, uint64(size))
			if binary {
				p = binaryPayload(size, uint64(size))
			}
			if err := c.Send(binary, p); err != nil {
				t.Fatalf("send %d bytes (binary=%v): %v", size, binary, err)
			}
			if size == 0 && r.Lib.Deviates(server.EmptyMessageDelivered) {
				// The declared deviation: the empty message is dropped, so
				// the next message is the first to come back.
				p = []byte{'x'}
				if err := c.Send(binary, p); err != nil {
					t.Fatalf("send after the empty message: %v", err)
				}
			}
			gotBinary, got, err := c.Recv()
			if err != nil {
				t.Fatalf("recv %d bytes (binary=%v): %v", size, binary, err)
			}
			if gotBinary != binary {
				t.Errorf("size %d: sent binary=%v, echo came back binary=%v", size, binary, gotBinary)
			}
			if !bytes.Equal(got, p) {
				t.Errorf("size %d binary=%v: echo differs (got %d bytes)", size, binary, len(got))
			}
		}
	}
	st := Stats(t, r.Addr)
	if st.ConnsNow != 1 || st.ConnsTotal != 1 {
		t.Errorf("/stats conns now=%d total=%d, want 1 and 1", st.ConnsNow, st.ConnsTotal)
	}
	// A server counts an echo once its write returned, which may be after
	// the client has read it: wait for the counters rather than race them.
	want := int64(7 * len(kinds))
	Eventually(t, 10*time.Second, fmt.Sprintf("/stats msgs in and out = %d", want), func() bool {
		st = Stats(t, r.Addr)
		return st.MsgsIn == want && st.MsgsOut == want
	})
}

func testEchoConcurrent(t *testing.T, r *Running, d Dialect) {
	const clients, msgs = 100, 100
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := d.Dial(r.Addr, server.PathEcho)
			if err != nil {
				errs <- fmt.Errorf("client %d: dial: %w", i, err)
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(60 * time.Second))
			// Writer and reader run apart so that several messages are in
			// flight: order is checked, not just request/response.
			go func() {
				for j := range msgs {
					if c.Send(false, []byte(fmt.Sprintf("client-%d-msg-%d", i, j))) != nil {
						return
					}
				}
			}()
			for j := range msgs {
				_, got, err := c.Recv()
				if err != nil {
					errs <- fmt.Errorf("client %d: recv %d: %w", i, j, err)
					return
				}
				if want := fmt.Sprintf("client-%d-msg-%d", i, j); string(got) != want {
					errs <- fmt.Errorf("client %d: got %q, want %q", i, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func testBroadcastOrder(t *testing.T, r *Running, d Dialect) {
	const clients, senders, each = 10, 3, 20
	conns := make([]Conn, clients)
	for i := range conns {
		conns[i] = dial(t, r, d, server.PathBroadcast)
	}
	// Subscriptions are registered asynchronously after the handshake:
	// wait until the server counts every connection before publishing.
	waitJoined(t, r, clients)
	waitSubscribed(t, r, d, conns)
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				if err := conns[s].Send(false, []byte(fmt.Sprintf("from-%d-%d", s, j))); err != nil {
					t.Errorf("sender %d: %v", s, err)
					return
				}
			}
		}()
	}
	orders := make([][]string, clients)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range senders * each {
				_, p, err := c.Recv()
				if err != nil {
					t.Errorf("subscriber %d: recv after %d messages: %v", i, len(orders[i]), err)
					return
				}
				orders[i] = append(orders[i], string(p))
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for i := 1; i < clients; i++ {
		if strings.Join(orders[i], ",") != strings.Join(orders[0], ",") {
			t.Fatalf("subscriber %d saw a different order than subscriber 0", i)
		}
	}
	// Each sender's own messages arrive in the order it sent them.
	next := make([]int, senders)
	for _, m := range orders[0] {
		var s, j int
		if _, err := fmt.Sscanf(m, "from-%d-%d", &s, &j); err != nil || s >= senders {
			t.Fatalf("unexpected message %q", m)
		}
		if j != next[s] {
			t.Fatalf("sender %d: message %d arrived when %d was expected", s, j, next[s])
		}
		next[s]++
	}
}

// waitJoined waits until the server's hub counts n subscribers.
func waitJoined(t *testing.T, r *Running, n int) {
	t.Helper()
	Eventually(t, 10*time.Second, fmt.Sprintf("%d subscribers joined", n), func() bool {
		return Stats(t, r.Addr).Subscribers == int64(n)
	})
}

// waitSubscribed sends a marker from the first connection and waits until
// every connection has seen it: after that, all are in the hub.
func waitSubscribed(t *testing.T, r *Running, d Dialect, conns []Conn) {
	t.Helper()
	if err := conns[0].Send(false, []byte("marker")); err != nil {
		t.Fatal(err)
	}
	for i, c := range conns {
		_, p, err := c.Recv()
		if err != nil || string(p) != "marker" {
			t.Fatalf("subscriber %d: waiting for marker: %q, %v", i, p, err)
		}
	}
}

func testSlowSubscriber(t *testing.T, r *Running, d Dialect) {
	const readers = 3
	conns := make([]Conn, readers+1)
	for i := range conns {
		conns[i] = dial(t, r, d, server.PathBroadcast)
	}
	slow := dial(t, r, d, server.PathBroadcast)
	all := append(append([]Conn(nil), conns...), slow)
	waitJoined(t, r, len(all))
	waitSubscribed(t, r, d, all)
	// From here on the slow client reads nothing. Enough data to fill its
	// queue and both socket buffers (at the server at most tcp_wmem's
	// maximum, 4 MiB by default on Linux; at the client what it had before
	// it stopped reading, as receive buffers grow only while read) twice
	// over; small messages keep the test quick on a loaded machine.
	// The publisher stays at most a quarter queue ahead of the slowest
	// healthy reader, so that only the client that stopped reading can
	// overflow, however loaded the machine is.
	size := 16 << 10
	msgs := server.SendQueue * 3
	big := payload(size, 7)
	var (
		mu       sync.Mutex
		progress = sync.NewCond(&mu)
		read     = make([]int, len(conns)) // messages read by each healthy reader
	)
	behind := func(j int) bool {
		for _, n := range read {
			if n < j-server.SendQueue/4 {
				return true
			}
		}
		return false
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range msgs {
			mu.Lock()
			for behind(j) {
				progress.Wait()
			}
			mu.Unlock()
			copy(big, fmt.Sprintf("%08d", j))
			if err := conns[0].Send(false, big); err != nil {
				t.Errorf("publisher: %v", err)
				return
			}
		}
	}()
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { // a failed reader must not hold the publisher back
				mu.Lock()
				read[i] = msgs
				progress.Broadcast()
				mu.Unlock()
			}()
			for j := range msgs {
				_, p, err := c.Recv()
				if err != nil {
					t.Errorf("reader %d: message %d: %v", i, j, err)
					return
				}
				mu.Lock()
				read[i] = j + 1
				progress.Broadcast()
				mu.Unlock()
				if want := fmt.Sprintf("%08d", j); len(p) != size || string(p[:8]) != want {
					t.Errorf("reader %d: message %d: got %q..., want %q", i, j, p[:min(8, len(p))], want)
					return
				}
			}
		}()
	}
	wg.Wait()
	Eventually(t, 10*time.Second, "slow subscriber disconnected", func() bool {
		return Stats(t, r.Addr).SlowDisconnects == 1
	})
	// The slow client finds its stream cut short: it can read what was
	// buffered, then the connection ends.
	slow.SetDeadline(time.Now().Add(20 * time.Second))
	n := 0
	for {
		if _, _, err := slow.Recv(); err != nil {
			if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("slow subscriber still connected after %d messages", n)
			}
			break
		}
		n++
	}
	if n >= msgs {
		t.Errorf("slow subscriber received all %d messages; it should have been cut off", n)
	}
	Eventually(t, 5*time.Second, "connection count back to the readers", func() bool {
		return Stats(t, r.Addr).ConnsNow == int64(len(conns))
	})
}

func testOversized(t *testing.T, r *Running, d Dialect) {
	c := dial(t, r, d, server.PathEcho)
	go c.Send(false, payload(server.MaxMessageSize+1, 3)) // may fail half-way: the server closes
	_, _, err := c.Recv()
	if err == nil {
		t.Fatal("oversized message was echoed")
	}
	expectClosed(t, d, "oversized message", err, server.CloseTooBig)
	// The server keeps serving others.
	c2 := dial(t, r, d, server.PathEcho)
	if err := c2.Send(false, []byte("still there")); err != nil {
		t.Fatal(err)
	}
	if _, p, err := c2.Recv(); err != nil || string(p) != "still there" {
		t.Fatalf("echo after oversized message: %q, %v", p, err)
	}
}

func testCloseHandshake(t *testing.T, r *Running, d Dialect) {
	for _, path := range []string{server.PathEcho, server.PathBroadcast} {
		c := dial(t, r, d, path)
		code, err := c.CloseHandshake(server.CloseNormal)
		if err != nil {
			t.Fatalf("%s: close handshake: %v", path, err)
		}
		if code != server.CloseNormal {
			t.Errorf("%s: server answered close with %d, want %d", path, code, server.CloseNormal)
		}
	}
	Eventually(t, 5*time.Second, "connections released", func() bool {
		return Stats(t, r.Addr).ConnsNow == 0
	})
}

func testGarbage(t *testing.T, r *Running, d Dialect) {
	// raw sends data on a new TCP connection and, when wait is set, reads
	// until the server closes it; otherwise the client vanishes at once.
	raw := func(data string, wait bool) {
		c, err := net.DialTimeout("tcp", r.Addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(2 * time.Second))
		io.WriteString(c, data)
		if wait {
			io.Copy(io.Discard, bufio.NewReader(c)) // until the server closes or the deadline
		}
	}
	mask := [4]byte{1, 2, 3, 4}
	raw("\x00\xff\x13garbage\r\n\r\n", true)
	raw("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: close\r\n\r\n", true)                                                                            // no key, no version
	raw("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n", false) // cut mid-header
	// A valid session, then a protocol violation: the server must end the
	// connection (not wedge) and keep serving others.
	hello := []byte("hello")
	for name, junk := range map[string][]byte{
		"reserved opcode": conformance.Frame{Fin: true, Op: 0xB, Payload: hello}.Encode(mask),
		"unmasked frame":  conformance.Frame{Fin: true, Op: conformance.OpBinary, Payload: hello, Unmasked: true}.Encode(mask),
		// A 64-bit length with its most significant bit set, which RFC
		// 6455 forbids (no encoder writes it).
		"bogus length": {0x82, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4},
	} {
		c := dial(t, r, d, server.PathEcho)
		c.Raw().Write(junk)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if name == "unmasked frame" && r.Lib.Deviates(server.UnmaskedFrameRejected) {
			// The declared deviation: the frame is taken as if masked.
			if _, p, err := c.Recv(); err != nil || string(p) != "hello" {
				t.Errorf("%s: got %q, %v; want the echo %q (declared deviation)", name, p, err, "hello")
			}
			c.Close()
			continue
		}
		for {
			_, _, err := c.Recv()
			if err == nil {
				continue
			}
			if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
				t.Errorf("%s: server kept the connection open", name)
			}
			break
		}
		c.Close()
	}
	// A frame cut short by a client that vanishes.
	c := dial(t, r, d, server.PathEcho)
	c.Raw().Write(conformance.Frame{Fin: true, Op: conformance.OpBinary, Payload: []byte("x"), Declared: 4096}.Encode(mask))
	c.Raw().Close()
	c = dial(t, r, d, server.PathEcho)
	if err := c.Send(false, []byte("alive")); err != nil {
		t.Fatal(err)
	}
	if _, p, err := c.Recv(); err != nil || string(p) != "alive" {
		t.Fatalf("echo after garbage: %q, %v", p, err)
	}
	c.Close()
	Eventually(t, 5*time.Second, "garbage connections released", func() bool {
		return Stats(t, r.Addr).ConnsNow == 0
	})
}

func testShutdown(t *testing.T, r *Running, d Dialect) {
	e := dial(t, r, d, server.PathEcho)
	b := dial(t, r, d, server.PathBroadcast)
	Eventually(t, 5*time.Second, "both connected", func() bool {
		return Stats(t, r.Addr).ConnsNow == 2
	})
	done := make(chan error, 1)
	go func() { done <- r.Stop() }()
	for name, c := range map[string]Conn{"echo": e, "broadcast": b} {
		for {
			_, _, err := c.Recv()
			if err == nil {
				continue
			}
			expectClosed(t, d, name, err, server.CloseGoingAway)
			break
		}
		c.Close() // a client that does not answer the close is cut off by the server anyway
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("shutdown did not finish within 6s")
	}
	if _, err := net.DialTimeout("tcp", r.Addr, time.Second); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}
