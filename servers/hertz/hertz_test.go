package hertz

import (
	"net"
	"path/filepath"
	"testing"

	"github.com/wsbench/wsbench/servers/server"
)

// The netpoll transport panics when it cannot serve; Serve must turn that
// into an error.
func TestServeClosedListenerIsAnError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	err = New(server.NewEnv()).Serve(ln)
	if err == nil {
		t.Fatal("Serve on a closed listener returned nil")
	}
	t.Log(err)
}

func TestServeNeedsTCPListener(t *testing.T) {
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := New(server.NewEnv()).Serve(ln); err == nil {
		t.Fatal("Serve on a unix listener returned nil")
	}
}
