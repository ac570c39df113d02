package servertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/wsbench/wsbench/servers/server"
)

// deflateMessages is how many messages Deflate echoes: enough for context
// takeover to carry a window from one message to the next.
const deflateMessages = 8

// deflateTimeout bounds every handshake, read and write of Deflate.
const deflateTimeout = 10 * time.Second

// Deflate starts lib's server in variant d and checks, with a client that
// offers permessage-deflate as a browser does (coder/websocket's client
// with context takeover, which accepts any parameters the server answers
// with), that the extension is negotiated as d says (off: no extension;
// no-context-takeover: both no_context_takeover parameters; takeover:
// neither), that compressible messages are echoed intact, and, when it is
// on, that the server's answers came compressed: fewer bytes on the wire
// than the payloads they carried.
func Deflate(t *testing.T, lib server.Library, d server.Deflate) {
	t.Helper()
	env := server.NewEnv()
	env.Deflate = d
	r := StartEnv(t, lib, env)

	var wireIn atomic.Int64
	dialer := &net.Dialer{Timeout: deflateTimeout}
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: nc, in: &wireIn}, nil
		},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), deflateTimeout)
	defer cancel()
	path := server.PathEcho
	if lib.Proto == server.ProtoSockJS {
		path += "/000/deflate/websocket"
	}
	c, resp, err := websocket.Dial(ctx, r.URL("ws", path), &websocket.DialOptions{
		HTTPClient:      hc,
		CompressionMode: websocket.CompressionContextTakeover,
	})
	if err != nil {
		t.Fatalf("%s (%s): dial: %v", lib.Name, d, err)
	}
	defer c.CloseNow()
	c.SetReadLimit(server.MaxMessageSize)
	if err := checkExtension(resp.Header.Get("Sec-WebSocket-Extensions"), d); err != nil {
		t.Fatalf("%s (%s): %v", lib.Name, d, err)
	}
	afterHandshake := wireIn.Load()

	if lib.Proto == server.ProtoSockJS {
		if typ, p, err := c.Read(ctx); err != nil || typ != websocket.MessageText || string(p) != "o" {
			t.Fatalf("%s (%s): sockjs open frame: %q %v", lib.Name, d, p, err)
		}
		afterHandshake = wireIn.Load()
	}
	var payload int64
	for i := range deflateMessages {
		msg := deflateDoc(i)
		send, want, typ := msg, msg, websocket.MessageBinary
		if lib.Proto == server.ProtoSockJS {
			arr, _ := json.Marshal([]string{string(msg)})
			send, want, typ = arr, append([]byte("a"), arr...), websocket.MessageText
		}
		if err := c.Write(ctx, typ, send); err != nil {
			t.Fatalf("%s (%s): write %d: %v", lib.Name, d, i, err)
		}
		gotTyp, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("%s (%s): read %d: %v", lib.Name, d, i, err)
		}
		if gotTyp != typ || string(got) != string(want) {
			t.Fatalf("%s (%s): message %d came back as %v of %d bytes, want %v of %d", lib.Name, d, i, gotTyp, len(got), typ, len(want))
		}
		payload += int64(len(want))
	}
	wire := wireIn.Load() - afterHandshake
	if d.On() && wire >= payload/2 {
		t.Errorf("%s (%s): %d bytes on the wire for %d bytes of compressible payload: the server's messages were not compressed", lib.Name, d, wire, payload)
	}
	if !d.On() && wire < payload {
		t.Errorf("%s (%s): %d bytes on the wire for %d bytes of payload with compression off", lib.Name, d, wire, payload)
	}
	_ = c.Close(websocket.StatusNormalClosure, "")
}

// checkExtension checks the server's Sec-WebSocket-Extensions answer
// against the variant it was started in.
func checkExtension(ext string, d server.Deflate) error {
	params := map[string]bool{}
	for i, p := range strings.Split(ext, ";") {
		p = strings.TrimSpace(p)
		if i == 0 {
			if p != "" && p != "permessage-deflate" {
				return fmt.Errorf("answered extension %q", ext)
			}
			continue
		}
		name, _, _ := strings.Cut(p, "=")
		params[name] = true
	}
	switch {
	case !d.On():
		if ext != "" {
			return fmt.Errorf("compression off, but the server answered %q", ext)
		}
	case ext == "":
		return fmt.Errorf("permessage-deflate offered, but not negotiated")
	case d.ContextTakeover() && (params["server_no_context_takeover"] || params["client_no_context_takeover"]):
		return fmt.Errorf("context takeover asked for, but the server answered %q", ext)
	case !d.ContextTakeover() && !(params["server_no_context_takeover"] && params["client_no_context_takeover"]):
		return fmt.Errorf("no context takeover asked for, but the server answered %q", ext)
	}
	return nil
}

// deflateDoc is the i-th test message: a JSON document of a few KiB that
// deflate compresses well, different for each i.
func deflateDoc(i int) []byte {
	type item struct {
		ID    int    `json:"id"`
		User  string `json:"user"`
		Room  string `json:"room"`
		Text  string `json:"text"`
		Likes int    `json:"likes"`
	}
	items := make([]item, 40)
	for j := range items {
		items[j] = item{ID: i*len(items) + j, User: fmt.Sprintf("user%03d", (i+j)%17), Room: "general", Text: "the quick brown fox jumps over the lazy dog", Likes: j % 5}
	}
	b, _ := json.Marshal(items)
	return b
}

// countingConn counts the bytes read from the server.
type countingConn struct {
	net.Conn
	in *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}
