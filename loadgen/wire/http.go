package wire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// httpConn is an HTTP/1.1 client for the REST server, shaped as a Conn.
//
// On an echo path (anything not ending in /broadcast), WriteMessage sends
// POST PATH with the message as body and ReadMessage reads the response
// body: the echo. QueueMessage + Flush pipeline several requests in one
// write; ReadMessage then reads their responses in order.
//
// On PREFIX/broadcast, WriteMessage publishes (POST PREFIX/publish, waiting
// for the answer) and ReadMessage returns the next message delivered to
// this subscriber, polling GET PREFIX/poll?after=SEQ every PollInterval
// (or long polling) when none is pending.
//
// The TCP connection is kept alive and re-dialed when the server closes it
// or, with NewConnPerRequest, for every request.
type httpConn struct {
	t   Target
	o   *Options
	cnt counters

	mu     sync.Mutex // guards nc, deadlines and closed against other goroutines
	nc     net.Conn
	rdl    time.Time
	wdl    time.Time
	closed bool
	wake   chan struct{} // poked by SetReadDeadline and Close

	br       *bufio.Reader
	wbuf     []byte
	inflight int // echo: requests sent and not yet answered
	queued   int // requests in wbuf

	broadcast bool
	reqHead   []byte // "POST path HTTP/1.1\r\nHost: ...\r\n...Content-Length: "
	pollHead  []byte // "GET prefix/poll?after="
	pollTail  []byte // "[&wait=D] HTTP/1.1\r\nHost: ...\r\n\r\n"

	// response being read
	status   int
	clen     int64
	chunked  bool
	srvClose bool
	lastSeq  uint64
	firstSeq uint64
	body     []byte

	published uint64 // sequence number of the last message published

	// subscriber state
	after    uint64
	msgs     []byte
	ends     []int
	next     int
	nextPoll time.Time
	timer    *time.Timer
}

func dialHTTP(ctx context.Context, t Target, o *Options) (*httpConn, error) {
	c := &httpConn{
		t:     t,
		o:     o,
		wake:  make(chan struct{}, 1),
		wbuf:  make([]byte, 0, o.WriteBufferSize),
		after: o.HTTP.After,
	}
	closeHdr := ""
	if o.HTTP.NewConnPerRequest {
		closeHdr = "Connection: close\r\n"
	}
	host := "Host: " + t.Host + "\r\n"
	path := t.Path
	if prefix, ok := strings.CutSuffix(path, "/broadcast"); ok {
		c.broadcast = true
		path = prefix + "/publish"
		c.pollHead = []byte("GET " + prefix + "/poll?after=")
		tail := ""
		if o.HTTP.Subscribe == LongPoll {
			tail = "&wait=" + o.HTTP.PollWait.String()
		}
		c.pollTail = []byte(tail + " HTTP/1.1\r\n" + host + closeHdr + "\r\n")
	}
	c.reqHead = []byte("POST " + path + " HTTP/1.1\r\n" + host + closeHdr +
		"Content-Type: application/octet-stream\r\nContent-Length: ")
	nc, err := dialTCP(ctx, t.Host, o, &c.cnt)
	if err != nil {
		return nil, err
	}
	c.nc = nc
	c.br = bufio.NewReaderSize(nc, o.ReadBufferSize)
	return c, nil
}

// conn returns the TCP connection, dialing one when there is none.
func (c *httpConn) conn() (net.Conn, error) {
	c.mu.Lock()
	nc, closed := c.nc, c.closed
	c.mu.Unlock()
	if closed {
		return nil, net.ErrClosed
	}
	if nc != nil {
		return nc, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.o.HandshakeTimeout)
	nc, err := dialTCP(ctx, c.t.Host, c.o, &c.cnt)
	cancel()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		nc.Close()
		return nil, net.ErrClosed
	}
	c.nc = nc
	_ = nc.SetReadDeadline(c.rdl)
	_ = nc.SetWriteDeadline(c.wdl)
	c.br.Reset(nc)
	return nc, nil
}

// drop closes the TCP connection after an error or a "Connection: close";
// requests still in flight on it are lost.
func (c *httpConn) drop() {
	c.mu.Lock()
	if c.nc != nil {
		c.nc.Close()
		c.nc = nil
	}
	c.mu.Unlock()
	c.inflight, c.queued = 0, 0
	c.wbuf = c.wbuf[:0]
}

func (c *httpConn) appendRequest(p []byte) {
	c.wbuf = append(c.wbuf, c.reqHead...)
	c.wbuf = strconv.AppendInt(c.wbuf, int64(len(p)), 10)
	c.wbuf = append(c.wbuf, "\r\n\r\n"...)
	c.wbuf = append(c.wbuf, p...)
}

func (c *httpConn) QueueMessage(binary bool, p []byte) error {
	if c.broadcast {
		return c.WriteMessage(binary, p)
	}
	if c.o.HTTP.NewConnPerRequest && c.inflight > 0 {
		return errors.New("http: one request at a time with a new connection per request")
	}
	if _, err := c.conn(); err != nil {
		return err
	}
	c.appendRequest(p)
	c.inflight++
	c.queued++
	return nil
}

func (c *httpConn) Flush() error {
	if len(c.wbuf) == 0 {
		return nil
	}
	nc, err := c.conn()
	if err == nil {
		_, err = nc.Write(c.wbuf)
		c.cnt.requests.Add(int64(c.queued))
	}
	c.wbuf, c.queued = c.wbuf[:0], 0
	if err != nil {
		c.drop()
	}
	return err
}

func (c *httpConn) WriteMessage(binary bool, p []byte) error {
	if !c.broadcast {
		if err := c.QueueMessage(binary, p); err != nil {
			return err
		}
		return c.Flush()
	}
	// Publish and wait for the sequence number.
	nc, err := c.conn()
	if err != nil {
		return err
	}
	c.appendRequest(p)
	_, err = nc.Write(c.wbuf)
	c.wbuf = c.wbuf[:0]
	c.cnt.requests.Add(1)
	if err == nil {
		c.body, err = c.readResponse(c.body[:0], 1<<10)
	}
	if err == nil && c.status != 200 {
		err = &StatusError{Code: c.status, Body: firstLine(c.body)}
	}
	if err == nil {
		c.published, _ = parseDec(trimSpace(c.body))
	}
	c.finish(err)
	return err
}

// finish drops the TCP connection when the exchange failed or the server
// or the options say so.
func (c *httpConn) finish(err error) {
	if err != nil || c.srvClose || c.o.HTTP.NewConnPerRequest {
		c.drop()
	}
}

func (c *httpConn) Buffered() bool { return c.next < len(c.ends) }

func (c *httpConn) ReadMessage(buf []byte) (bool, []byte, error) {
	if !c.broadcast {
		if c.inflight == 0 {
			return false, buf[:0], errors.New("http: ReadMessage with no request in flight")
		}
		if _, err := c.conn(); err != nil {
			return false, buf[:0], err
		}
		p, err := c.readResponse(buf[:0], int64(c.o.MaxMessageSize))
		c.inflight--
		if err == nil && c.status != 200 {
			err = &StatusError{Code: c.status, Body: firstLine(p)}
		}
		c.finish(err)
		return true, p, err
	}
	for c.next >= len(c.ends) {
		if err := c.poll(); err != nil {
			return false, buf[:0], err
		}
	}
	start := 0
	if c.next > 0 {
		start = c.ends[c.next-1]
	}
	m := c.msgs[start:c.ends[c.next]]
	c.next++
	p := grow(buf[:0], len(m))
	copy(p, m)
	return true, p, nil
}

// poll waits for the next poll time and asks for messages after c.after.
func (c *httpConn) poll() error {
	if c.o.HTTP.Subscribe == Poll {
		if err := c.waitUntil(c.nextPoll); err != nil {
			return err
		}
		now := time.Now()
		c.nextPoll = c.nextPoll.Add(c.o.HTTP.PollInterval)
		if c.nextPoll.Before(now) {
			c.nextPoll = now
		}
	} else if err := c.waitUntil(time.Time{}); err != nil {
		return err
	}
	nc, err := c.conn()
	if err != nil {
		return err
	}
	c.wbuf = append(c.wbuf[:0], c.pollHead...)
	c.wbuf = strconv.AppendUint(c.wbuf, c.after, 10)
	c.wbuf = append(c.wbuf, c.pollTail...)
	_, err = nc.Write(c.wbuf)
	c.wbuf = c.wbuf[:0]
	c.cnt.requests.Add(1)
	if err == nil {
		c.body, err = c.readResponse(c.body[:0], 1<<30)
	}
	if err == nil {
		switch c.status {
		case 200:
			err = c.parseRecords(c.body)
		case 204:
			c.cnt.emptyPolls.Add(1)
		default:
			err = &StatusError{Code: c.status, Body: firstLine(c.body)}
		}
	}
	c.finish(err)
	return err
}

// parseRecords decodes "SEQ LEN\n" PAYLOAD "\n" records.
func (c *httpConn) parseRecords(b []byte) error {
	c.msgs, c.ends, c.next = c.msgs[:0], c.ends[:0], 0
	if c.firstSeq > c.after+1 {
		c.cnt.logGaps.Add(1)
	}
	for len(b) > 0 {
		seq, rest, ok := parseUint(b, ' ')
		if !ok {
			return protoErr("poll: bad record header")
		}
		n, rest, ok := parseUint(rest, '\n')
		if !ok || uint64(len(rest)) < n+1 || rest[n] != '\n' {
			return protoErr("poll: bad record")
		}
		c.msgs = append(c.msgs, rest[:n]...)
		c.ends = append(c.ends, len(c.msgs))
		c.after = seq
		b = rest[n+1:]
	}
	if len(c.ends) == 0 {
		c.cnt.emptyPolls.Add(1)
	}
	return nil
}

// parseUint reads decimal digits up to sep.
func parseUint(b []byte, sep byte) (uint64, []byte, bool) {
	var v uint64
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + uint64(b[i]-'0')
	}
	if i == 0 || i > 19 || i >= len(b) || b[i] != sep {
		return 0, nil, false
	}
	return v, b[i+1:], true
}

// parseDec parses a whole decimal number.
func parseDec(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var v uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		v = v*10 + uint64(ch-'0')
	}
	return v, true
}

// waitUntil sleeps until t (no wait when t is past or zero), returning
// early with a timeout error when the read deadline passes, and with
// net.ErrClosed when the connection is closed.
func (c *httpConn) waitUntil(t time.Time) error {
	for {
		c.mu.Lock()
		dl, closed := c.rdl, c.closed
		c.mu.Unlock()
		now := time.Now()
		switch {
		case closed:
			return net.ErrClosed
		case !dl.IsZero() && !now.Before(dl):
			return os.ErrDeadlineExceeded
		case !now.Before(t):
			return nil
		}
		until := t
		if !dl.IsZero() && dl.Before(until) {
			until = dl
		}
		if c.timer == nil {
			c.timer = time.NewTimer(until.Sub(now))
		} else {
			c.timer.Reset(until.Sub(now))
		}
		select {
		case <-c.timer.C:
		case <-c.wake:
			c.timer.Stop()
		}
	}
}

// readResponse reads one response's head into c.status etc. and its body
// into dst.
func (c *httpConn) readResponse(dst []byte, limit int64) ([]byte, error) {
	for {
		if err := c.readHead(); err != nil {
			return dst, err
		}
		if c.status >= 200 {
			break
		}
		// 1xx: skip (no body)
	}
	if c.status == 204 || c.status == 304 {
		return dst, nil
	}
	if c.chunked {
		return c.readChunked(dst, limit)
	}
	if c.clen < 0 { // until the server closes
		c.srvClose = true
		for {
			if int64(len(dst)) >= limit {
				return dst, ErrTooBig
			}
			m := len(dst)
			dst = grow(dst, 4096)
			n, err := c.br.Read(dst[m:])
			dst = dst[:m+n]
			if err == io.EOF {
				return dst, nil
			}
			if err != nil {
				return dst, err
			}
		}
	}
	if c.clen > limit {
		return dst, ErrTooBig
	}
	m := len(dst)
	dst = grow(dst, int(c.clen))
	if _, err := io.ReadFull(c.br, dst[m:]); err != nil {
		return dst[:m], err
	}
	return dst, nil
}

func (c *httpConn) readHead() error {
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return protoErr("status line too long")
		}
		return err
	}
	st, ok := parseStatus(line)
	if !ok {
		return protoErr("bad status line %q", firstLine(line))
	}
	c.status, c.clen, c.chunked, c.srvClose, c.lastSeq, c.firstSeq = st, -1, false, false, 0, 0
	for {
		line, err := c.br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return protoErr("header line too long")
			}
			return err
		}
		line = trimSpace(line)
		if len(line) == 0 {
			return nil
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			return protoErr("bad header line")
		}
		name, val := trimSpace(line[:i]), trimSpace(line[i+1:])
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			n, ok := parseDec(val)
			if !ok {
				return protoErr("bad Content-Length")
			}
			c.clen = int64(n)
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			c.chunked = bytes.EqualFold(val, []byte("chunked"))
			if !c.chunked {
				return protoErr("unsupported Transfer-Encoding")
			}
		case bytes.EqualFold(name, []byte("connection")):
			c.srvClose = bytes.EqualFold(val, []byte("close"))
		case bytes.EqualFold(name, []byte("x-last-seq")):
			c.lastSeq, _ = parseDec(val)
		case bytes.EqualFold(name, []byte("x-first-seq")):
			c.firstSeq, _ = parseDec(val)
		}
	}
}

// readChunked reads a chunked body.
func (c *httpConn) readChunked(dst []byte, limit int64) ([]byte, error) {
	for {
		line, err := c.br.ReadSlice('\n')
		if err != nil {
			return dst, err
		}
		var n int64
		i := 0
		for ; i < len(line); i++ {
			ch := line[i]
			var d byte
			switch {
			case ch >= '0' && ch <= '9':
				d = ch - '0'
			case ch >= 'a' && ch <= 'f':
				d = ch - 'a' + 10
			case ch >= 'A' && ch <= 'F':
				d = ch - 'A' + 10
			default:
				goto done
			}
			n = n<<4 | int64(d)
			if n > limit {
				return dst, ErrTooBig
			}
		}
	done:
		if i == 0 {
			return dst, protoErr("bad chunk size")
		}
		if n == 0 {
			for { // trailers
				line, err := c.br.ReadSlice('\n')
				if err != nil {
					return dst, err
				}
				if len(trimSpace(line)) == 0 {
					return dst, nil
				}
			}
		}
		if int64(len(dst))+n > limit {
			return dst, ErrTooBig
		}
		m := len(dst)
		dst = grow(dst, int(n))
		if _, err := io.ReadFull(c.br, dst[m:]); err != nil {
			return dst[:m], err
		}
		if _, err := c.br.Discard(2); err != nil { // CRLF
			return dst, err
		}
	}
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

func (c *httpConn) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *httpConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.rdl = t
	if c.nc != nil {
		_ = c.nc.SetReadDeadline(t)
	}
	c.mu.Unlock()
	c.poke()
	return nil
}

func (c *httpConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.wdl = t
	if c.nc != nil {
		_ = c.nc.SetWriteDeadline(t)
	}
	c.mu.Unlock()
	return nil
}

func (c *httpConn) Stats() Stats { return c.cnt.stats() }

func (c *httpConn) Close() error {
	c.mu.Lock()
	c.closed = true
	nc := c.nc
	c.nc = nil
	c.mu.Unlock()
	c.poke()
	if nc != nil {
		return nc.Close()
	}
	return nil
}

// Published returns the sequence number the server assigned to the last
// message published on c, an HTTP Conn on a /broadcast URL; ok is false
// for other connections.
func Published(c Conn) (seq uint64, ok bool) {
	h, isHTTP := c.(*httpConn)
	if !isHTTP || !h.broadcast {
		return 0, false
	}
	return h.published, h.published > 0
}
