package wire

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	gorilla "github.com/gorilla/websocket"
)

// coderServer echoes on a coder/websocket server with compression mode m.
func coderServer(t *testing.T, m websocket.CompressionMode) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: m, CompressionThreshold: 1})
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		ctx := context.Background()
		for {
			typ, p, err := c.Read(ctx)
			if err != nil {
				return
			}
			if err := c.Write(ctx, typ, p); err != nil {
				return
			}
		}
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/echo"
}

// compressingGorilla echoes on a gorilla server that negotiates
// permessage-deflate (no context takeover).
func compressingGorilla(t *testing.T) string {
	t.Helper()
	up := gorilla.Upgrader{EnableCompression: true, CheckOrigin: func(*http.Request) bool { return true }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		echoHandler(c)
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/echo"
}

// jsonDoc is a compressible message, different for each i.
func jsonDoc(i, n int) []byte {
	var b bytes.Buffer
	for j := 0; b.Len() < n; j++ {
		fmt.Fprintf(&b, `{"id":%d,"user":"user%02d","text":"hello from room %d"},`, i*1000+j, j%13, (i+j)%7)
	}
	return b.Bytes()
}

func TestDeflateEcho(t *testing.T) {
	random := make([]byte, 8<<10)
	_, _ = rand.Read(random)
	for _, tc := range []struct {
		name  string
		url   string
		offer Deflate
		want  string // negotiated
	}{
		{"gorilla no takeover", compressingGorilla(t), DeflateContextTakeover, string(DeflateNoContextTakeover)},
		{"coder takeover", coderServer(t, websocket.CompressionContextTakeover), DeflateContextTakeover, string(DeflateContextTakeover)},
		{"coder asked no takeover", coderServer(t, websocket.CompressionContextTakeover), DeflateNoContextTakeover, string(DeflateNoContextTakeover)},
		{"coder no takeover", coderServer(t, websocket.CompressionNoContextTakeover), DeflateContextTakeover, string(DeflateNoContextTakeover)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, tc.url, Options{Deflate: tc.offer, DeflateRequired: true})
			if got := c.Stats().Deflate; got != tc.want {
				t.Fatalf("negotiated %q, want %q", got, tc.want)
			}
			var buf []byte
			var sent int64
			for i := range 20 {
				msg := jsonDoc(i, 100+i*900)
				if i == 19 {
					msg = random
				}
				if err := c.WriteMessage(i%2 == 0, msg); err != nil {
					t.Fatalf("write %d: %v", i, err)
				}
				bin, p, err := c.ReadMessage(buf)
				if err != nil {
					t.Fatalf("read %d: %v", i, err)
				}
				if bin != (i%2 == 0) || !bytes.Equal(p, msg) {
					t.Fatalf("message %d: got %d bytes (binary %v), want %d (binary %v)", i, len(p), bin, len(msg), i%2 == 0)
				}
				buf = p
				sent += int64(len(msg))
			}
			st := c.Stats()
			if st.PayloadTX != sent || st.PayloadRX != sent {
				t.Fatalf("payload counted tx %d rx %d, want %d each", st.PayloadTX, st.PayloadRX, sent)
			}
			// The JSON compresses: fewer bytes on the wire than payload,
			// even with the random message and the handshake counted.
			if st.TX >= st.PayloadTX || st.RX >= st.PayloadRX {
				t.Fatalf("wire tx %d rx %d for payload %d: not compressed", st.TX, st.RX, sent)
			}
		})
	}
}

func TestDeflateDeclined(t *testing.T) {
	url := gorillaServer(t, 0, echoHandler) // no compression
	c := dial(t, url, Options{Deflate: DeflateContextTakeover})
	if got := c.Stats().Deflate; got != "" {
		t.Fatalf("negotiated %q with a server that declines", got)
	}
	msg := jsonDoc(1, 2000)
	if err := c.WriteMessage(true, msg); err != nil {
		t.Fatal(err)
	}
	if _, p, err := c.ReadMessage(nil); err != nil || !bytes.Equal(p, msg) {
		t.Fatalf("echo: %v", err)
	}
	if st := c.Stats(); st.PayloadTX != 0 || st.TX < int64(len(msg)) {
		t.Fatalf("stats %+v: plain messages must go uncompressed and uncounted as payload", st)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := Dial(ctx, url, Options{Deflate: DeflateContextTakeover, DeflateRequired: true}); err == nil {
		t.Fatal("DeflateRequired: dial succeeded with a server that declines")
	}
}

func TestParseDeflateAnswer(t *testing.T) {
	for _, tc := range []struct {
		ext   string
		offer Deflate
		want  string // negotiated, or "error", or "" for declined
	}{
		{"", DeflateContextTakeover, ""},
		{"permessage-deflate", DeflateContextTakeover, "context-takeover"},
		{"permessage-deflate; server_no_context_takeover; client_no_context_takeover", DeflateContextTakeover, "no-context-takeover"},
		{"permessage-deflate; server_no_context_takeover", DeflateContextTakeover, "server-no-context-takeover"},
		{"permessage-deflate", DeflateNoContextTakeover, "client-no-context-takeover"},
		{"permessage-deflate; client_max_window_bits=15; server_max_window_bits=10", DeflateContextTakeover, "context-takeover"},
		{"permessage-deflate; client_max_window_bits=12", DeflateContextTakeover, "error"},
		{"permessage-deflate; client_max_window_bits", DeflateContextTakeover, "error"},
		{"permessage-deflate; server_max_window_bits=16", DeflateContextTakeover, "error"},
		{"permessage-deflate; x_unknown", DeflateContextTakeover, "error"},
		{"permessage-deflate; server_no_context_takeover; server_no_context_takeover", DeflateContextTakeover, "error"},
		{"permessage-deflate, permessage-deflate", DeflateContextTakeover, "error"},
		{"x-webkit-deflate-frame", DeflateContextTakeover, "error"},
		{"permessage-deflate", DeflateOff, "error"},
	} {
		p, ok, err := parseDeflateAnswer(tc.ext, tc.offer)
		got := ""
		switch {
		case err != nil:
			got = "error"
		case ok:
			got = p.String()
		}
		if got != tc.want {
			t.Errorf("answer %q to %s: %s (err %v), want %s", tc.ext, tc.offer, got, err, tc.want)
		}
	}
}

// TestDeflaterNoAllocation: once warmed up, compressing and inflating a
// message allocates nothing, with and without context takeover.
func TestDeflaterNoAllocation(t *testing.T) {
	for _, p := range []deflateParams{{}, {serverNoTakeover: true, clientNoTakeover: true}} {
		t.Run(p.String(), func(t *testing.T) {
			tx, rx := newDeflater(p), newDeflater(p)
			msgs := [][]byte{jsonDoc(1, 16<<10), jsonDoc(2, 16<<10)}
			var out []byte
			i := 0
			round := func() {
				msg := msgs[i%2]
				i++
				z, err := tx.compress(msg)
				if err != nil {
					t.Fatal(err)
				}
				if out, err = rx.inflate(out, z, 1<<20); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out, msg) {
					t.Fatalf("message %d did not survive the round trip", i)
				}
			}
			for range 4 {
				round()
			}
			if raceEnabled {
				t.Skip("allocation counts do not hold with sync.Pool under the race detector")
			}
			if a := testing.AllocsPerRun(50, round); a != 0 {
				t.Fatalf("%v allocations per message", a)
			}
		})
	}
}

// TestDeflateTakeoverCompressesBetter: with context takeover, a message
// repeating the previous one costs almost nothing on the wire; without
// it, as much as the first.
func TestDeflateTakeoverCompressesBetter(t *testing.T) {
	msg, _ := json.Marshal(map[string]string{"a": string(jsonDoc(3, 2000))})
	size := func(p deflateParams) (first, second int) {
		d := newDeflater(p)
		z, _ := d.compress(msg)
		first = len(z)
		z, _ = d.compress(msg)
		return first, len(z)
	}
	f, s := size(deflateParams{})
	if s*4 >= f {
		t.Errorf("context takeover: repeated message %d bytes, first %d", s, f)
	}
	f, s = size(deflateParams{clientNoTakeover: true, serverNoTakeover: true})
	if s != f {
		t.Errorf("no context takeover: repeated message %d bytes, first %d", s, f)
	}
}
