package wire

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
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
// this subscriber: polling GET PREFIX/poll?after=SEQ every PollInterval
// (the first poll at a random point of the first interval),
// long polling, or reading one Server-Sent Events stream (GET
// PREFIX/events?after=SEQ), as HTTPOptions.Subscribe says.
//
// The TCP connection is kept alive and re-dialed when the server closes it
// or, with NewConnPerRequest, for every request.
type httpConn struct {
	h1
	cnt counters

	wbuf     []byte
	inflight int // echo: requests sent and not yet answered
	queued   int // requests in wbuf

	broadcast bool
	reqHead   []byte // "POST path HTTP/1.1\r\nHost: ...\r\n...Content-Length: "
	pollHead  []byte // "GET prefix/poll?after=" or "GET prefix/events?after="
	pollTail  []byte // "[&wait=D] HTTP/1.1\r\nHost: ...\r\n\r\n" (SSE: without the final CRLF)

	resp      []byte // the last response body (publish, poll)
	published uint64 // sequence number of the last message published

	// subscriber state
	after    uint64 // the last sequence number received
	msgs     []byte
	ends     []int
	next     int
	nextPoll time.Time

	// SSE
	streaming bool   // an event stream is open
	opened    bool   // a stream was opened before: send Last-Event-ID
	events    int64  // events received on the current stream
	idle      int    // consecutive streams that ended without an event
	b64       []byte // base64 text of an event, before decoding
}

func dialHTTP(ctx context.Context, t Target, o *Options) (*httpConn, error) {
	c := &httpConn{
		wbuf:  make([]byte, 0, o.WriteBufferSize),
		after: o.HTTP.After,
	}
	c.h1.init(t.Host, o, &c.cnt)
	c.newConn = o.HTTP.NewConnPerRequest
	closeHdr := ""
	if o.HTTP.NewConnPerRequest {
		closeHdr = "Connection: close\r\n"
	}
	host := "Host: " + t.Host + "\r\n"
	path := t.Path
	if prefix, ok := strings.CutSuffix(path, "/broadcast"); ok {
		c.broadcast = true
		path = prefix + "/publish"
		switch o.HTTP.Subscribe {
		case SSE:
			c.pollHead = []byte("GET " + prefix + "/events?after=")
			c.pollTail = []byte(" HTTP/1.1\r\n" + host + closeHdr + "Accept: text/event-stream\r\n")
		case LongPoll:
			c.pollHead = []byte("GET " + prefix + "/poll?after=")
			c.pollTail = []byte("&wait=" + o.HTTP.PollWait.String() + " HTTP/1.1\r\n" + host + closeHdr + "\r\n")
		default:
			c.pollHead = []byte("GET " + prefix + "/poll?after=")
			c.pollTail = []byte(" HTTP/1.1\r\n" + host + closeHdr + "\r\n")
		}
	}
	c.reqHead = []byte("POST " + path + " HTTP/1.1\r\n" + host + closeHdr +
		"Content-Type: application/octet-stream\r\nContent-Length: ")
	if err := c.h1.dial(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// drop closes the TCP connection after an error or a "Connection: close";
// requests still in flight on it are lost.
func (c *httpConn) drop() {
	c.h1.drop()
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
	if c.newConn && c.inflight > 0 {
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
	err := c.send(c.wbuf, int64(c.queued))
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
	c.appendRequest(p)
	var err error
	c.resp, err = c.exchange(c.wbuf, c.resp, 1<<10)
	c.wbuf = c.wbuf[:0]
	if err == nil && c.status != 200 {
		err = &StatusError{Code: c.status, Body: firstLine(c.resp)}
	}
	if err == nil {
		c.published, _ = parseDec(trimSpace(c.resp))
	}
	if err != nil {
		c.drop()
	}
	return err
}

// finish drops the TCP connection when the exchange failed or the server
// or the options say so.
func (c *httpConn) finish(err error) {
	if !c.keep(err) {
		c.drop()
	}
}

func (c *httpConn) Buffered() bool {
	if c.broadcast && c.o.HTTP.Subscribe == SSE {
		return c.streaming && c.streamBuffered()
	}
	return c.next < len(c.ends)
}

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
	if c.o.HTTP.Subscribe == SSE {
		p, err := c.readEvent(buf[:0])
		return false, p, err
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
		if c.nextPoll.IsZero() {
			// A random phase: subscribers that all polled in step with a
			// publisher at a rate in step with the interval would see
			// latencies that say more about the two clocks than about
			// polling.
			c.nextPoll = time.Now().Add(time.Duration(rand.Int64N(int64(c.o.HTTP.PollInterval))))
		}
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
	c.wbuf = append(c.wbuf[:0], c.pollHead...)
	c.wbuf = strconv.AppendUint(c.wbuf, c.after, 10)
	c.wbuf = append(c.wbuf, c.pollTail...)
	var err error
	c.resp, err = c.exchange(c.wbuf, c.resp, 1<<30)
	c.wbuf = c.wbuf[:0]
	if err == nil {
		switch c.status {
		case 200:
			err = c.parseRecords(c.resp)
		case 204:
			c.cnt.emptyPolls.Add(1)
		default:
			err = &StatusError{Code: c.status, Body: firstLine(c.resp)}
		}
	}
	if err != nil {
		c.drop()
	}
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

func (c *httpConn) Stats() Stats { return c.cnt.stats() }

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
