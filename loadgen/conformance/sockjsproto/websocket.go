package sockjsproto

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// The websocket transport /<server>/<session>/websocket and the raw
// /websocket endpoint.
func init() {
	register(
		Case{ID: "websocket.1", Category: "websocket", Title: "plain GET on a websocket URL", Expect: "400 with \"Can \\\"Upgrade\\\" only to \\\"WebSocket\\\".\"",
			Run: func(t *T) {
				r := t.Get(t.URL(echo, "/0/0/websocket"))
				t.Eq("status", r.Status, 400)
				t.True(strings.Contains(r.Body, `Can "Upgrade" only to "WebSocket".`), "body %s lacks the specified message", clip(r.Body))
			}},
		Case{ID: "websocket.2", Category: "websocket", Title: "GET with Upgrade: WebSocket and Connection: close", Expect: "400: a rewritten Connection header is refused",
			Run: func(t *T) {
				r := t.Do(http.MethodGet, t.URL(echo, "/0/0/websocket"), "", map[string]string{"Upgrade": "WebSocket", "Connection": "close"})
				t.Eq("status", r.Status, 400)
			}},
		Case{ID: "websocket.3", Category: "websocket", Title: "POST on a websocket URL, with and without upgrade headers", Expect: "405 with Allow, no Content-Type, no body",
			Run: func(t *T) {
				for _, h := range []map[string]string{{"Upgrade": "WebSocket", "Connection": "Upgrade"}, {}} {
					r := t.PostH(t.URL(echo, "/0/0/websocket"), "", h)
					verify405(t, r)
				}
			}},
		Case{ID: "websocket.4", Category: "websocket", Title: "hixie-76 handshake (pre-RFC draft)", Expect: "the session works over hixie-76",
			Run: func(t *T) { t.Unimplemented("the client speaks only RFC 6455; hixie-76 (2010 drafts) is not tested") }},
		Case{ID: "websocket.5", Category: "websocket", Title: "RFC 6455 session: read o, send an empty message and [\"a\"]", Expect: "o, then a[\"a\"]: empty messages are ignored",
			Run: func(t *T) {
				c := t.WS(t.Session(echo)+"/websocket", nil)
				t.Eq("first frame", t.Recv(c), "o")
				t.SendWS(c, "")
				t.SendWS(c, `["a"]`)
				t.Eq("echo", t.Recv(c), `a["a"]`)
			}},
		Case{ID: "websocket.6", Category: "websocket", Title: "websocket session on /close", Expect: "o, c[3000,\"Go away!\"], then the connection closes",
			Run: func(t *T) {
				c := t.WS(t.Session(goAway)+"/websocket", nil)
				t.Eq("first frame", t.Recv(c), "o")
				t.Eq("second frame", t.Recv(c), `c[3000,"Go away!"]`)
				t.True(t.WSClosed(c), "connection still open after the close frame")
			}},
		Case{ID: "websocket.7", Category: "websocket", Title: "upgrade with Sec-WebSocket-Version 7, 8 and 13 and a fixed key", Expect: "101 with Sec-WebSocket-Accept HSmrc0sMlYUkAGmm5OPpG2HaGWk=, no Content-Length, for each version",
			Run: func(t *T) {
				for _, v := range []string{"7", "8", "13"} {
					status, h := rawUpgrade(t, t.Session(echo)+"/websocket", "Upgrade", v)
					t.Eq("status for version "+v, status, 101)
					t.Eq("Sec-WebSocket-Accept", h.Get("Sec-WebSocket-Accept"), "HSmrc0sMlYUkAGmm5OPpG2HaGWk=")
					t.Eq("Content-Length", h.Get("Content-Length"), "")
				}
			}},
		Case{ID: "websocket.8", Category: "websocket", Title: "send broken JSON [\"a", Expect: "the server closes the connection",
			Run: func(t *T) {
				c := t.WS(t.Session(echo)+"/websocket", nil)
				t.Eq("first frame", t.Recv(c), "o")
				t.SendWS(c, `["a`)
				t.True(t.WSClosed(c), "connection still open after broken JSON")
			}},
		Case{ID: "websocket.9", Category: "websocket", Title: "upgrade with Connection: keep-alive, Upgrade (Firefox 6) and version 7", Expect: "101",
			Run: func(t *T) {
				status, _ := rawUpgrade(t, t.Session(echo)+"/websocket", "keep-alive, Upgrade", "7")
				t.Eq("status", status, 101)
			}},
		Case{ID: "websocket.10", Category: "websocket", Title: "two websocket sessions with the same session id at once, then again after closing", Expect: "each works on its own: a[\"a\"] and a[\"b\"]",
			Run: func(t *T) {
				u := t.Session(echo) + "/websocket"
				c1, c2 := t.WS(u, nil), t.WS(u, nil)
				t.Eq("first o", t.Recv(c1), "o")
				t.Eq("second o", t.Recv(c2), "o")
				t.SendWS(c1, `["a"]`)
				t.Eq("first echo", t.Recv(c1), `a["a"]`)
				t.SendWS(c2, `["b"]`)
				t.Eq("second echo", t.Recv(c2), `a["b"]`)
				c1.Close()
				c2.Close()
				c3 := t.WS(u, nil)
				t.Eq("o after reuse", t.Recv(c3), "o")
				t.SendWS(c3, `["a"]`)
				t.Eq("echo after reuse", t.Recv(c3), `a["a"]`)
			}},
		Case{ID: "raw-websocket.1", Category: "raw-websocket", Title: "raw /websocket: send \"Hello world!\\uffff\"", Expect: "the same text back, with no SockJS framing",
			Run: func(t *T) {
				c := t.WS(t.URL(echo, "/websocket"), nil)
				t.SendWS(c, "Hello world!\uffff")
				t.Eq("echo", t.Recv(c), "Hello world!\uffff")
			}},
		Case{ID: "raw-websocket.2", Category: "raw-websocket", Title: "raw /websocket on /close", Expect: "the connection is closed at once",
			Run: func(t *T) {
				c := t.WS(t.URL(goAway, "/websocket"), nil)
				t.True(t.WSClosed(c), "connection still open")
			}},
	)
}

func verify405(t *T, r *Resp) {
	t.Eq("status", r.Status, 405)
	t.Eq("Content-Type", r.Header.Get("Content-Type"), "")
	t.True(r.Header.Get("Allow") != "", "405 without Allow")
	t.Eq("body", r.Body, "")
}

// rawUpgrade sends a websocket upgrade request by hand (gorilla's dialer
// only speaks version 13) and returns the status and headers.
func rawUpgrade(t *T, url, connection, version string) (int, http.Header) {
	nc, err := net.DialTimeout("tcp", t.addr, 5e9)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.closers = append(t.closers, func() { nc.Close() })
	_ = nc.SetDeadline(t.deadline)
	path := strings.TrimPrefix(url, "http://"+t.addr)
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: %s\r\nSec-WebSocket-Version: %s\r\nSec-WebSocket-Origin: http://asd\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\r\n", path, t.addr, connection, version)
	t.sent = append(t.sent, fmt.Sprintf("GET %s upgrade, Connection %q, version %s", path, connection, version))
	if _, err := nc.Write([]byte(req)); err != nil {
		t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	resp.Body.Close()
	t.observed = append(t.observed, resp.Status)
	return resp.StatusCode, resp.Header
}
