package sockjsproto

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// HTTP/1.0 and HTTP/1.1 framing of a plain and of a streaming response.
func init() {
	register(
		Case{ID: "http.1", Category: "http", Title: "HTTP/1.0 GET of the greeting with Connection: Keep-Alive",
			Expect: "200 without Transfer-Encoding: Content-Length 19 (then keep-alive or close) or Connection: close",
			Run: func(t *T) {
				c := t.raw()
				resp := c.request("GET", "/echo", "1.0", "Connection: Keep-Alive")
				t.Eq("status", resp.StatusCode, 200)
				t.Eq("Transfer-Encoding", strings.Join(resp.TransferEncoding, ","), "")
				body, _ := io.ReadAll(resp.Body)
				t.Eq("body", string(body), "Welcome to SockJS!\n")
				if resp.ContentLength < 0 {
					t.True(resp.Close, "no Content-Length and no Connection: close")
				} else {
					t.Eq("Content-Length", resp.ContentLength, 19)
				}
			}},
		Case{ID: "http.2", Category: "http", Title: "HTTP/1.0 POST xhr_streaming on /close",
			Expect: "200 with neither Transfer-Encoding nor Content-Length; prelude, o, c[3000,\"Go away!\"], then the connection closes",
			Run: func(t *T) {
				c := t.raw()
				path := strings.TrimPrefix(t.Session(goAway), "http://"+t.addr) + "/xhr_streaming"
				resp := c.request("POST", path, "1.0", "Connection: Keep-Alive")
				t.Eq("status", resp.StatusCode, 200)
				t.Eq("Transfer-Encoding", strings.Join(resp.TransferEncoding, ","), "")
				t.Eq("Content-Length header", resp.Header.Get("Content-Length"), "")
				body, err := io.ReadAll(resp.Body)
				t.True(err == nil, "reading to the end: %v", err)
				t.Eq("body", string(body), strings.Repeat("h", 2048)+"\no\nc[3000,\"Go away!\"]\n")
			}},
		Case{ID: "http.3", Category: "http", Title: "HTTP/1.1 GET of the greeting twice on one connection",
			Expect: "keep-alive; Content-Length 19 or chunked; the second request answered 200",
			Run: func(t *T) {
				c := t.raw()
				for i := range 2 {
					resp := c.request("GET", "/echo", "1.1", "Connection: Keep-Alive")
					t.Eq(fmt.Sprintf("status of request %d", i+1), resp.StatusCode, 200)
					t.True(!resp.Close, "the server closes an HTTP/1.1 keep-alive connection")
					body, _ := io.ReadAll(resp.Body)
					t.Eq("body", string(body), "Welcome to SockJS!\n")
				}
			}},
		Case{ID: "http.4", Category: "http", Title: "HTTP/1.1 POST xhr_streaming on /close",
			Expect: "200 chunked, no Content-Length; prelude, o, c[3000,\"Go away!\"], then the last chunk",
			Run: func(t *T) {
				c := t.raw()
				path := strings.TrimPrefix(t.Session(goAway), "http://"+t.addr) + "/xhr_streaming"
				resp := c.request("POST", path, "1.1", "Connection: Keep-Alive")
				t.Eq("status", resp.StatusCode, 200)
				t.Eq("Transfer-Encoding", strings.Join(resp.TransferEncoding, ","), "chunked")
				t.Eq("Content-Length header", resp.Header.Get("Content-Length"), "")
				body, err := io.ReadAll(resp.Body)
				t.True(err == nil, "reading to the last chunk: %v", err)
				t.Eq("body", string(body), strings.Repeat("h", 2048)+"\no\nc[3000,\"Go away!\"]\n")
			}},
	)
}

type rawHTTP struct {
	t  *T
	nc net.Conn
	br *bufio.Reader
}

func (t *T) raw() *rawHTTP {
	nc, err := net.DialTimeout("tcp", t.addr, 5e9)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	_ = nc.SetDeadline(t.deadline)
	t.closers = append(t.closers, func() { nc.Close() })
	return &rawHTTP{t: t, nc: nc, br: bufio.NewReader(nc)}
}

func (c *rawHTTP) request(method, path, version, header string) *http.Response {
	req := fmt.Sprintf("%s %s HTTP/%s\r\nHost: %s\r\n%s\r\nContent-Length: 0\r\n\r\n", method, path, version, c.t.addr, header)
	c.t.sent = append(c.t.sent, fmt.Sprintf("%s %s HTTP/%s, %s", method, path, version, header))
	if _, err := c.nc.Write([]byte(req)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.t.Fatalf("read response: %v", err)
	}
	c.t.observed = append(c.t.observed, fmt.Sprintf("%s %s TE=%v CL=%q", resp.Proto, resp.Status, resp.TransferEncoding, resp.Header.Get("Content-Length")))
	return resp
}
