// Package gorillafork holds what the servers built on forks of
// gorilla/websocket share (fasthttp/websocket for fasthttp,
// hertz-contrib/websocket for hertz): the forks keep gorilla's connection
// API but each has its own types, so the loops (ReadMessages, Echo,
// Broadcast) are written once here against that API.
//
// Like gorilla, the forks check a frame's declared length against the read
// limit before reading its payload (1009), validate UTF-8 in close reasons
// (1002) and answer a peer's close with its code, but do not validate
// UTF-8 in text messages: ReadMessages does (1007), which needs the whole
// message before any of it is echoed, so each echo is one frame.
package gorillafork

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wsbench/wsbench/servers/server"
)

// Message types and the close code used here: RFC 6455 values, the same
// constants in gorilla and its forks.
const (
	TextMessage   = 1
	BinaryMessage = 2
	closeMessage  = 8

	closeInvalidData = 1007
)

// Conn is the part of gorilla's connection API the loops use.
type Conn interface {
	NextReader() (messageType int, r io.Reader, err error)
	WriteControl(messageType int, data []byte, deadline time.Time) error
	SetReadDeadline(t time.Time) error
	Close() error
}

// bufs holds message buffers between messages, so that an idle
// connection holds none.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// ReadMessages reads each message whole and calls handle with it; p is
// valid only during the call. A text message that is not UTF-8 closes the
// connection with 1007. It returns when reading or handle fails; the
// caller closes the connection.
func ReadMessages(c Conn, handle func(messageType int, p []byte) error) {
	for {
		mt, r, err := c.NextReader()
		if err != nil {
			return
		}
		buf := bufs.Get().(*bytes.Buffer)
		buf.Reset()
		_, err = buf.ReadFrom(r)
		if err == nil && mt == TextMessage && !utf8.Valid(buf.Bytes()) {
			_ = c.WriteControl(closeMessage, CloseBody(closeInvalidData, "invalid UTF-8 in text message"), time.Now().Add(time.Second))
			err = errInvalidText
		}
		if err == nil {
			err = handle(mt, buf.Bytes())
		}
		bufs.Put(buf)
		if err != nil {
			return
		}
	}
}

var errInvalidText = errors.New("invalid UTF-8 in text message")

// CloseBody is the payload of a close frame: the code, then the reason.
func CloseBody(code int, reason string) []byte {
	b := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(reason)), uint16(code))
	return append(b, reason...)
}

// GoingAway is the connection's Env.Track close function: the close frame
// goes out within a second and the read loop, which closes the
// connection, ends on its read deadline.
func GoingAway(c Conn) server.CloseFunc {
	return func(code int, reason string) {
		deadline := time.Now().Add(time.Second)
		_ = c.WriteControl(closeMessage, CloseBody(code, reason), deadline)
		_ = c.SetReadDeadline(deadline)
	}
}

// Kick sends a close frame, giving it grace to go out, then closes the
// connection: a subscriber's hub kick (100 ms), or the Env.Track close
// function where a read deadline set from another goroutine does not end
// the read loop (netpoll).
func Kick(c Conn, grace time.Duration) server.CloseFunc {
	return func(code int, reason string) {
		_ = c.WriteControl(closeMessage, CloseBody(code, reason), time.Now().Add(grace))
		_ = c.Close()
	}
}
