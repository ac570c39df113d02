package tcp_test

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/servertest"
)

func start(t *testing.T) *servertest.Running {
	t.Helper()
	lib, ok := registry.Lookup("tcp")
	if !ok {
		t.Fatal("tcp is not registered")
	}
	return servertest.Start(t, lib)
}

func dialRaw(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	return nc, bufio.NewReader(nc)
}

func msg(p string) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(p))), p...)
}

// A client may send its first messages in the same segment as the
// preamble: the bytes read while sniffing are not lost.
func TestPreambleAndMessagesInOneWrite(t *testing.T) {
	r := start(t)
	nc, br := dialRaw(t, r.Addr)
	b := append([]byte("ECHO\n"), msg("one")...)
	b = append(b, msg("two")...)
	if _, err := nc.Write(b); err != nil {
		t.Fatal(err)
	}
	want := "OK\n" + string(msg("one")) + string(msg("two"))
	got := make([]byte, len(want))
	if _, err := io.ReadFull(br, got); err != nil || string(got) != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
}

// Anything but a preamble is HTTP, answered by net/http on the same port.
func TestOtherBytesAreHTTP(t *testing.T) {
	r := start(t)
	nc, br := dialRaw(t, r.Addr)
	if _, err := io.WriteString(nc, "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 400") {
		t.Fatalf("status line %q, %v; want 400", line, err)
	}
}
