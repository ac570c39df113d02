// Package benchtest holds the body of every library's Go benchmarks,
// written once so that only the server differs between libraries. Each
// library's _test.go hands its registry entry to Echo, Broadcast and
// Handshake; bench/ runs the same functions for every library under
// lib=NAME sub-benchmarks, for benchstat -col /lib.
//
// The server runs in-process on loopback against the load generator's
// client (loadgen/wire): both share the CPUs and the allocation counters,
// so allocs/op and B/op include the client's (small, constant) share.
package benchtest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// Sizes are the echo payload sizes, named as in the sub-benchmarks.
var Sizes = []struct {
	Name string
	N    int
}{{"64B", 64}, {"1KiB", 1 << 10}, {"16KiB", 16 << 10}, {"64KiB", 64 << 10}}

// InFlight are the echo windows: 1 measures the round trip, 16 the
// throughput a connection sustains when requests are pipelined.
var InFlight = []int{1, 16}

// Subscribers are the broadcast fan-out sizes.
var Subscribers = []int{10, 100, 1000}

const ioTimeout = 30 * time.Second

// scheme returns the URL scheme for a library's protocol.
func scheme(lib server.Library) string {
	switch lib.Proto {
	case server.ProtoHTTP:
		return "http"
	case server.ProtoTCP:
		return "tcp"
	}
	return "ws"
}

func dial(b *testing.B, r *servertest.Running, path string, o wire.Options) wire.Conn {
	b.Helper()
	o.Proto = wire.Proto(r.Lib.Proto)
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	c, err := wire.Dial(ctx, r.URL(scheme(r.Lib), path), o)
	if err != nil {
		b.Fatalf("%s: dial %s: %v", r.Lib.Name, path, err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// message returns a printable payload of n bytes (every protocol carries
// it verbatim) whose first bytes are overwritten by stamp.
func message(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = 'a' + byte(i%26)
	}
	return p
}

// stamp writes seq as 8 hex digits at the start of p (when it fits).
func stamp(p []byte, seq uint32) {
	const hex = "0123456789abcdef"
	if len(p) < 8 {
		return
	}
	for i := 7; i >= 0; i-- {
		p[i] = hex[seq&15]
		seq >>= 4
	}
}

func reportRate(b *testing.B, start time.Time, msgs int) {
	if el := time.Since(start).Seconds(); el > 0 {
		b.ReportMetric(float64(msgs)/el, "msgs/s")
	}
}

// Echo benchmarks round trips on one connection: size=S/inflight=W. One op
// is one message sent and its echo received and checked.
func Echo(b *testing.B, lib server.Library) {
	for _, size := range Sizes {
		for _, w := range InFlight {
			b.Run(fmt.Sprintf("size=%s/inflight=%d", size.Name, w), func(b *testing.B) {
				echo(b, lib, size.N, w)
			})
		}
	}
}

func echo(b *testing.B, lib server.Library, size, window int) {
	r := servertest.Start(b, lib)
	c := dial(b, r, server.PathEcho, wire.Options{ReadBufferSize: 64 << 10})
	out := message(size)
	buf := make([]byte, 0, size+64)
	c.SetReadDeadline(time.Now().Add(ioTimeout + time.Duration(b.N)*time.Millisecond))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	sent := 0
	send := func() {
		stamp(out, uint32(sent))
		if err := c.QueueMessage(true, out); err != nil {
			b.Fatalf("send: %v", err)
		}
		sent++
	}
	for sent < min(window, b.N) {
		send()
	}
	if err := c.Flush(); err != nil {
		b.Fatalf("send: %v", err)
	}
	var want [8]byte
	for i := 0; i < b.N; i++ {
		_, p, err := c.ReadMessage(buf)
		if err != nil {
			b.Fatalf("echo %d of %d: %v", i, b.N, err)
		}
		buf = p[:0]
		if len(p) != size {
			b.Fatalf("echo %d: %d bytes, want %d", i, len(p), size)
		}
		if size >= 8 {
			stamp(want[:], uint32(i))
			if string(p[:8]) != string(want[:]) {
				b.Fatalf("echo %d: came back as %q (reordered or corrupt)", i, p[:8])
			}
		}
		if sent < b.N {
			send()
			// Batch the refills of everything already read; the last
			// message always goes out.
			if !c.Buffered() || sent == b.N {
				if err := c.Flush(); err != nil {
					b.Fatalf("send: %v", err)
				}
			}
		}
	}
	b.StopTimer()
	reportRate(b, start, b.N)
}

// Broadcast benchmarks fan-out: subs=N. One op is one message published
// and received by all N subscribers. For WebSocket and SockJS the publisher
// is subscriber 0; for HTTP it is a separate connection (POST /publish) and
// the subscribers long-poll.
func Broadcast(b *testing.B, lib server.Library) {
	for _, n := range Subscribers {
		b.Run(fmt.Sprintf("subs=%d", n), func(b *testing.B) { broadcast(b, lib, n) })
	}
}

func broadcast(b *testing.B, lib server.Library, n int) {
	const size = 64
	r := servertest.Start(b, lib)
	o := wire.Options{HTTP: wire.HTTPOptions{Subscribe: wire.LongPoll, PollWait: ioTimeout}}
	subs := make([]wire.Conn, n)
	for i := range subs {
		subs[i] = dial(b, r, server.PathBroadcast, o)
	}
	pub := subs[0]
	if lib.Proto == server.ProtoHTTP {
		pub = dial(b, r, server.PathBroadcast, o) // pollers read the log from seq 1
	} else {
		servertest.Eventually(b, ioTimeout, "subscribers joined", func() bool {
			return servertest.Stats(b, r.Addr).Subscribers == int64(n)
		})
	}
	var (
		got  atomic.Int64 // subscribers that received the current message
		done = make(chan struct{}, 1)
		fail = make(chan error, n)
		wg   sync.WaitGroup
	)
	deadline := time.Now().Add(ioTimeout + time.Duration(b.N)*10*time.Millisecond)
	// total is the number of messages each subscriber must receive: one
	// marker to confirm the subscription, then b.N.
	total := b.N + 1
	for i, c := range subs {
		c.SetReadDeadline(deadline)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for k := 0; k < total; k++ {
				_, p, err := c.ReadMessage(buf)
				if err != nil {
					fail <- fmt.Errorf("subscriber %d: message %d of %d: %w", i, k, total, err)
					return
				}
				buf = p[:0]
				if len(p) != size {
					fail <- fmt.Errorf("subscriber %d: %d bytes, want %d", i, len(p), size)
					return
				}
				if got.Add(1) == int64(n) {
					done <- struct{}{}
				}
			}
		}()
	}
	msg := message(size)
	publish := func(seq int) {
		got.Store(0)
		stamp(msg, uint32(seq))
		if err := pub.WriteMessage(true, msg); err != nil {
			b.Fatalf("publish: %v", err)
		}
		select {
		case <-done:
		case err := <-fail:
			b.Fatal(err)
		case <-time.After(ioTimeout):
			b.Fatalf("message %d reached %d of %d subscribers in %v", seq, got.Load(), n, ioTimeout)
		}
	}
	publish(0) // every subscriber is in the hub once this arrives everywhere
	b.SetBytes(size * int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 1; i <= b.N; i++ {
		publish(i)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*n)/time.Since(start).Seconds(), "deliveries/s")
	reportRate(b, start, b.N)
	for _, c := range subs {
		c.SetReadDeadline(time.Now()) // readers are done; nothing should block
	}
	wg.Wait()
}

// Handshake benchmarks connection set-up: one op is one TCP connection and
// upgrade (for HTTP: one request on a new connection), then a close.
func Handshake(b *testing.B, lib server.Library) {
	r := servertest.Start(b, lib)
	ctx := context.Background()
	url := r.URL(scheme(lib), server.PathEcho)
	o := wire.Options{Proto: wire.Proto(lib.Proto), HTTP: wire.HTTPOptions{NewConnPerRequest: true}}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		c, err := wire.Dial(ctx, url, o)
		if err != nil {
			b.Fatalf("handshake %d: %v", i, err)
		}
		if lib.Proto == server.ProtoHTTP {
			// An HTTP "handshake" is the first request on the connection.
			c.SetReadDeadline(time.Now().Add(ioTimeout))
			if err := c.WriteMessage(true, nil); err != nil {
				b.Fatalf("request %d: %v", i, err)
			}
			if _, _, err := c.ReadMessage(nil); err != nil {
				b.Fatalf("response %d: %v", i, err)
			}
		}
		c.Close()
	}
	b.StopTimer()
	reportRate(b, start, b.N)
}
