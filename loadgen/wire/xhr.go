package wire

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"sync"
	"time"
)

// xhrConn speaks SockJS over one of its HTTP transports, as the SockJS
// browser client does when WebSocket is unavailable:
//
//   - xhr-polling: POST PREFIX/{server}/{session}/xhr, again as soon as it
//     answers. Each answer is one frame and "\n": "o" (the first), "a[...]",
//     "h" (a heartbeat: counted as an empty poll) or "c[code,"reason"]".
//     The server holds a request until it has something to say, so this is
//     long polling.
//   - xhr-streaming: POST PREFIX/{server}/{session}/xhr_streaming answers a
//     chunked response: a prelude of 2048 "h" and "\n", then frames as
//     they come, each ending in "\n". The server ends the response once it
//     has written about 128 KiB (sockjs-go's ResponseLimit) and keeps the
//     messages that follow for the next one, which the client opens at
//     once on the same kept-alive connection.
//
// sockjs-go answers a receiving request with c[2010,"Another connection
// still open"] when it arrives before the server has detached the previous
// one: a race inside the library (the detach runs in a goroutine of its
// own after the previous response was written), which a fast client on
// loopback meets. The session is not affected, so the client asks again
// (at once, then after 1, 2, 4 ... ms, giving up after 20 in a row) and
// counts it (Stats.Refused; the xhr-polling answer also counts as an
// empty poll).
//
// Both receive on one TCP connection. Sending, which broadcast subscribers
// never do, is POST PREFIX/{server}/{session}/xhr_send with a JSON array
// of strings as body (answered 204) on a second connection, dialed on the
// first send; QueueMessage + Flush send several messages in one request.
// Every request is counted (Stats.Requests) and every byte of both
// connections (Stats.TX, RX). There is no close frame to send: Close
// drops the connections, and the server ends the session after its
// disconnect delay.
type xhrConn struct {
	cnt       counters
	streaming bool

	// receiving, by the reading goroutine
	rx       h1
	recvReq  []byte // the whole POST .../xhr or .../xhr_streaming request
	fr       frames
	closeErr error // the server's close frame, once received
	body     []byte
	rest     []byte // polling: frames of body not yet handed out
	open     bool   // streaming: a response is being read
	prelude  bool   // streaming: the next line is the prelude
	inStream int    // frames read from the current response
	refused  int    // consecutive responses refused with c[2010,...]

	// sending, under wmu
	wmu      sync.Mutex
	tx       h1
	sendHead []byte // "POST .../xhr_send HTTP/1.1\r\n...Content-Length: "
	pend     []byte // queued messages: `["m1","m2"` (closed by Flush)
	npend    int
	wbuf     []byte
	sresp    []byte
}

// preludeLen is the length of xhr-streaming's prelude line of "h".
const preludeLen = 2048

func dialXHR(ctx context.Context, t Target, o *Options) (*xhrConn, error) {
	base, err := sessionPath(t.Path)
	if err != nil {
		return nil, err
	}
	c := &xhrConn{streaming: o.Transport == XHRStreaming}
	c.rx.init(t.Host, o, &c.cnt)
	c.tx.init(t.Host, o, &c.cnt)
	host := "Host: " + t.Host + "\r\n"
	recv := base + "/xhr"
	if c.streaming {
		recv = base + "/xhr_streaming"
	}
	c.recvReq = []byte("POST " + recv + " HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n")
	c.sendHead = []byte("POST " + base + "/xhr_send HTTP/1.1\r\n" + host +
		"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ")
	if err := c.rx.dial(ctx); err != nil {
		return nil, err
	}
	// The open frame "o" comes first, within ctx.
	if dl, ok := ctx.Deadline(); ok {
		c.rx.setDeadlines(dl, dl, true, true)
	}
	stop := context.AfterFunc(ctx, func() { c.rx.setDeadlines(time.Unix(1, 0), time.Unix(1, 0), true, true) })
	f, err := c.nextFrame()
	stop()
	if err == nil && string(f) != "o" {
		err = protoErr("sockjs: expected open frame \"o\", got %q", truncate(f))
	}
	if err != nil {
		c.Close()
		return nil, ctxErr(ctx, err)
	}
	c.rx.setDeadlines(time.Time{}, time.Time{}, true, true)
	return c, nil
}

// nextFrame returns the next frame received, without its "\n"; it stays
// valid until the next call.
func (c *xhrConn) nextFrame() ([]byte, error) {
	if c.streaming {
		return c.nextStreamed()
	}
	for len(c.rest) == 0 {
		if err := c.rx.waitUntil(time.Time{}); err != nil { // a deadline already past, or closed
			return nil, err
		}
		var err error
		c.body, err = c.rx.exchange(c.recvReq, c.body, int64(2*c.rx.o.MaxMessageSize+1024))
		if err == nil && c.rx.status != 200 {
			err = &StatusError{Code: c.rx.status, Body: firstLine(c.body)}
		}
		if err == nil && len(c.body) == 0 {
			err = protoErr("sockjs: empty xhr response")
		}
		if err != nil {
			c.rx.drop()
			return nil, err
		}
		c.rest, c.inStream = c.body, 0
		if string(c.body) == "h\n" || bytes.HasPrefix(c.body, []byte("c[2010,")) {
			c.cnt.emptyPolls.Add(1)
		}
	}
	c.inStream++
	i := bytes.IndexByte(c.rest, '\n')
	if i < 0 {
		c.rest = nil
		return nil, protoErr("sockjs: xhr frame without a line end")
	}
	f := c.rest[:i]
	c.rest = c.rest[i+1:]
	return f, nil
}

// nextStreamed returns the next frame of the xhr_streaming response,
// opening a response when none is being read.
func (c *xhrConn) nextStreamed() ([]byte, error) {
	for {
		if !c.open {
			if err := c.rx.waitUntil(time.Time{}); err != nil {
				return nil, err
			}
			err := c.rx.send(c.recvReq, 1)
			if err == nil {
				err = c.rx.readHeadFinal()
			}
			if err == nil && c.rx.status != 200 {
				err = &StatusError{Code: c.rx.status, Body: c.rx.errorBody()}
			}
			if err != nil {
				c.rx.drop()
				return nil, err
			}
			c.rx.startStream()
			c.open, c.prelude, c.inStream = true, true, 0
		}
		line, err := c.rx.line()
		switch {
		case errors.Is(err, io.EOF):
			// The server ended the response (its size limit): open another.
			c.open = false
			if !c.rx.keep(nil) {
				c.rx.drop()
			}
			if c.inStream == 0 {
				return nil, protoErr("sockjs: xhr_streaming response ended without a frame")
			}
			continue
		case err != nil:
			c.open = false
			c.rx.drop()
			return nil, err
		case c.prelude:
			c.prelude = false
			if len(line) != preludeLen || bytes.Count(line, []byte{'h'}) != preludeLen {
				return nil, protoErr("sockjs: xhr_streaming prelude expected, got %q", truncate(line))
			}
			continue
		}
		c.inStream++
		return line, nil
	}
}

func (c *xhrConn) Buffered() bool {
	switch {
	case c.fr.pending():
		return true
	case c.streaming:
		return c.open && c.rx.streamBuffered()
	}
	return len(c.rest) > 0
}

// ReadMessage returns the next message of the current a[...] frame,
// receiving frames (and skipping heartbeats) as needed.
func (c *xhrConn) ReadMessage(buf []byte) (bool, []byte, error) {
	for !c.fr.pending() {
		if c.closeErr != nil {
			return false, buf[:0], c.closeErr
		}
		f, err := c.nextFrame()
		if err != nil {
			return false, buf[:0], err
		}
		if err = c.fr.parse(f); err == nil {
			c.refused = 0
			continue
		}
		var ce *CloseError
		if errors.As(err, &ce) && ce.Code == 2010 && c.inStream == 1 && c.refused < maxRefused {
			// The server refused this request because it had not yet let
			// go of the previous one: the session is intact, ask again.
			c.refused++
			c.cnt.refused.Add(1)
			if c.refused > 1 {
				pause := min(time.Millisecond<<(c.refused-2), 100*time.Millisecond)
				if err := c.rx.waitUntil(time.Now().Add(pause)); err != nil {
					return false, buf[:0], err
				}
			}
			continue
		}
		if ce != nil {
			c.closeErr = ce // the session is over
		}
		return false, buf[:0], err
	}
	return false, c.fr.pop(buf), nil
}

// maxRefused is how many consecutive c[2010,...] answers are taken as the
// server's race rather than the end of the session.
const maxRefused = 20

func (c *xhrConn) QueueMessage(_ bool, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.queue(p)
	return nil
}

func (c *xhrConn) WriteMessage(_ bool, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.queue(p)
	return c.flushLocked()
}

func (c *xhrConn) Flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.flushLocked()
}

// queue adds p to the JSON array of the next xhr_send.
func (c *xhrConn) queue(p []byte) {
	if c.npend == 0 {
		c.pend = append(c.pend[:0], '[', '"')
	} else {
		c.pend = append(c.pend, ',', '"')
	}
	c.pend = appendJSONString(c.pend, p)
	c.pend = append(c.pend, '"')
	c.npend++
}

// flushLocked sends the queued messages in one xhr_send and waits for its
// answer.
func (c *xhrConn) flushLocked() error {
	if c.npend == 0 {
		return nil
	}
	c.pend = append(c.pend, ']')
	c.wbuf = append(c.wbuf[:0], c.sendHead...)
	c.wbuf = strconv.AppendInt(c.wbuf, int64(len(c.pend)), 10)
	c.wbuf = append(c.wbuf, "\r\n\r\n"...)
	c.wbuf = append(c.wbuf, c.pend...)
	c.npend = 0
	var err error
	c.sresp, err = c.tx.exchange(c.wbuf, c.sresp, 1<<10)
	if err == nil && c.tx.status != 204 && c.tx.status != 200 {
		err = &StatusError{Code: c.tx.status, Body: firstLine(c.sresp)}
		c.tx.drop()
	}
	return err
}

// SetReadDeadline bounds ReadMessage, the requests it makes included.
func (c *xhrConn) SetReadDeadline(t time.Time) error {
	c.rx.setDeadlines(t, t, true, true)
	return nil
}

// SetWriteDeadline bounds sends, the wait for their answer included.
func (c *xhrConn) SetWriteDeadline(t time.Time) error {
	c.tx.setDeadlines(t, t, true, true)
	return nil
}

func (c *xhrConn) Stats() Stats { return c.cnt.stats() }

func (c *xhrConn) Close() error {
	err := c.rx.Close()
	if err2 := c.tx.Close(); err == nil {
		err = err2
	}
	return err
}
