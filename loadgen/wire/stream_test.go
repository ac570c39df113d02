package wire_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/servertest"
)

// startLib runs a registered server in this process.
func startLib(t *testing.T, name string) *servertest.Running {
	t.Helper()
	lib, ok := registry.Lookup(name)
	if !ok {
		t.Fatalf("no library %q", name)
	}
	return servertest.Start(t, lib)
}

// ssePayloads are sent as they are (text) or in base64 (not text).
var ssePayloads = [][]byte{
	[]byte("plain text"),
	{},
	[]byte("é ✓ 𝄞 valid UTF-8"),
	[]byte("line\nbreak"),
	[]byte("carriage\rreturn"),
	{0xff, 0xfe, 0x00, 0x01},
	message(100000), // longer than the read buffer
	bytes.Repeat([]byte{0x80}, 5000),
}

func TestSSEAgainstREST(t *testing.T) {
	srv := startLib(t, "rest")
	base := srv.URL("http", "/broadcast")
	pub := dial(t, base, wire.Options{})
	if err := pub.WriteMessage(false, []byte("marker")); err != nil {
		t.Fatal(err)
	}
	after, ok := wire.Published(pub)
	if !ok {
		t.Fatal("no sequence number for the marker")
	}
	sub := dial(t, base, wire.Options{HTTP: wire.HTTPOptions{Subscribe: wire.SSE, After: after}})
	const n = 500
	want := func(i int) []byte {
		if i < len(ssePayloads) {
			return ssePayloads[i]
		}
		return []byte("message " + strconv.Itoa(i))
	}
	errc := make(chan error, 1)
	go func() {
		for i := range n {
			if err := pub.WriteMessage(false, want(i)); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	var buf []byte
	for i := range n {
		_, p, err := sub.ReadMessage(buf)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !bytes.Equal(p, want(i)) {
			t.Fatalf("message %d: got %.40q, want %.40q", i, p, want(i))
		}
		buf = p
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	st := sub.Stats()
	if st.Requests != 1 || st.Dials != 1 || st.Reconnects != 0 || st.LogGaps != 0 || st.RX < n {
		t.Fatalf("subscriber stats %+v", st)
	}
}

// fakeSSE answers GET /events with the streams in turn (the last one is
// held open until the test ends) and records each request's after=
// parameter and Last-Event-ID header.
func fakeSSE(t *testing.T, streams []string) (url string, seen func() []string) {
	t.Helper()
	var mu sync.Mutex
	var got []string
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := len(got)
		got = append(got, r.URL.RawQuery+" id="+r.Header.Get("Last-Event-ID"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		if i < len(streams) {
			_, _ = w.Write([]byte(streams[i]))
			w.(http.Flusher).Flush()
		}
		if i >= len(streams)-1 {
			select {
			case <-done:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(func() { close(done); srv.CloseClientConnections(); srv.Close() })
	return srv.URL + "/broadcast", func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

func TestSSEReconnectsWithLastEventID(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte("se\nven"))
	url, seen := fakeSSE(t, []string{
		"retry: 10\n: ping\n\nid: 6\ndata: six\n\nid: 7\nevent: b64\ndata: " + b64 + "\n\nid: 8\ndata: partial",
		"id: 8\r\ndata: eight\r\ndata:more\r\n\r\n",
		": ping\n\nid: 9\ndata: nine\n\n",
	})
	sub := dial(t, url, wire.Options{HTTP: wire.HTTPOptions{Subscribe: wire.SSE, After: 5}})
	var got []string
	for range 4 {
		_, p, err := sub.ReadMessage(nil)
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, string(p))
	}
	if strings.Join(got, "|") != "six|se\nven|eight\nmore|nine" {
		t.Fatalf("got %q", got)
	}
	if s := strings.Join(seen(), ", "); s != "after=5 id=, after=5 id=7, after=5 id=8" {
		t.Fatalf("requests: %s", s)
	}
	st := sub.Stats()
	if st.Reconnects != 2 || st.Requests != 3 || st.Dials != 1 {
		t.Fatalf("stats %+v", st)
	}
	// The held stream: a deadline ends the wait.
	_ = sub.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, _, err := sub.ReadMessage(nil); wire.Kind(err) != "timeout" {
		t.Fatalf("deadline: %v", err)
	}
}

func TestSSEStatusAndProtocolErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("after") == "1" {
			http.Error(w, "after=1 is beyond the newest message", http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte("id: x\ndata: y\n\n"))
	}))
	t.Cleanup(srv.Close)
	sub := dial(t, srv.URL+"/broadcast", wire.Options{HTTP: wire.HTTPOptions{Subscribe: wire.SSE, After: 1}})
	if _, _, err := sub.ReadMessage(nil); wire.Kind(err) != "http_400" || !strings.Contains(err.Error(), "beyond") {
		t.Fatalf("status: %v", err)
	}
	sub = dial(t, srv.URL+"/broadcast", wire.Options{HTTP: wire.HTTPOptions{Subscribe: wire.SSE, After: 2}})
	if _, _, err := sub.ReadMessage(nil); wire.Kind(err) != "protocol" {
		t.Fatalf("bad id: %v", err)
	}
}

func TestHTTPNewConnOpensOneConnectionPerRequest(t *testing.T) {
	srv := startLib(t, "rest")
	for _, newConn := range []bool{false, true} {
		o := wire.Options{HTTP: wire.HTTPOptions{NewConnPerRequest: newConn}}
		c := dial(t, srv.URL("http", "/echo"), o)
		var buf []byte
		for i := range 5 {
			if err := c.WriteMessage(true, message(100*i)); err != nil {
				t.Fatal(err)
			}
			_, p, err := c.ReadMessage(buf)
			if err != nil || !bytes.Equal(p, message(100*i)) {
				t.Fatalf("echo %d: %d bytes, %v", i, len(p), err)
			}
			buf = p
		}
		want := int64(1)
		if newConn {
			want = 5
		}
		if st := c.Stats(); st.Requests != 5 || st.Dials != want {
			t.Fatalf("echo, new connection per request %v: %+v", newConn, st)
		}

		pub := dial(t, srv.URL("http", "/broadcast"), o)
		for range 3 {
			if err := pub.WriteMessage(false, []byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		seq, _ := wire.Published(pub)
		if st := pub.Stats(); st.Requests != 3 || (newConn && st.Dials != 3) || (!newConn && st.Dials != 1) {
			t.Fatalf("publish, new connection per request %v: %+v", newConn, st)
		}
		o.HTTP.After, o.HTTP.PollInterval = seq-3, time.Millisecond
		sub := dial(t, srv.URL("http", "/broadcast"), o)
		for range 3 {
			if _, _, err := sub.ReadMessage(nil); err != nil {
				t.Fatal(err)
			}
		}
		if st := sub.Stats(); (newConn && st.Dials != st.Requests) || (!newConn && st.Dials != 1) {
			t.Fatalf("poll, new connection per request %v: %+v", newConn, st)
		}
		// SSE: one stream, one connection, either way.
		o.HTTP.Subscribe = wire.SSE
		sse := dial(t, srv.URL("http", "/broadcast"), o)
		for range 3 {
			if _, _, err := sse.ReadMessage(nil); err != nil {
				t.Fatal(err)
			}
		}
		if st := sse.Stats(); st.Dials != 1 || st.Requests != 1 {
			t.Fatalf("sse, new connection per request %v: %+v", newConn, st)
		}
	}
}

// waitConns waits until the server counts n connections.
func waitConns(t *testing.T, r *servertest.Running, n int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for r.Env.Stats.ConnsNow.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the server counts %d connections, want %d", r.Env.Stats.ConnsNow.Load(), n)
		}
		time.Sleep(2 * time.Millisecond) // no event to wait for
	}
}

func TestSockJSXHRAgainstServer(t *testing.T) {
	for _, tr := range []wire.Transport{wire.XHRStreaming, wire.XHRPolling} {
		t.Run(string(tr), func(t *testing.T) {
			// A server per transport: an xhr session of the other subtest
			// lingers for SockJS's disconnect delay and would move the
			// connection count this one waits on.
			srv := startLib(t, "sockjs")
			// Echo: several messages in one xhr_send.
			echo := dial(t, srv.URL("ws", "/echo"), wire.Options{Proto: wire.SockJS, Transport: tr})
			_ = echo.SetWriteDeadline(time.Now().Add(5 * time.Second))
			msgs := []string{"plain", `quote " and \ backslash`, "é ✓ 𝄞", "", strings.Repeat("y", 70000)}
			for _, m := range msgs {
				if err := echo.QueueMessage(false, []byte(m)); err != nil {
					t.Fatal(err)
				}
			}
			if err := echo.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if _, p, err := echo.ReadMessage(nil); err != nil || string(p) != m {
					t.Fatalf("echo: want %.40q, got %.40q %v", m, p, err)
				}
			}

			// Broadcast: a websocket publisher, this subscriber; more than
			// the server's 128 KiB response limit.
			base := srv.Env.Stats.ConnsNow.Load()
			sub := dial(t, srv.URL("ws", "/broadcast"), wire.Options{Proto: wire.SockJS, Transport: tr})
			pub := dial(t, srv.URL("ws", "/broadcast"), wire.Options{Proto: wire.SockJS})
			waitConns(t, srv, base+2)
			go func() { // the publisher receives its own messages: drop them
				for {
					if _, _, err := pub.ReadMessage(nil); err != nil {
						return
					}
				}
			}()
			// 300 messages in chunks of 100: the publisher waits until the
			// subscriber has each chunk, so that a polling subscriber's queue
			// (256 on the server) never fills and the slow-client policy
			// (1008) does not end the test.
			const n, chunk = 300, 100
			errc := make(chan error, 1)
			chunkRead := make(chan struct{}, n/chunk)
			go func() {
				for i := range n {
					if i > 0 && i%chunk == 0 {
						<-chunkRead
					}
					if err := pub.WriteMessage(false, fmt.Appendf(message(1000), "%d", i)); err != nil {
						errc <- err
						return
					}
				}
				errc <- nil
			}()
			before := sub.Stats()
			var buf []byte
			for i := range n {
				_, p, err := sub.ReadMessage(buf)
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if want := fmt.Appendf(message(1000), "%d", i); !bytes.Equal(p, want) {
					t.Fatalf("message %d: got %.40q", i, p)
				}
				buf = p
				if (i+1)%chunk == 0 {
					chunkRead <- struct{}{}
				}
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			st := sub.Stats()
			reqs := st.Requests - before.Requests
			// 300 KB through a 128 KiB response limit: the stream is reopened,
			// but how often depends on how the server batched what queued
			// while no request was open (one write may carry more than the
			// limit); what must not happen is a request per message.
			if tr == wire.XHRStreaming && reqs > 5 {
				t.Fatalf("streaming: %d requests for %d messages (%+v)", reqs, n, st)
			}
			if tr == wire.XHRPolling && (reqs < 2 || reqs > n+st.Refused) {
				t.Fatalf("polling: %d requests for %d messages (%+v)", reqs, n, st)
			}
			if st.Dials != 1 || st.RX-before.RX < n*1000 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// cannedServer answers every HTTP request on a raw socket with the next
// of responses (the last one again and again), writing with
// preallocated buffers so that the server side allocates nothing.
func cannedServer(t *testing.T, responses ...[]byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { nc.Close() })
			wg.Add(1)
			go func() {
				defer wg.Done()
				br := bufio.NewReader(nc)
				for i := 0; ; i++ {
					for { // request head; the requests have no body
						line, err := br.ReadSlice('\n')
						if err != nil {
							return
						}
						if len(line) <= 2 {
							break
						}
					}
					if _, err := nc.Write(responses[min(i, len(responses)-1)]); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// chunked is a 200 response whose body is the chunks, ended.
func chunked(chunks ...string) []byte {
	b := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
	for _, c := range chunks {
		b = fmt.Appendf(b, "%x\r\n%s\r\n", len(c), c)
	}
	return append(b, "0\r\n\r\n"...)
}

func sized(body string) []byte {
	return fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}

func TestStreamsNoAllocationPerMessage(t *testing.T) {
	msg := string(message(1024))
	var events, frames []string
	for i := range 400 {
		events = append(events, fmt.Sprintf("id: %d\ndata: %s\n\n", i+1, msg))
		frames = append(frames, `a["`+msg+`"]`+"\n")
	}
	prelude := strings.Repeat("h", wire.PreludeLen) + "\n"
	cases := []struct {
		name string
		url  string
		o    wire.Options
	}{
		{"sse", "http://" + cannedServer(t, chunked(events...)) + "/broadcast", wire.Options{HTTP: wire.HTTPOptions{Subscribe: wire.SSE}}},
		{"xhr-streaming", "ws://" + cannedServer(t,
			chunked(append([]string{prelude, "o\n"}, frames[:50]...)...),
			chunked(append([]string{prelude}, frames[:50]...)...)) + "/broadcast",
			wire.Options{Proto: wire.SockJS, Transport: wire.XHRStreaming}},
		{"xhr-polling", "ws://" + cannedServer(t, sized("o\n"), sized("h\n"), sized(frames[0])) + "/broadcast",
			wire.Options{Proto: wire.SockJS, Transport: wire.XHRPolling}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sub := dial(t, c.url, c.o)
			buf := make([]byte, 0, 2048)
			allocs := testing.AllocsPerRun(300, func() {
				_, p, err := sub.ReadMessage(buf)
				if err != nil || string(p) != msg {
					t.Fatalf("%d bytes, %v", len(p), err)
				}
			})
			if allocs != 0 {
				t.Fatalf("%v allocations per message", allocs)
			}
		})
	}
}

func TestXHRRefusedAndClosed(t *testing.T) {
	prelude := strings.Repeat("h", wire.PreludeLen) + "\n"
	refused := `c[2010,"Another connection still open"]` + "\n"
	cases := []struct {
		tr        wire.Transport
		responses [][]byte
	}{
		{wire.XHRPolling, [][]byte{sized("o\n"), sized(`a["x"]` + "\n"), sized(refused), sized(refused), sized(`a["y","z"]` + "\n"), sized(`c[3000,"bye"]` + "\n")}},
		{wire.XHRStreaming, [][]byte{chunked(prelude, "o\n", `a["x"]`+"\n"), chunked(prelude, refused), chunked(prelude, refused),
			chunked(prelude, "h\n", `a["y"]`+"\n", `a["z"]`+"\n"), chunked(prelude, `c[3000,"bye"]`+"\n")}},
	}
	for _, c := range cases {
		t.Run(string(c.tr), func(t *testing.T) {
			sub := dial(t, "ws://"+cannedServer(t, c.responses...)+"/broadcast", wire.Options{Proto: wire.SockJS, Transport: c.tr})
			var got []string
			for range 3 {
				_, p, err := sub.ReadMessage(nil)
				if err != nil {
					t.Fatalf("after %q: %v", got, err)
				}
				got = append(got, string(p))
			}
			if strings.Join(got, ",") != "x,y,z" {
				t.Fatalf("got %q", got)
			}
			_, _, err := sub.ReadMessage(nil)
			if wire.Kind(err) != "closed_3000" {
				t.Fatalf("close: %v", err)
			}
			if _, _, err2 := sub.ReadMessage(nil); wire.Kind(err2) != "closed_3000" {
				t.Fatalf("after close: %v", err2)
			}
			st := sub.Stats()
			if st.Refused != 2 || st.Requests != int64(len(c.responses)) || st.Dials != 1 || (c.tr == wire.XHRPolling && st.EmptyPolls != 2) {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// The internal tests' helpers (wire_test.go), through export_test.go.
var (
	dial    = wire.DialForTest
	message = wire.MessageForTest
)
