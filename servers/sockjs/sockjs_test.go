package sockjs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/igm/sockjs-go/v3/sockjs"

	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// These tests speak SockJS framing directly (o, h, a[...], c[...]) over
// the websocket transport and the HTTP transports, below the shared
// conformance suite's dialect.

var sessionSeq atomic.Int64

// start runs the server with options opts; tune may change the Env's
// limits before the server is built.
func start(t *testing.T, opts sockjs.Options, tune func(*server.Env)) *servertest.Running {
	t.Helper()
	return servertest.Start(t, server.Library{
		Name:  "sockjs",
		Proto: server.ProtoSockJS,
		New: func(env *server.Env) server.Server {
			if tune != nil {
				tune(env)
			}
			return newServer(env, opts)
		},
	})
}

func sessionURL(scheme string, r *servertest.Running, path, transport string) string {
	return fmt.Sprintf("%s://%s%s/000/s%d/%s", scheme, r.Addr, path, sessionSeq.Add(1), transport)
}

// dialWS opens a websocket-transport session and checks the open frame.
func dialWS(t *testing.T, r *servertest.Running, path string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, resp, err := d.Dial(sessionURL("ws", r, path, "websocket"), nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	expectFrame(t, c, "o")
	return c
}

// readFrame returns the next text frame, skipping heartbeats unless
// wantHeartbeat.
func readFrame(t *testing.T, c *websocket.Conn, wantHeartbeat bool) string {
	t.Helper()
	for {
		mt, p, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("read frame: %v", err)
		}
		if mt != websocket.TextMessage {
			t.Fatalf("frame of type %d, want text", mt)
		}
		if string(p) == "h" && !wantHeartbeat {
			continue
		}
		return string(p)
	}
}

func expectFrame(t *testing.T, c *websocket.Conn, want string) {
	t.Helper()
	if got := readFrame(t, c, false); got != want {
		t.Fatalf("frame %.80q, want %.80q", got, want)
	}
}

func sendFrame(t *testing.T, c *websocket.Conn, frame string) {
	t.Helper()
	if err := c.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		t.Fatalf("send %.40q: %v", frame, err)
	}
}

// expectEnd checks that the connection ends without another frame.
func expectEnd(t *testing.T, c *websocket.Conn) {
	t.Helper()
	if mt, p, err := c.ReadMessage(); err == nil {
		t.Fatalf("frame (type %d) %.80q after the close frame", mt, p)
	} else if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
		t.Fatalf("connection still open after the close frame")
	}
}

func TestWebsocketFraming(t *testing.T) {
	r := start(t, options(Production), nil)
	c := dialWS(t, r, server.PathEcho)
	// One client frame may carry several messages; each comes back in its
	// own frame, in order, JSON-escaped as needed.
	sendFrame(t, c, `["hello","w\u00f6rld \"q\" \\ \n",""]`)
	expectFrame(t, c, `a["hello"]`)
	expectFrame(t, c, `a["wörld \"q\" \\ \n"]`)
	expectFrame(t, c, `a[""]`)
	servertest.Eventually(t, 5*time.Second, "3 messages counted", func() bool {
		st := servertest.Stats(t, r.Addr)
		return st.ConnsNow == 1 && st.MsgsIn == 3 && st.MsgsOut == 3
	})
	// Shutdown closes the session with a SockJS close frame, then the
	// connection.
	stopped := stopAsync(r)
	expectFrame(t, c, `c[1001,"server shutting down"]`)
	expectEnd(t, c)
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// stopAsync shuts the server down in the background; the test must
// receive from the result before it ends.
func stopAsync(r *servertest.Running) <-chan error {
	done := make(chan error, 1)
	go func() { done <- r.Stop() }()
	return done
}

func TestHeartbeat(t *testing.T) {
	opts := options(Production)
	opts.HeartbeatDelay = 50 * time.Millisecond
	r := start(t, opts, nil)
	c := dialWS(t, r, server.PathBroadcast)
	for range 2 {
		if got := readFrame(t, c, true); got != "h" {
			t.Fatalf("frame %q, want heartbeat", got)
		}
	}
}

func TestOversizedWebsocket(t *testing.T) {
	const limit = 1000
	r := start(t, options(Production), func(env *server.Env) { env.MaxMessageSize = limit })
	for _, path := range []string{server.PathEcho, server.PathBroadcast} {
		c := dialWS(t, r, path)
		fits := strings.Repeat("x", limit)
		sendFrame(t, c, `["`+fits+`"]`)
		expectFrame(t, c, `a["`+fits+`"]`)
		sendFrame(t, c, `["`+fits+`x"]`)
		expectFrame(t, c, `c[1009,"message too big"]`)
		expectEnd(t, c)
	}
	servertest.Eventually(t, 5*time.Second, "sessions released", func() bool {
		return servertest.Stats(t, r.Addr).ConnsNow == 0
	})
}

// TestWebsocketChecks covers the checks the adapter adds on the websocket
// transport (server.Guard): text that is not UTF-8, a close reason that is
// not UTF-8, and a frame whose header declares more than the limit plus
// JSON framing, answered before its payload comes.
func TestWebsocketChecks(t *testing.T) {
	const limit = 1000
	r := start(t, options(Production), func(env *server.Env) { env.MaxMessageSize = limit })
	cases := []struct {
		name string
		send func(*websocket.Conn)
		want string
	}{
		{"text not UTF-8", func(c *websocket.Conn) { sendFrame(t, c, "[\"ab\xffcd\"]") }, `c[1007,"invalid UTF-8"]`},
		{"close reason not UTF-8", func(c *websocket.Conn) {
			msg := append(websocket.FormatCloseMessage(1000, "x"), 0xff)
			if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(5*time.Second)); err != nil {
				t.Fatal(err)
			}
		}, `c[1007,"invalid UTF-8"]`},
		{"header over the limit", func(c *websocket.Conn) {
			// Masked text frame declaring limit+sendSlack+1 bytes, then
			// only its first bytes: no payload is waited for.
			n := uint64(limit + sendSlack + 1)
			h := []byte{0x81, 0x80 | 127, 0, 0, 0, 0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 0, 0, 0, 0, '[', '"'}
			if _, err := c.NetConn().Write(h); err != nil {
				t.Fatal(err)
			}
		}, `c[1009,"message too big"]`},
	}
	for _, tc := range cases {
		c := dialWS(t, r, server.PathEcho)
		tc.send(c)
		if got := readFrame(t, c, false); got != tc.want {
			t.Errorf("%s: frame %.80q, want %q", tc.name, got, tc.want)
		}
		expectEnd(t, c)
		c.Close()
	}
	if got := servertest.Stats(t, r.Addr).MsgsIn; got != 0 {
		t.Errorf("msgs_in %d, want 0", got)
	}
}

// TestCloseAnswer pins down what a client-initiated close gets: SockJS
// sends no "c" frame for a session the client ended; the websocket layer
// (gorilla's default close handler) echoes the client's code.
func TestCloseAnswer(t *testing.T) {
	r := start(t, options(Production), nil)
	c := dialWS(t, r, server.PathEcho)
	msg := websocket.FormatCloseMessage(4000, "bye")
	if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	_, p, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4000 {
		t.Fatalf("answer to close: frame %q, error %v; want a close frame with 4000", p, err)
	}
	servertest.Eventually(t, 5*time.Second, "session released", func() bool {
		return servertest.Stats(t, r.Addr).ConnsNow == 0
	})
}

// TestSlowSubscriberKick checks that a websocket client that stops reading
// is cut off promptly once its queue is full, although sockjs-go's Send
// blocks with no write deadline.
func TestSlowSubscriberKick(t *testing.T) {
	r := start(t, options(Production), func(env *server.Env) { env.SendQueue = 4 })
	pub := dialWS(t, r, server.PathBroadcast)
	slow := dialWS(t, r, server.PathBroadcast)
	servertest.Eventually(t, 5*time.Second, "both subscribed", func() bool {
		return servertest.Stats(t, r.Addr).ConnsNow == 2
	})
	// The publisher reads its own broadcast of each message before it sends
	// the next, so that it is never more than one message behind, however
	// loaded the machine: only slow falls behind. 16 MiB: well beyond what
	// the socket buffers (at most 4 MiB at the server, tcp_wmem's default
	// maximum) and the queue hold.
	const msgs = 64
	pub.SetReadDeadline(time.Now().Add(120 * time.Second))
	pub.SetWriteDeadline(time.Now().Add(120 * time.Second))
	big := `["` + strings.Repeat("y", 256<<10) + `"]`
	for range msgs {
		sendFrame(t, pub, big)
		if f := readFrame(t, pub, false); len(f) != len(big)+1 { // a["..."]
			t.Fatalf("publisher: got a frame of %d bytes, want its broadcast", len(f))
		}
	}
	servertest.Eventually(t, 60*time.Second, "slow subscriber dropped", func() bool {
		return servertest.Stats(t, r.Addr).SlowDisconnects == 1
	})
	// Its Send is blocked with no write deadline: only the kick's cut of
	// the TCP connection can release the session.
	servertest.Eventually(t, 30*time.Second, "slow session released", func() bool {
		return servertest.Stats(t, r.Addr).ConnsNow == 1
	})
	// The slow client reads what was buffered, then the connection ends.
	slow.SetReadDeadline(time.Now().Add(30 * time.Second))
	n := 0
	for {
		_, _, err := slow.ReadMessage()
		if err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatalf("slow client still connected after %d frames", n)
			}
			break
		}
		n++
	}
	if n >= msgs {
		t.Errorf("slow client got all %d messages", n)
	}
}

// httpc is the client for the HTTP transports; every request carries its
// own deadline through its context.
var httpc = &http.Client{}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := httpc.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("POST %s: reading body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

func expectPost(t *testing.T, url, body string, wantStatus int, wantBody string) {
	t.Helper()
	status, got := post(t, url, body)
	if status != wantStatus || got != wantBody {
		t.Fatalf("POST %s: %d %.80q, want %d %.80q", url, status, got, wantStatus, wantBody)
	}
}

// anotherConnection is sockjs-go's answer to a poll that finds the
// session's previous receiver still attached (protocol code 2010). The
// library detaches a finished poll's receiver in a goroutine of its own,
// so a client that polls again at once can get this answer even though
// its previous poll has ended: the documented sockjs-go xhr race. The
// session is unaffected and the next poll is served normally.
const anotherConnection = `c[2010,"Another connection still open"]` + "\n"

// expectPoll sends an xhr-polling request to url and expects
// wantBody. A 2010 answer (see anotherConnection) is the race above, not a
// failure: the poll is repeated, at most maxPolls times.
func expectPoll(t *testing.T, url, wantBody string) {
	t.Helper()
	const maxPolls = 1000
	for range maxPolls {
		status, got := post(t, url, "")
		if status == http.StatusOK && got == anotherConnection && wantBody != anotherConnection {
			continue
		}
		if status != http.StatusOK || got != wantBody {
			t.Fatalf("POST %s: %d %.80q, want 200 %.80q", url, status, got, wantBody)
		}
		return
	}
	t.Fatalf("POST %s: answered %q %d times in a row", url, anotherConnection, maxPolls)
}

func TestXHRPolling(t *testing.T) {
	r := start(t, options(Production), nil)
	base := strings.TrimSuffix(sessionURL("http", r, server.PathEcho, "xhr"), "/xhr")
	expectPost(t, base+"/xhr", "", http.StatusOK, "o\n")
	expectPost(t, base+"/xhr_send", `["msg"]`, http.StatusNoContent, "")
	expectPoll(t, base+"/xhr", `a["msg"]`+"\n")
	// Two messages sent between polls come back in one frame.
	expectPost(t, base+"/xhr_send", `["one","two"]`, http.StatusNoContent, "")
	servertest.Eventually(t, 5*time.Second, "both echoed", func() bool {
		return servertest.Stats(t, r.Addr).MsgsOut == 3
	})
	expectPoll(t, base+"/xhr", `a["one","two"]`+"\n")
	st := servertest.Stats(t, r.Addr)
	if st.ConnsNow != 1 || st.ConnsTotal != 1 || st.MsgsIn != 3 {
		t.Errorf("stats %+v, want 1 session and 3 messages in", st)
	}
}

func TestXHRSendTooBig(t *testing.T) {
	const limit = 1000
	r := start(t, options(Production), func(env *server.Env) { env.MaxMessageSize = limit })
	x := strings.Repeat("x", limit)

	// A message over the limit in a body the library may read.
	base := strings.TrimSuffix(sessionURL("http", r, server.PathEcho, "xhr"), "/xhr")
	expectPost(t, base+"/xhr", "", http.StatusOK, "o\n")
	expectPost(t, base+"/xhr_send", `["`+x+`"]`, http.StatusNoContent, "")
	expectPoll(t, base+"/xhr", `a["`+x+`"]`+"\n")
	expectPost(t, base+"/xhr_send", `["`+x+`x"]`, http.StatusNoContent, "")
	expectPoll(t, base+"/xhr", `c[1009,"message too big"]`+"\n")

	// A body over the limit plus framing, with and without a length.
	huge := `["` + strings.Repeat("z", limit+sendSlack) + `"]`
	for _, chunked := range []bool{false, true} {
		base := strings.TrimSuffix(sessionURL("http", r, server.PathEcho, "xhr"), "/xhr")
		expectPost(t, base+"/xhr", "", http.StatusOK, "o\n")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var body io.Reader = strings.NewReader(huge)
		if chunked {
			body = io.MultiReader(body) // hides the length: sent chunked
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/xhr_send", body)
		resp, err := httpc.Do(req)
		if err != nil {
			cancel()
			t.Fatalf("chunked=%v: %v", chunked, err)
		}
		resp.Body.Close()
		cancel()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("chunked=%v: status %d, want 413", chunked, resp.StatusCode)
		}
		expectPoll(t, base+"/xhr", `c[1009,"message too big"]`+"\n")
	}
	if got := servertest.Stats(t, r.Addr).MsgsIn; got != 1 {
		t.Errorf("msgs_in %d, want 1", got)
	}
}

// stream opens a streaming transport and returns its body reader.
func stream(t *testing.T, method, url string) *bufio.Reader {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := httpc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: status %d", method, url, resp.StatusCode)
	}
	return bufio.NewReader(resp.Body)
}

func expectRead(t *testing.T, br *bufio.Reader, want string) {
	t.Helper()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(br, got); err != nil || string(got) != want {
		t.Fatalf("read %.80q (%v), want %.80q", got, err, want)
	}
}

func TestXHRStreaming(t *testing.T) {
	r := start(t, options(Production), nil)
	url := sessionURL("http", r, server.PathEcho, "xhr_streaming")
	br := stream(t, http.MethodPost, url)
	expectRead(t, br, strings.Repeat("h", 2048)+"\n")
	expectRead(t, br, "o\n")
	base := strings.TrimSuffix(url, "/xhr_streaming")
	expectPost(t, base+"/xhr_send", `["x"]`, http.StatusNoContent, "")
	expectRead(t, br, `a["x"]`+"\n")
	stopped := stopAsync(r)
	expectRead(t, br, `c[1001,"server shutting down"]`+"\n")
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

func TestEventSource(t *testing.T) {
	r := start(t, options(Production), nil)
	url := sessionURL("http", r, server.PathBroadcast, "eventsource")
	br := stream(t, http.MethodGet, url)
	expectRead(t, br, "\r\n")
	expectRead(t, br, "data: o\r\n\r\n")
	// A websocket subscriber's message reaches the eventsource session.
	c := dialWS(t, r, server.PathBroadcast)
	servertest.Eventually(t, 5*time.Second, "both subscribed", func() bool {
		return servertest.Stats(t, r.Addr).ConnsNow == 2
	})
	sendFrame(t, c, `["x",""]`)
	expectFrame(t, c, `a["x"]`)
	expectFrame(t, c, `a[""]`)
	expectRead(t, br, `data: a["x"]`+"\r\n\r\n")
	expectRead(t, br, `data: a[""]`+"\r\n\r\n")
}

func TestSessionID(t *testing.T) {
	for in, want := range map[string]string{
		"/000/abc/xhr_send":   "abc",
		"/a/b/jsonp_send":     "b",
		"/000/abc":            "",
		"/000/abc/x/xhr_send": "",
		"":                    "",
	} {
		if got := sessionID(in); got != want {
			t.Errorf("sessionID(%q) = %q, want %q", in, got, want)
		}
	}
}
