package conformance

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// fakeServer accepts WebSocket handshakes on loopback and hands each
// connection to serve after the 101 response.
func fakeServer(t *testing.T, serve func(br *bufio.Reader, c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(30 * time.Second))
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + acceptGUID))
				_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "+
					base64.StdEncoding.EncodeToString(sum[:])+"\r\n\r\n")
				serve(br, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// echoEverything sends back every frame as it came (unmasked): it checks
// nothing, answers pings with the ping itself, and closes only on close.
func echoEverything(br *bufio.Reader, c net.Conn) {
	for {
		f, err := readFrame(br, 1<<20)
		if err != nil {
			return
		}
		op := f.Op
		if op == OpPing {
			op = OpPong
		}
		out := Frame{Fin: f.Fin, Rsv: f.Rsv, Op: op, Payload: f.Payload, Unmasked: true}
		if _, err := c.Write(out.Encode([4]byte{})); err != nil || f.Op == OpClose {
			return
		}
	}
}

func caseByID(t *testing.T, id string) Case {
	t.Helper()
	for _, c := range Cases() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no case %s", id)
	return Case{}
}

func TestVerdictsFromBehaviour(t *testing.T) {
	cfg := Short(64 << 10)
	addr := fakeServer(t, echoEverything)
	for id, want := range map[string]Verdict{
		"1.1.2":  OK,     // a 125-byte text echoed
		"2.2":    OK,     // pong with the payload
		"3.1":    Failed, // RSV echoed instead of failing
		"4.1.1":  Failed, // reserved opcode echoed
		"6.5.1":  OK,     // valid UTF-8 echoed
		"6.5.16": Failed, // invalid UTF-8 echoed
		"7.3.3":  OK,     // close 1000 echoed, TCP closed
	} {
		if got := RunCase(addr, caseByID(t, id), cfg); got.Verdict != want {
			t.Errorf("%s against an echo-everything server: %s (%s), want %s", id, got.Verdict, got.Detail, want)
		}
	}
}

func TestHangingServerFailsTheCase(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	addr := fakeServer(t, func(*bufio.Reader, net.Conn) { <-release })
	cfg := Short(64 << 10)
	cfg.CaseTimeout = 500 * time.Millisecond
	got := RunCase(addr, caseByID(t, "1.1.1"), cfg)
	if got.Verdict != Failed {
		t.Fatalf("a server that never answers: %s (%s), want FAILED", got.Verdict, got.Detail)
	}
}

func TestFailByCloseCode(t *testing.T) {
	// Closes every connection with 1002 on its first frame.
	addr := fakeServer(t, func(br *bufio.Reader, c net.Conn) {
		if _, err := readFrame(br, 1<<20); err != nil {
			return
		}
		_, _ = c.Write(Frame{Fin: true, Op: OpClose, Payload: ClosePayload(1002, ""), Unmasked: true}.Encode([4]byte{}))
	})
	cfg := Short(64 << 10)
	if got := RunCase(addr, caseByID(t, "3.1"), cfg); got.Verdict != OK {
		t.Errorf("3.1 with close 1002: %s (%s), want OK", got.Verdict, got.Detail)
	}
	if got := RunCase(addr, caseByID(t, "6.5.16"), cfg); got.Verdict != NonStrict {
		t.Errorf("6.5.16 with close 1002 (1007 specified): %s (%s), want NON-STRICT", got.Verdict, got.Detail)
	}
}
