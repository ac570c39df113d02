package wire

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// tcpEchoServer is a minimal server of the plain TCP protocol: it answers
// the preamble with "OK\n" (or refuses one it does not know) and echoes
// length-prefixed messages with preallocated buffers.
func tcpEchoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				br := bufio.NewReader(nc)
				line, err := br.ReadString('\n')
				if err != nil || line != "ECHO\n" {
					io.WriteString(nc, "NO\n")
					return
				}
				io.WriteString(nc, "OK\n")
				buf := make([]byte, 4+1<<20)
				for {
					if _, err := io.ReadFull(br, buf[:4]); err != nil {
						return
					}
					n := binary.BigEndian.Uint32(buf)
					if _, err := io.ReadFull(br, buf[4:4+n]); err != nil {
						return
					}
					if _, err := nc.Write(buf[:4+n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func dialTCPTest(t *testing.T, url string) Conn {
	t.Helper()
	c, err := Dial(context.Background(), url, Options{HandshakeTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	return c
}

func TestTCPEchoBatchesAndCounts(t *testing.T) {
	c := dialTCPTest(t, "tcp://"+tcpEchoServer(t)+"/echo")
	sizes := []int{0, 1, 125, 65536, 300000}
	for _, n := range sizes {
		if err := c.QueueMessage(true, message(n)); err != nil {
			t.Fatal(err)
		}
	}
	before := c.Stats().TX
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	want := int64(0)
	for _, n := range sizes {
		want += int64(4 + n)
	}
	if got := c.Stats().TX - before; got != want {
		t.Fatalf("sent %d bytes, want %d", got, want)
	}
	var buf []byte
	for _, n := range sizes {
		bin, p, err := c.ReadMessage(buf)
		if err != nil || !bin || !bytes.Equal(p, message(n)) {
			t.Fatalf("size %d: %d bytes, binary %v, %v", n, len(p), bin, err)
		}
		buf = p
	}
}

func TestTCPNoAllocationPerMessage(t *testing.T) {
	c := dialTCPTest(t, "tcp://"+tcpEchoServer(t)+"/echo")
	msg := message(1024)
	buf := make([]byte, 0, 2048)
	allocs := testing.AllocsPerRun(200, func() {
		if err := c.WriteMessage(true, msg); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.ReadMessage(buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per echo", allocs)
	}
}

func TestTCPDialErrors(t *testing.T) {
	addr := tcpEchoServer(t)
	if _, err := Dial(context.Background(), "tcp://"+addr+"/broadcast", Options{HandshakeTimeout: 5 * time.Second}); Kind(err) != "protocol" {
		t.Fatalf("refused preamble: %v (%s)", err, Kind(err))
	}
	for _, u := range []string{"tcp://" + addr + "/other", "tcp://127.0.0.1/echo"} {
		if _, err := Dial(context.Background(), u, Options{}); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
	if _, err := ParseURL("ws://"+addr, TCP); err == nil {
		t.Error("-proto tcp accepted a ws URL")
	}
	if tg, err := ParseURL("tcp://"+addr, ""); err != nil || tg.Proto != TCP {
		t.Errorf("tcp URL: %+v, %v", tg, err)
	}
}
