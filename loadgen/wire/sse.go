package wire

import (
	"encoding/base64"
	"errors"
	"io"
	"strconv"
	"time"
)

// The Server-Sent Events subscriber of httpConn (HTTPOptions.Subscribe ==
// SSE): one GET PREFIX/events?after=SEQ stream at a time, read line by
// line from the response body as it arrives. Each event is
//
//	id: SEQ
//	data: PAYLOAD            (or "event: b64" and the payload in base64)
//	<empty line>
//
// and lines starting with ':' are comments (the server's ": ping"). When
// the server ends the stream, the client opens it again at once, as a
// browser's EventSource does, with the same URL and a Last-Event-ID header
// holding the last id received, so nothing is lost or repeated; each such
// reconnection is counted (Stats.Reconnects). After a read error (a
// deadline) the stream is abandoned, and the next ReadMessage opens another
// one after the last complete event in the same way. A stream that ends without
// delivering an event is followed by a growing pause (10 ms doubling, at
// most 1 s) so that a server ending every stream at once is not hammered.

// maxSSEBackoff bounds the pause before reopening a stream that ended
// without an event.
const maxSSEBackoff = time.Second

// readEvent returns the data of the next event appended to dst.
func (c *httpConn) readEvent(dst []byte) ([]byte, error) {
	for {
		if !c.streaming {
			if err := c.openEvents(); err != nil {
				c.drop()
				return dst, err
			}
		}
		p, err := c.nextEvent(dst)
		if err == nil {
			c.events++
			return p, nil
		}
		if !errors.Is(err, io.EOF) {
			c.streaming = false
			c.drop()
			return dst, err
		}
		// The server ended the stream (a partial event is dropped, as the
		// SSE specification says): reconnect after the last id.
		c.streaming = false
		if !c.keep(nil) {
			c.drop()
		}
		c.cnt.reconnects.Add(1)
		if c.events == 0 {
			c.idle++
			pause := min(10*time.Millisecond<<min(c.idle-1, 10), maxSSEBackoff)
			if err := c.waitUntil(time.Now().Add(pause)); err != nil {
				return dst, err
			}
		} else {
			c.idle = 0
		}
	}
}

// openEvents sends GET /events and reads the response head.
func (c *httpConn) openEvents() error {
	if err := c.waitUntil(time.Time{}); err != nil { // a deadline already past, or closed
		return err
	}
	c.wbuf = append(c.wbuf[:0], c.pollHead...)
	c.wbuf = strconv.AppendUint(c.wbuf, c.o.HTTP.After, 10)
	c.wbuf = append(c.wbuf, c.pollTail...)
	if c.opened {
		c.wbuf = append(c.wbuf, "Last-Event-ID: "...)
		c.wbuf = strconv.AppendUint(c.wbuf, c.after, 10)
		c.wbuf = append(c.wbuf, "\r\n"...)
	}
	c.wbuf = append(c.wbuf, "\r\n"...)
	err := c.send(c.wbuf, 1)
	c.wbuf = c.wbuf[:0]
	if err == nil {
		err = c.readHeadFinal()
	}
	if err != nil {
		return err
	}
	if c.status != 200 {
		return &StatusError{Code: c.status, Body: c.errorBody()}
	}
	c.startStream()
	c.streaming, c.opened, c.events = true, true, 0
	return nil
}

// nextEvent reads lines until an event with data is complete and appends
// its payload to dst. io.EOF means the server ended the stream.
func (c *httpConn) nextEvent(dst []byte) ([]byte, error) {
	start := len(dst)
	var id uint64
	hasID, hasData, b64 := false, false, false
	for {
		line, err := c.line()
		if err != nil {
			return dst[:start], err
		}
		if len(line) == 0 { // end of the event
			if hasID {
				if id > c.after+1 && c.after > 0 {
					c.cnt.logGaps.Add(1)
				}
				c.after = id
			}
			if !hasData {
				hasID, b64 = false, false
				continue
			}
			if b64 {
				c.b64 = append(c.b64[:0], dst[start:]...)
				n := base64.StdEncoding.DecodedLen(len(c.b64))
				dst = grow(dst[:start], n)
				m, err := base64.StdEncoding.Decode(dst[start:], c.b64)
				if err != nil {
					return dst[:start], protoErr("sse: bad base64 data: %v", err)
				}
				dst = dst[:start+m]
			}
			return dst, nil
		}
		if line[0] == ':' {
			continue // comment: ": ping"
		}
		name, value := line, []byte(nil)
		for i, ch := range line {
			if ch == ':' {
				name, value = line[:i], line[i+1:]
				if len(value) > 0 && value[0] == ' ' {
					value = value[1:]
				}
				break
			}
		}
		switch string(name) {
		case "data":
			if hasData {
				dst = append(dst, '\n')
			}
			dst = append(dst, value...)
			hasData = true
		case "id":
			v, ok := parseDec(value)
			if !ok {
				return dst[:start], protoErr("sse: bad id %q", truncate(value))
			}
			id, hasID = v, true
		case "event":
			switch string(value) {
			case "b64":
				b64 = true
			case "", "message":
				b64 = false
			default:
				return dst[:start], protoErr("sse: unexpected event type %q", truncate(value))
			}
		}
		// Other fields ("retry") are ignored, as the specification says.
	}
}
