package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/servers/cluster"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

func TestClusterUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-lib", "gorilla", "-node", "a"}, "-node needs -nats"},
		{[]string{"-lib", "gorilla", "-nats", "http://127.0.0.1:4222"}, "want nats://HOST:PORT"},
		{[]string{"-lib", "gorilla", "-nats", "nats://"}, "want nats://HOST:PORT"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if msg := strings.TrimSpace(errb.String()); strings.Count(msg, "\n") != 0 || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: stderr %q, want one line mentioning %q", tc.args, errb.String(), tc.want)
		}
	}
}

func TestClusterBrokerUnreachable(t *testing.T) {
	ns, err := cluster.StartBroker("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	url := ns.ClientURL()
	ns.Shutdown() // nothing listens there any more
	var out, errb bytes.Buffer
	if code := run([]string{"-lib", "gorilla", "-addr", "127.0.0.1:0", "-nats", url}, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1 (stderr %q)", code, errb.String())
	}
}

// startNode runs the servers command as a process and returns its address.
func startNode(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SERVERS_RUN_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	lines := bufio.NewScanner(stderr)
	addr := ""
	for lines.Scan() {
		if _, a, ok := strings.Cut(lines.Text(), "listening on "); ok {
			addr = a
			break
		}
	}
	go func() {
		for lines.Scan() {
		}
		cmd.Wait()
		close(exited)
	}()
	if addr == "" {
		t.Fatal("server did not print its address")
	}
	return addr
}

// TestClusterProcesses runs two server processes bridged by a broker: a
// broadcast published on one reaches a subscriber of the other once.
func TestClusterProcesses(t *testing.T) {
	ns, err := cluster.StartBroker("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Shutdown()
	a := startNode(t, "-lib", "gws", "-addr", "127.0.0.1:0", "-nats", ns.ClientURL(), "-node", "a")
	b := startNode(t, "-lib", "gws", "-addr", "127.0.0.1:0", "-nats", ns.ClientURL(), "-node", "b")
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conns := make([]*websocket.Conn, 2)
	for i, addr := range []string{a, b} {
		c, _, err := d.Dial("ws://"+addr+server.PathBroadcast, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
		servertest.Eventually(t, 10*time.Second, "subscriber joined", func() bool {
			return servertest.Stats(t, addr).Subscribers == 1
		})
	}
	for i, msg := range []string{"from a", "from b"} {
		if err := conns[i].WriteMessage(websocket.BinaryMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		// Each node's subscriber gets the message, its own node's first.
		for _, c := range []*websocket.Conn{conns[i], conns[1-i]} {
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, p, err := c.ReadMessage()
			if err != nil || string(p) != msg {
				t.Fatalf("got %q, %v; want %q", p, err, msg)
			}
		}
	}
}
