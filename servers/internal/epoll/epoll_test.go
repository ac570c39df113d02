//go:build linux

package epoll

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// pair returns both ends of a loopback TCP connection and the server end's
// descriptor.
func pair(t *testing.T) (client, srv net.Conn, fd int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); srv.Close() })
	rc, err := srv.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Control(func(f uintptr) { fd = int(f) }); err != nil {
		t.Fatal(err)
	}
	return client, srv, fd
}

func start(t *testing.T) (*Poller, chan error) {
	t.Helper()
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run() }()
	t.Cleanup(func() { p.Close() })
	return p, done
}

func wait(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// quiet checks that no event arrives while the peer writes again: a
// one-shot registration stays silent until it is re-armed.
func quiet(t *testing.T, c <-chan struct{}) {
	t.Helper()
	select {
	case <-c:
		t.Fatal("event on a descriptor that was not re-armed")
	case <-time.After(50 * time.Millisecond):
	}
}

func TestOneShotAndRearm(t *testing.T) {
	p, _ := start(t)
	client, srv, fd := pair(t)
	ready := make(chan struct{}, 10)
	if err := p.Add(fd, func() { ready <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	client.Write([]byte("a"))
	wait(t, ready, "first event")
	client.Write([]byte("b"))
	quiet(t, ready)
	buf := make([]byte, 8)
	if n, err := srv.Read(buf); err != nil || n == 0 {
		t.Fatalf("read: %d %v", n, err)
	}
	// Data not consumed before Rearm fires again at once (level-triggered).
	client.Write([]byte("c"))
	if err := p.Rearm(fd); err != nil {
		t.Fatal(err)
	}
	wait(t, ready, "event after rearm")
	if p.Len() != 1 {
		t.Fatalf("Len = %d, want 1", p.Len())
	}
}

func TestPeerHangUpIsAnEvent(t *testing.T) {
	p, _ := start(t)
	client, _, fd := pair(t)
	ready := make(chan struct{}, 1)
	if err := p.Add(fd, func() { ready <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	client.Close()
	wait(t, ready, "hang-up event")
}

func TestRemoveDropsEvents(t *testing.T) {
	p, _ := start(t)
	client, _, fd := pair(t)
	ready := make(chan struct{}, 1)
	if err := p.Add(fd, func() { ready <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	if err := p.Remove(fd); err != nil {
		t.Fatal(err)
	}
	client.Write([]byte("x"))
	quiet(t, ready)
	if err := p.Rearm(fd); err == nil {
		t.Fatal("Rearm of a removed descriptor succeeded")
	}
	if p.Len() != 0 {
		t.Fatalf("Len = %d, want 0", p.Len())
	}
}

func TestCloseWakesRun(t *testing.T) {
	p, done := start(t)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Run returned %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run still waiting after Close")
	}
	_, _, fd := pair(t)
	if err := p.Add(fd, func() {}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Add after Close: %v, want ErrClosed", err)
	}
}
