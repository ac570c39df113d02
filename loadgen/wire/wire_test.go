package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/igm/sockjs-go/v3/sockjs"
)

// gorillaServer runs handle for every WebSocket connection on /echo.
func gorillaServer(t *testing.T, writeBuf int, handle func(*websocket.Conn)) string {
	t.Helper()
	up := websocket.Upgrader{WriteBufferSize: writeBuf, CheckOrigin: func(*http.Request) bool { return true }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		handle(c) // returns when the client's connection closes (test cleanup)
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/echo"
}

func echoHandler(c *websocket.Conn) {
	for {
		mt, p, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(mt, p); err != nil {
			return
		}
	}
}

func dial(t *testing.T, url string, o Options) Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, url, o)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	return c
}

func message(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	return p
}

func TestWSEchoSizes(t *testing.T) {
	c := dial(t, gorillaServer(t, 0, echoHandler), Options{})
	var buf []byte
	for _, n := range []int{0, 1, 125, 126, 127, 1000, 65535, 65536, 300000} {
		for _, bin := range []bool{true, false} {
			want := message(n)
			if err := c.WriteMessage(bin, want); err != nil {
				t.Fatal(err)
			}
			gotBin, p, err := c.ReadMessage(buf)
			if err != nil {
				t.Fatalf("size %d: %v", n, err)
			}
			if gotBin != bin || !bytes.Equal(p, want) {
				t.Fatalf("size %d binary %v: echo differs (binary %v, %d bytes)", n, bin, gotBin, len(p))
			}
			buf = p
		}
	}
}

func TestWSQueueBatchesAndCountsBytes(t *testing.T) {
	c := dial(t, gorillaServer(t, 0, echoHandler), Options{})
	const n, size = 20, 200
	for i := 0; i < n; i++ {
		if err := c.QueueMessage(true, message(size)); err != nil {
			t.Fatal(err)
		}
	}
	before := c.Stats().TX
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	// 200 bytes: 2-byte header + 2-byte length + 4-byte mask.
	if got, want := c.Stats().TX-before, int64(n*(size+8)); got != want {
		t.Fatalf("sent %d bytes, want %d", got, want)
	}
	var buf []byte
	for i := 0; i < n; i++ {
		_, p, err := c.ReadMessage(buf)
		if err != nil || len(p) != size {
			t.Fatalf("message %d: %d bytes, %v", i, len(p), err)
		}
		buf = p
	}
	// Server frames are not masked: 4 bytes of header each.
	if got, want := c.Stats().RX, int64(n*(size+4)); got < want {
		t.Fatalf("read %d bytes, want at least %d", got, want)
	}
}

// rawEcho echoes 1024-byte binary messages with preallocated buffers, so
// that the server side of the test allocates nothing.
func rawEcho(c *websocket.Conn) {
	nc := c.NetConn()
	in := make([]byte, 2+2+4+1024)
	out := append([]byte{0x82, 126, 1024 >> 8, 1024 & 0xFF}, make([]byte, 1024)...)
	for {
		if _, err := io.ReadFull(nc, in); err != nil {
			return
		}
		for i := range 1024 {
			out[4+i] = in[8+i] ^ in[4+i%4]
		}
		if _, err := nc.Write(out); err != nil {
			return
		}
	}
}

func TestWSNoAllocationPerMessage(t *testing.T) {
	c := dial(t, gorillaServer(t, 0, rawEcho), Options{})
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

func TestWSFragmentsPingAndClose(t *testing.T) {
	url := gorillaServer(t, 64, func(c *websocket.Conn) {
		pong := make(chan string, 1)
		c.SetPongHandler(func(s string) error { pong <- s; return nil })
		go func() { // keep reading so that pongs and the close are processed
			for {
				if _, _, err := c.NextReader(); err != nil {
					return
				}
			}
		}()
		_ = c.WriteControl(websocket.PingMessage, []byte("hi"), time.Now().Add(time.Second))
		w, _ := c.NextWriter(websocket.BinaryMessage) // 64-byte buffer: fragments
		_, _ = w.Write(message(1000))
		_ = w.Close()
		select {
		case s := <-pong:
			_ = c.WriteMessage(websocket.TextMessage, []byte("pong "+s))
		case <-time.After(5 * time.Second):
		}
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1008, "go away"), time.Now().Add(time.Second))
		time.Sleep(100 * time.Millisecond)
	})
	c := dial(t, url, Options{})
	bin, p, err := c.ReadMessage(nil)
	if err != nil || !bin || !bytes.Equal(p, message(1000)) {
		t.Fatalf("fragmented message: %d bytes, %v", len(p), err)
	}
	if _, p, err = c.ReadMessage(p); err != nil || string(p) != "pong hi" {
		t.Fatalf("pong not seen by the server: %q %v", p, err)
	}
	_, _, err = c.ReadMessage(p)
	var ce *CloseError
	if !errors.As(err, &ce) || ce.Code != 1008 || ce.Reason != "go away" {
		t.Fatalf("close: got %v", err)
	}
	if Kind(err) != "closed_1008" {
		t.Fatalf("kind %q", Kind(err))
	}
	if _, _, err2 := c.ReadMessage(nil); !errors.As(err2, &ce) {
		t.Fatalf("after close: %v", err2)
	}
}

func TestWSHandshakeRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no websockets here", http.StatusForbidden)
	}))
	defer srv.Close()
	_, err := Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/echo", Options{})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 403 || !strings.Contains(err.Error(), "no websockets") {
		t.Fatalf("got %v", err)
	}
}

func TestDialErrors(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, err := Dial(context.Background(), "ws://"+addr+"/echo", Options{HandshakeTimeout: 2 * time.Second})
	if Kind(err) != "refused" {
		t.Fatalf("refused: %v (%s)", err, Kind(err))
	}
	// A listener that never answers the handshake.
	ln, _ = net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	start := time.Now()
	_, err = Dial(context.Background(), "ws://"+ln.Addr().String()+"/echo", Options{HandshakeTimeout: 200 * time.Millisecond})
	if Kind(err) != "timeout" || time.Since(start) > 2*time.Second {
		t.Fatalf("silent server: %v (%s) after %v", err, Kind(err), time.Since(start))
	}
	for _, u := range []string{"wss://x/", "ftp://x/", "ws:///echo", "::"} {
		if _, err := Dial(context.Background(), u, Options{}); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestLocalAddr(t *testing.T) {
	url := gorillaServer(t, 0, func(c *websocket.Conn) {
		_ = c.WriteMessage(websocket.TextMessage, []byte(c.RemoteAddr().String()))
	})
	c := dial(t, url, Options{LocalAddr: net.IPv4(127, 0, 0, 3)})
	_, p, err := c.ReadMessage(nil)
	if err != nil || !strings.HasPrefix(string(p), "127.0.0.3:") {
		t.Fatalf("remote address seen by the server: %q %v", p, err)
	}
}

func sockjsServer(t *testing.T) string {
	t.Helper()
	h := sockjs.NewHandler("/echo", sockjs.DefaultOptions, func(s sockjs.Session) {
		for {
			m, err := s.Recv()
			if err != nil {
				return
			}
			if m == "close please" {
				_ = s.Close(3000, "bye")
				return
			}
			_ = s.Send(m)
		}
	})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/echo"
}

func TestSockJSEcho(t *testing.T) {
	c := dial(t, sockjsServer(t), Options{Proto: SockJS})
	msgs := []string{"plain", `quote " and \ backslash`, "<html> & é ✓ 𝄞", "", "tab\tnewline\n", strings.Repeat("x", 70000)}
	for _, m := range msgs {
		if err := c.QueueMessage(false, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf []byte
	for _, m := range msgs {
		bin, p, err := c.ReadMessage(buf)
		if err != nil || bin || string(p) != m {
			t.Fatalf("want %.40q, got %.40q %v", m, p, err)
		}
		buf = p
	}
	if err := c.WriteMessage(false, []byte("close please")); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.ReadMessage(buf)
	var ce *CloseError
	if !errors.As(err, &ce) || ce.Code != 3000 || ce.Reason != "bye" {
		t.Fatalf("close: %v", err)
	}
}

// miniREST is a small implementation of the REST protocol for the client's
// unit tests: POST /echo, POST /publish, GET /poll?after=&wait=. It answers
// large echoes chunked (no Content-Length) to exercise that path.
type miniREST struct {
	mu     sync.Mutex
	log    [][]byte
	first  uint64 // seq of log[0]
	wakeup chan struct{}
	conns  map[string]bool
}

func newMiniREST(t *testing.T, keep int) (*miniREST, string) {
	m := &miniREST{first: 1, wakeup: make(chan struct{}), conns: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		m.see(r)
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/octet-stream")
		if len(b) < 100 {
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		}
		_, _ = w.Write(b)
	})
	mux.HandleFunc("POST /publish", func(w http.ResponseWriter, r *http.Request) {
		m.see(r)
		b, _ := io.ReadAll(r.Body)
		m.mu.Lock()
		m.log = append(m.log, b)
		if len(m.log) > keep {
			m.log = m.log[1:]
			m.first++
		}
		seq := m.first + uint64(len(m.log)) - 1
		close(m.wakeup)
		m.wakeup = make(chan struct{})
		m.mu.Unlock()
		fmt.Fprintf(w, "%d\n", seq)
	})
	mux.HandleFunc("GET /poll", func(w http.ResponseWriter, r *http.Request) {
		m.see(r)
		after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
		wait, _ := time.ParseDuration(r.URL.Query().Get("wait"))
		deadline := time.Now().Add(wait)
		for {
			m.mu.Lock()
			last := m.first + uint64(len(m.log)) - 1
			wake := m.wakeup
			if last > after || wait == 0 || time.Now().After(deadline) {
				w.Header().Set("X-Last-Seq", strconv.FormatUint(last, 10))
				if last <= after {
					m.mu.Unlock()
					w.WriteHeader(204)
					return
				}
				start := after + 1
				if start < m.first {
					start = m.first
					w.Header().Set("X-First-Seq", strconv.FormatUint(start, 10))
				}
				var b bytes.Buffer
				for s := start; s <= last; s++ {
					p := m.log[s-m.first]
					fmt.Fprintf(&b, "%d %d\n%s\n", s, len(p), p)
				}
				m.mu.Unlock()
				_, _ = w.Write(b.Bytes())
				return
			}
			m.mu.Unlock()
			select {
			case <-wake:
			case <-time.After(time.Until(deadline)):
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return m, srv.URL
}

func (m *miniREST) see(r *http.Request) {
	m.mu.Lock()
	m.conns[r.RemoteAddr] = true
	m.mu.Unlock()
}

func TestHTTPEcho(t *testing.T) {
	_, base := newMiniREST(t, 100)
	for _, perReq := range []bool{false, true} {
		c := dial(t, base+"/echo", Options{HTTP: HTTPOptions{NewConnPerRequest: perReq}})
		var buf []byte
		for _, n := range []int{0, 10, 5000, 100000} {
			if err := c.WriteMessage(true, message(n)); err != nil {
				t.Fatal(err)
			}
			_, p, err := c.ReadMessage(buf)
			if err != nil || !bytes.Equal(p, message(n)) {
				t.Fatalf("size %d: got %d bytes, %v", n, len(p), err)
			}
			buf = p
		}
		st := c.Stats()
		wantDials := int64(1)
		if perReq {
			wantDials = 4
		}
		if st.Requests != 4 || st.Dials != wantDials {
			t.Fatalf("new conn per request %v: %+v", perReq, st)
		}
	}
	// Pipelined.
	c := dial(t, base+"/echo", Options{})
	for i := 0; i < 5; i++ {
		_ = c.QueueMessage(true, []byte(strconv.Itoa(i)))
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		_, p, err := c.ReadMessage(nil)
		if err != nil || string(p) != strconv.Itoa(i) {
			t.Fatalf("pipelined %d: %q %v", i, p, err)
		}
	}
}

func TestHTTPBroadcastPoll(t *testing.T) {
	for _, mode := range []Subscribe{Poll, LongPoll} {
		_, base := newMiniREST(t, 3)
		pub := dial(t, base+"/broadcast", Options{})
		if err := pub.WriteMessage(false, []byte("before")); err != nil {
			t.Fatal(err)
		}
		sub := dial(t, base+"/broadcast", Options{HTTP: HTTPOptions{Subscribe: mode, PollInterval: 20 * time.Millisecond, PollWait: time.Second, After: 1}})
		published := make(chan struct{})
		go func() {
			defer close(published)
			time.Sleep(50 * time.Millisecond) // let the subscriber poll empty first
			for _, m := range []string{"one", "two"} {
				_ = pub.WriteMessage(false, []byte(m))
			}
		}()
		var got []string
		for len(got) < 2 {
			_, p, err := sub.ReadMessage(nil)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(p))
		}
		if strings.Join(got, ",") != "one,two" {
			t.Fatalf("mode %d: got %v", mode, got)
		}
		st := sub.Stats()
		if st.Requests < 1 || (mode == Poll && st.EmptyPolls < 1) {
			t.Fatalf("mode %d: stats %+v", mode, st)
		}
		<-published
		// The log keeps 3: publishing 5 more makes the next poll start late.
		for i := 0; i < 5; i++ {
			_ = pub.WriteMessage(false, []byte("x"))
		}
		for i := 0; i < 3; i++ {
			if _, _, err := sub.ReadMessage(nil); err != nil {
				t.Fatal(err)
			}
		}
		if sub.Stats().LogGaps != 1 {
			t.Fatalf("mode %d: log gap not counted: %+v", mode, sub.Stats())
		}
		// A deadline interrupts the wait.
		_ = sub.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		start := time.Now()
		if _, _, err := sub.ReadMessage(nil); Kind(err) != "timeout" || time.Since(start) > 2*time.Second {
			t.Fatalf("mode %d: deadline: %v after %v", mode, err, time.Since(start))
		}
	}
}

func TestHTTPStatusError(t *testing.T) {
	_, base := newMiniREST(t, 1)
	c := dial(t, base+"/nothing", Options{})
	if err := c.WriteMessage(true, []byte("x")); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.ReadMessage(nil)
	if Kind(err) != "http_404" {
		t.Fatalf("got %v (%s)", err, Kind(err))
	}
}

func TestMask(t *testing.T) {
	for n := 0; n < 80; n++ {
		p := message(n)
		q := append([]byte(nil), p...)
		MaskBytes(0x11223344, q)
		key := []byte{0x44, 0x33, 0x22, 0x11}
		for i := range p {
			if q[i] != p[i]^key[i%4] {
				t.Fatalf("len %d byte %d", n, i)
			}
		}
	}
}

func TestServerGoneIsEOF(t *testing.T) {
	url := gorillaServer(t, 0, func(c *websocket.Conn) { c.NetConn().Close() })
	c := dial(t, url, Options{})
	_, _, err := c.ReadMessage(nil)
	if k := Kind(err); k != "eof" && k != "reset" {
		t.Fatalf("got %v (%s)", err, k)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := c.WriteMessage(true, []byte("x")); err == nil {
		t.Fatal("write after close succeeded")
	}
}

func TestParseSockJSFrame(t *testing.T) {
	msgs, err := ParseSockJSFrame([]byte(`a["one","t\u00e9\"x"]`))
	if err != nil || len(msgs) != 2 || string(msgs[0]) != "one" || string(msgs[1]) != "té\"x" {
		t.Fatalf("a frame: %q, %v", msgs, err)
	}
	if msgs, err := ParseSockJSFrame([]byte("h")); err != nil || len(msgs) != 0 {
		t.Fatalf("heartbeat: %q, %v", msgs, err)
	}
	var ce *CloseError
	if _, err := ParseSockJSFrame([]byte(`c[3000,"Go away!"]`)); !errors.As(err, &ce) || ce.Code != 3000 || ce.Reason != "Go away!" {
		t.Fatalf("close frame: %v", err)
	}
	var pe *ProtocolError
	for _, bad := range []string{"", "o", "x", `a["open`, `a[1]`} {
		if _, err := ParseSockJSFrame([]byte(bad)); !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a *ProtocolError", bad, err)
		}
	}
}
