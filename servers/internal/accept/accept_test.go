package accept

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
)

// script is a listener whose Accept returns the next of its results.
type script struct {
	net.Listener
	results []result
	closed  bool
}

type result struct {
	conn net.Conn
	err  error
}

func (s *script) Accept() (net.Conn, error) {
	if len(s.results) == 0 {
		s.closed = true
		return nil, net.ErrClosed
	}
	r := s.results[0]
	s.results = s.results[1:]
	return r.conn, r.err
}

func TestLoopRetriesTemporaryErrorsAndHandsOnConnections(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	ln := &script{results: []result{
		{err: fmt.Errorf("accept: %w", syscall.EMFILE)},
		{conn: a},
	}}
	handled := make(chan net.Conn, 1)
	err := Loop(ln, func() bool { return ln.closed }, func(nc net.Conn) { handled <- nc })
	if err != nil {
		t.Fatalf("Loop after the listener closed: %v, want nil", err)
	}
	if got := <-handled; got != a {
		t.Fatalf("handled %v, want the accepted connection", got)
	}
}

func TestLoopReturnsPermanentErrors(t *testing.T) {
	want := errors.New("listener broken")
	ln := &script{results: []result{{err: want}}}
	if err := Loop(ln, func() bool { return false }, func(net.Conn) { t.Error("handle called") }); !errors.Is(err, want) {
		t.Fatalf("Loop = %v, want %v", err, want)
	}
}

func TestTemporary(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{syscall.EMFILE, true},
		{fmt.Errorf("wrapped: %w", syscall.EINTR), true},
		{&net.OpError{Op: "accept", Err: syscall.ENFILE}, true},
		{net.ErrClosed, false},
		{errors.New("plain"), false},
	} {
		if got := Temporary(c.err); got != c.want {
			t.Errorf("Temporary(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
