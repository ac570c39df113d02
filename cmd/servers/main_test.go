package main

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// TestMain lets a test re-execute this test binary as the servers command.
func TestMain(m *testing.M) {
	if os.Getenv("SERVERS_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestListLong(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-list", "-long"}, &out, &errb); code != 0 {
		t.Fatalf("-list -long exit %d: %s", code, errb.String())
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		name, proto, ok := strings.Cut(line, "\t")
		lib, found := registry.Lookup(name)
		if !ok || !found || string(lib.Proto) != proto {
			t.Errorf("line %q: want NAME<TAB>PROTO of a registered library", line)
		}
		got = append(got, name)
	}
	if strings.Join(got, ",") != strings.Join(registry.Names(), ",") {
		t.Fatalf("-list -long named %v, want %v", got, registry.Names())
	}
}

func TestRaiseOpenFiles(t *testing.T) {
	n, err := raiseOpenFiles()
	if err != nil {
		t.Fatal(err)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur != lim.Max || n != lim.Cur {
		t.Fatalf("soft limit %d (returned %d), hard limit %d: want soft = hard", lim.Cur, n, lim.Max)
	}
}

func TestDeviations(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-deviations"}, &out, &errb); code != 0 {
		t.Fatalf("-deviations exit %d: %s", code, errb.String())
	}
	var want []string
	for _, l := range registry.All() {
		for b, what := range l.Deviations {
			want = append(want, l.Name+"\t"+string(b)+"\t"+what)
		}
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	slices.Sort(got)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("-deviations printed %q, want %q", got, want)
	}
}

func TestList(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-list"}, &out, &errb); code != 0 {
		t.Fatalf("-list exit %d: %s", code, errb.String())
	}
	got := strings.Fields(out.String())
	want := registry.Names()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("-list printed %v, want %v", got, want)
	}
}

func TestChecks(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-checks"}, &out, &errb); code != 0 {
		t.Fatalf("-checks exit %d: %s", code, errb.String())
	}
	// gorilla checks close reasons and declared lengths itself; its
	// adapter adds the UTF-8 check on text. rest is not WebSocket.
	if want := "| gorilla | adapter | library | library |\n"; !strings.Contains(out.String(), want) {
		t.Errorf("-checks printed\n%s\nwant a line %q", out.String(), want)
	}
	if strings.Contains(out.String(), "| rest |") {
		t.Errorf("-checks lists the HTTP baseline:\n%s", out.String())
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-lib", "nope"}, `unknown library "nope"; known: ` + strings.Join(registry.Names(), ", ")},
		{[]string{}, "-lib is required"},
		{[]string{"-bogus"}, "flag provided but not defined"},
		{[]string{"-lib", "gorilla", "extra"}, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: stderr %q does not mention %q", tc.args, errb.String(), tc.want)
		}
	}
}

func TestAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out, errb bytes.Buffer
	if code := run([]string{"-lib", "gorilla", "-addr", ln.Addr().String()}, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if msg := strings.TrimSpace(errb.String()); strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "address already in use") {
		t.Fatalf("want one line naming the address in use, got %q", msg)
	}
}

// TestSignalShutdown runs the real process, holds a WebSocket open and
// sends SIGTERM: the client gets close 1001 and the process exits 0.
func TestSignalShutdown(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-lib", "gorilla", "-addr", "127.0.0.1:0")
			cmd.Env = append(os.Environ(), "SERVERS_RUN_MAIN=1")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// exited is closed once the process is reaped; waitErr is its status.
			exited := make(chan struct{})
			var waitErr error
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
				waitErr = cmd.Wait()
				close(exited)
			}()
			if addr == "" {
				t.Fatal("server did not print its address")
			}
			d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
			c, _, err := d.Dial("ws://"+addr+server.PathEcho, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			_, _, err = c.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != server.CloseGoingAway {
				t.Errorf("client got %v, want close 1001", err)
			}
			c.Close()
			select {
			case <-exited:
				if waitErr != nil {
					t.Errorf("process exited with %v, want 0", waitErr)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("process still running 10s after the signal")
			}
		})
	}
}

func TestListChat(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-list", "-chat"}, &out, &errb); code != 0 {
		t.Fatalf("-list -chat exit %d: %s", code, errb.String())
	}
	var want []string
	for _, l := range registry.All() {
		if l.Chat {
			want = append(want, l.Name)
		}
	}
	if got := strings.Fields(out.String()); len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("-list -chat printed %v, want %v", got, want)
	}
}
