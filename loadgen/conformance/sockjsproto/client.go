package sockjsproto

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

func newT(addr string, deadline time.Time, heartbeat time.Duration) *T {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Deadline: deadline}).DialContext,
		MaxIdleConnsPerHost: 4,
		DisableCompression:  true,
	}
	t := &T{addr: addr, deadline: deadline, heartbeat: heartbeat, tr: tr}
	t.cl = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return t
}

// Resp is a whole HTTP response.
type Resp struct {
	Status int
	Header http.Header
	Body   string
}

func (t *T) request(method, url, body string, hdr map[string]string) *http.Request {
	ctx, cancel := context.WithDeadline(context.Background(), t.deadline)
	t.closers = append(t.closers, cancel)
	var rd io.Reader
	if method == http.MethodPost {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatalf("bad request %s %s: %v", method, url, err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if _, ok := hdr["Content-Type"]; !ok && method == http.MethodPost {
		req.Header["Content-Type"] = nil
	}
	line := method + " " + strings.TrimPrefix(url, "http://"+t.addr)
	if body != "" {
		line += " body " + clip(body)
	}
	t.sent = append(t.sent, line)
	return req
}

// Do sends a request and reads the whole response. A poll answered with
// c[2010,...] although the case has no other receiver open is the server
// not yet having detached the previous, finished receiver: Do counts it
// (case session.6 reports it) and asks again, up to 50 times, 5 ms apart
// (the server gives no signal to wait on).
func (t *T) Do(method, url, body string, hdr map[string]string) *Resp {
	for i := 0; ; i++ {
		r := t.do(method, url, body, hdr)
		if t.strictPolls || i == 50 || !isPoll(url) || !strings.Contains(r.Body, "c[2010,") {
			return r
		}
		t.racedPolls++
		time.Sleep(5 * time.Millisecond)
	}
}

func isPoll(url string) bool {
	return strings.HasSuffix(url, "/xhr") || strings.Contains(url, "/jsonp?")
}

func (t *T) do(method, url, body string, hdr map[string]string) *Resp {
	resp, err := t.cl.Do(t.request(method, url, body, hdr))
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	r := &Resp{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
	t.observed = append(t.observed, fmt.Sprintf("%d %s", r.Status, clip(r.Body)))
	return r
}

func (t *T) Get(url string) *Resp        { return t.Do(http.MethodGet, url, "", nil) }
func (t *T) Post(url, body string) *Resp { return t.Do(http.MethodPost, url, body, nil) }
func (t *T) PostH(url, body string, h map[string]string) *Resp {
	return t.Do(http.MethodPost, url, body, h)
}

// Stream is a response read piece by piece (streaming transports).
type Stream struct {
	t      *T
	Status int
	Header http.Header
	body   io.ReadCloser
	br     *bufio.Reader
}

// Open sends a request and returns once the headers are in.
func (t *T) Open(method, url string, hdr map[string]string) *Stream {
	resp, err := t.cl.Do(t.request(method, url, "", hdr))
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	s := &Stream{t: t, Status: resp.StatusCode, Header: resp.Header, body: resp.Body, br: bufio.NewReader(resp.Body)}
	t.closers = append(t.closers, func() { resp.Body.Close() })
	t.observed = append(t.observed, fmt.Sprintf("%d (streaming)", s.Status))
	return s
}

// Until reads up to and including delim.
func (s *Stream) Until(delim string) string {
	var b strings.Builder
	for !strings.HasSuffix(b.String(), delim) {
		c, err := s.br.ReadByte()
		if errors.Is(err, context.DeadlineExceeded) {
			s.t.Fatalf("nothing more within the case's time limit after %s (waiting for %q)", clip(b.String()), delim)
		}
		if err != nil {
			s.t.Fatalf("stream ended (%v) after %s, expected more up to %q", err, clip(b.String()), delim)
		}
		b.WriteByte(c)
	}
	s.t.observed = append(s.t.observed, "read "+clip(b.String()))
	return b.String()
}

// Skipping reads frames ending in delim until one is not the heartbeat
// frame hb (the protocol test server sends heartbeats often).
func (s *Stream) Skipping(delim, hb string) string {
	for {
		if f := s.Until(delim); f != hb {
			return f
		}
	}
}

// Ended reports whether the server ends the response (within the case's
// deadline) without sending more.
func (s *Stream) Ended() bool {
	b, err := io.ReadAll(s.br)
	if len(b) > 0 {
		s.t.observed = append(s.t.observed, "read "+clip(string(b)))
		return false
	}
	if err != nil && !errors.Is(err, io.EOF) {
		s.t.observed = append(s.t.observed, "still open: "+err.Error())
		return false
	}
	s.t.observed = append(s.t.observed, "response ended")
	return true
}

// Close abandons the response (the client goes away).
func (s *Stream) Close() { s.body.Close() }

// Eq fails the case when got != want.
func (t *T) Eq(what string, got, want any) {
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s: got %s, want %s", what, clip(fmt.Sprint(got)), clip(fmt.Sprint(want)))
	}
}

// True fails the case with the message when cond is false.
func (t *T) True(cond bool, format string, args ...any) {
	if !cond {
		t.Fatalf(format, args...)
	}
}

// ContentType compares Content-Type ignoring spaces.
func (t *T) ContentType(h http.Header, want string) {
	t.Eq("Content-Type", strings.ReplaceAll(h.Get("Content-Type"), " ", ""), strings.ReplaceAll(want, " ", ""))
}

// NoCookie fails when a cookie is set.
func (t *T) NoCookie(h http.Header) {
	t.True(h.Get("Set-Cookie") == "", "unexpected Set-Cookie %q", h.Get("Set-Cookie"))
}

// CORS checks the CORS headers for a request with origin ("" for none).
func (t *T) CORS(h http.Header, origin string) {
	want := "*"
	if origin != "" && origin != "null" {
		want = origin
	}
	t.Eq("Access-Control-Allow-Origin", h.Get("Access-Control-Allow-Origin"), want)
	t.Eq("Access-Control-Allow-Credentials", h.Get("Access-Control-Allow-Credentials"), "true")
}

// NotCached checks a response forbids caching.
func (t *T) NotCached(h http.Header) {
	t.Eq("Cache-Control", h.Get("Cache-Control"), "no-store, no-cache, must-revalidate, max-age=0")
	t.True(h.Get("Expires") == "" && h.Get("Last-Modified") == "", "uncacheable response carries Expires %q / Last-Modified %q", h.Get("Expires"), h.Get("Last-Modified"))
}

var maxAgeRe = regexp.MustCompile(`max-age=[1-9][0-9]{6}`)

// Options checks an OPTIONS answer (CORS preflight) for url.
func (t *T) Options(url, methods string) {
	for _, origin := range []string{"", "test", "null"} {
		h := map[string]string{}
		if origin != "" {
			h["Origin"] = origin
		}
		r := t.Do(http.MethodOptions, url, "", h)
		t.Eq("OPTIONS status", r.Status, 204)
		cc := r.Header.Get("Cache-Control")
		t.True(strings.Contains(cc, "public") && maxAgeRe.MatchString(cc), "OPTIONS Cache-Control %q: public with a max-age of a year expected", cc)
		t.True(r.Header.Get("Expires") != "", "OPTIONS without Expires")
		age, _ := strconv.Atoi(r.Header.Get("Access-Control-Max-Age"))
		t.True(age > 1000000, "Access-Control-Max-Age %q, want > 1000000", r.Header.Get("Access-Control-Max-Age"))
		t.Eq("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Allow-Methods"), methods)
		t.Eq("OPTIONS body", r.Body, "")
		t.CORS(r.Header, origin)
	}
}

// WS opens a websocket to url (http:// is turned into ws://).
func (t *T) WS(url string, hdr http.Header) *websocket.Conn {
	d := websocket.Dialer{HandshakeTimeout: time.Until(t.deadline)}
	ws := "ws://" + strings.TrimPrefix(url, "http://")
	t.sent = append(t.sent, "websocket "+strings.TrimPrefix(ws, "ws://"+t.addr))
	c, resp, err := d.Dial(ws, hdr)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		status := ""
		if resp != nil {
			status = fmt.Sprintf(" (HTTP %d)", resp.StatusCode)
		}
		t.Fatalf("websocket handshake to %s: %v%s", ws, err, status)
	}
	_ = c.SetReadDeadline(t.deadline)
	_ = c.SetWriteDeadline(t.deadline)
	t.closers = append(t.closers, func() { c.Close() })
	return c
}

// Recv reads one websocket text message.
func (t *T) Recv(c *websocket.Conn) string {
	_, p, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("websocket read: %v", err)
	}
	t.observed = append(t.observed, "websocket message "+clip(string(p)))
	return string(p)
}

// SendWS writes one websocket text message.
func (t *T) SendWS(c *websocket.Conn, s string) {
	t.sent = append(t.sent, "websocket message "+clip(s))
	if err := c.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		t.Fatalf("websocket write: %v", err)
	}
}

// WSClosed reports whether the server ends the websocket connection (a
// close frame or the TCP connection closed) before sending a message.
func (t *T) WSClosed(c *websocket.Conn) bool {
	_, p, err := c.ReadMessage()
	if err == nil {
		t.observed = append(t.observed, "websocket message "+clip(string(p)))
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.observed = append(t.observed, "websocket still open at the deadline")
		return false
	}
	t.observed = append(t.observed, "websocket closed: "+err.Error())
	return true
}

func clip(s string) string {
	if len(s) > 80 {
		return strconv.Quote(s[:80]) + fmt.Sprintf("...(+%d bytes)", len(s)-80)
	}
	return strconv.Quote(s)
}

// Pending is a request running in the background.
type Pending struct {
	done   chan struct{}
	resp   *Resp
	err    error
	cancel context.CancelFunc
}

// Async sends a request in the background (its response is read whole).
func (t *T) Async(method, url, body string) *Pending {
	req := t.request(method, url, body, nil)
	ctx, cancel := context.WithCancel(req.Context())
	p := &Pending{done: make(chan struct{}), cancel: cancel}
	t.closers = append(t.closers, cancel)
	go func() {
		defer close(p.done)
		resp, err := t.cl.Do(req.WithContext(ctx))
		if err != nil {
			p.err = err
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		p.resp, p.err = &Resp{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}, err
	}()
	return p
}

// Abort cancels the request, as a client going away.
func (p *Pending) Abort() { p.cancel(); <-p.done }

// FirstOf waits for whichever of a and b completes first and returns it
// with the other.
func (t *T) FirstOf(a, b *Pending) (first, other *Pending) {
	select {
	case <-a.done:
		first, other = a, b
	case <-b.done:
		first, other = b, a
	}
	if first.err != nil {
		t.Fatalf("request failed: %v", first.err)
	}
	t.observed = append(t.observed, fmt.Sprintf("%d %s", first.resp.Status, clip(first.resp.Body)))
	return first, other
}
