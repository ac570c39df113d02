package benchtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// Ablation compares the configurations of one library's adapter
// (lib.Variants: write path, buffer sizes) on echo, one message in flight:
// variant=V/type=binary/size=S for every variant, and type=text for the
// first variant (the production one) and those marked Text, so that the
// cost of the UTF-8 check on text shows. One op is one echo.
//
// Besides ns/op, B/op and allocs/op it reports frames/op, the data frames
// of one echo as the client received them (1 when the reply is a single
// frame). Write syscalls are counted outside the benchmark, by strace:
// around its timed loop each sub-benchmark writes a marker line to
// /dev/null that names the server's address and b.N (see
// scripts/tuning/syscalls.sh).
//
// The client is a minimal raw WebSocket client (one write per message, no
// allocation per message), not loadgen/wire's connection (only its frame
// codec): it counts frames, and its cost is the same for every variant of
// a library.
func Ablation(b *testing.B, lib server.Library) {
	if len(lib.Variants) == 0 {
		b.Skipf("%s has no adapter variants", lib.Name)
	}
	for i, v := range lib.Variants {
		vlib := lib
		vlib.New = v.New
		types := []bool{true}
		if (i == 0 || v.Text) && lib.Proto == server.ProtoWS {
			types = append(types, false) // text on the production variant
		}
		if lib.Proto == server.ProtoSockJS {
			types = []bool{false} // SockJS carries text only
		}
		for _, bin := range types {
			typ := "text"
			if bin {
				typ = "binary"
			}
			for _, size := range Sizes {
				b.Run(fmt.Sprintf("variant=%s/type=%s/size=%s", v.Name, typ, size.Name), func(b *testing.B) {
					ablationEcho(b, vlib, bin, size.N)
				})
			}
		}
	}
}

func ablationEcho(b *testing.B, lib server.Library, bin bool, size int) {
	r := servertest.Start(b, lib)
	c := dialRaw(b, r)
	c.nc.SetDeadline(time.Now().Add(ioTimeout + time.Duration(b.N)*time.Millisecond))
	msg := message(size)
	c.setMessage(bin, msg)
	frames := 0
	mark := marker(b, "start", r.Addr)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stamp(c.payload(), uint32(i))
		if _, err := c.nc.Write(c.out); err != nil {
			b.Fatalf("send %d: %v", i, err)
		}
		n, p, err := c.readMessage()
		if err != nil {
			b.Fatalf("echo %d of %d: %v", i, b.N, err)
		}
		frames += n
		if want := c.payload(); string(p) != string(want) {
			b.Fatalf("echo %d: %d bytes came back, want %d (first %q)", i, len(p), len(want), p[:min(len(p), 16)])
		}
	}
	b.StopTimer()
	mark("stop")
	b.ReportMetric(float64(frames)/float64(b.N), "frames/op")
}

// marker writes "ablation EVENT name=... addr=... n=..." to /dev/null, a
// line strace shows, and returns the function that writes the closing one.
func marker(b *testing.B, event, addr string) func(string) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	write := func(event string) {
		fmt.Fprintf(f, "ablation %s name=%s addr=%s n=%d\n", event, b.Name(), addr, b.N)
	}
	write(event)
	return func(event string) { write(event); f.Close() }
}

// rawConn is the ablation's client: it writes one whole masked frame per
// message (zero mask key, so the payload is sent as is) and reads the echo
// frame by frame.
type rawConn struct {
	nc     net.Conn
	br     *bufio.Reader
	sockjs bool
	out    []byte // the frame sent: header, then payload
	hdr    int    // header length in out
	in     []byte // the echo, frames joined
}

func dialRaw(b *testing.B, r *servertest.Running) *rawConn {
	b.Helper()
	url := r.URL("ws", server.PathEcho)
	sockjs := r.Lib.Proto == server.ProtoSockJS
	if sockjs {
		url += "/000/ablation/websocket"
	}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	nc, br, _, err := ws.Dialer{}.Dial(ctx, url)
	if err != nil {
		b.Fatalf("%s: dial: %v", r.Lib.Name, err)
	}
	b.Cleanup(func() { nc.Close() })
	if br == nil {
		br = bufio.NewReaderSize(nc, 64<<10)
	}
	c := &rawConn{nc: nc, br: br, sockjs: sockjs}
	if sockjs {
		nc.SetReadDeadline(time.Now().Add(ioTimeout))
		if _, p, err := c.readMessage(); err != nil || string(p) != "o" {
			b.Fatalf("sockjs: open frame %q, %v", p, err)
		}
	}
	return c
}

// setMessage builds the frame for msg; stamp its payload() before each send.
func (c *rawConn) setMessage(bin bool, msg []byte) {
	body := msg
	if c.sockjs {
		body = append(append([]byte(`["`), msg...), `"]`...) // msg is plain letters: no escapes
	}
	op := wire.OpText
	if bin {
		op = wire.OpBinary
	}
	// Masked with the key 0, which leaves the payload as it is.
	h := wire.AppendFrameHeader(nil, true, 0, op, uint64(len(body)), true, 0)
	c.hdr = len(h)
	c.out = append(h, body...)
	c.in = make([]byte, 0, len(body)+16)
}

// payload is the message inside the frame sent, and what the echo must be
// (for SockJS the echo is a["..."], compared in readMessage's result).
func (c *rawConn) payload() []byte {
	if c.sockjs {
		return c.out[c.hdr+2 : len(c.out)-2]
	}
	return c.out[c.hdr:]
}

// readMessage reads data frames up to the final one and returns how many
// there were and the message (for SockJS, the string inside a["..."]).
func (c *rawConn) readMessage() (frames int, p []byte, err error) {
	c.in = c.in[:0]
	for {
		b, err := c.br.Peek(2)
		if err != nil {
			return frames, nil, err
		}
		_, hl := wire.ParseFrameHeader(b)
		if b, err = c.br.Peek(hl); err != nil {
			return frames, nil, err
		}
		h, _ := wire.ParseFrameHeader(b)
		_, _ = c.br.Discard(hl)
		n := int(h.Length)
		if h.Op >= wire.OpClose {
			return frames, nil, fmt.Errorf("unexpected control frame (opcode %d)", h.Op)
		}
		frames++
		start := len(c.in)
		c.in = append(c.in, make([]byte, n)...) // no allocation once in has grown
		if _, err := io.ReadFull(c.br, c.in[start:]); err != nil {
			return frames, nil, err
		}
		if h.Fin {
			break
		}
	}
	p = c.in
	if c.sockjs && len(p) >= 4 && string(p[:3]) == `a["` {
		p = p[3 : len(p)-2]
	}
	return frames, p, nil
}
