package coderfork

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/wsbench/wsbench/servers/server"
)

// errInvalidText ends a connection whose client sent text that is not
// UTF-8 (fail closes it with 1007).
var errInvalidText = errors.New("coderfork: text message is not valid UTF-8")

// closeWithin runs the close handshake with code, bounded by d: the
// deadline on the raw connection ends both the write of the close frame and
// the wait for the peer's answer (and any read or write in progress).
func closeWithin[T, S ~int](c Conn[T, S], nc net.Conn, code int, reason string, d time.Duration) {
	_ = nc.SetDeadline(time.Now().Add(d))
	_ = c.Close(S(code), reason)
}

// accept upgrades and registers the connection; the caller must call the
// returned release function.
func (s *srv[T, S]) accept(w http.ResponseWriter, r *http.Request) (Conn[T, S], *server.Guard, func(), bool) {
	hw := &hijackRecorder{ResponseWriter: w, limit: s.env.MaxMessageSize}
	c, err := s.api.Accept(hw, r)
	if err != nil {
		return nil, nil, nil, false // Accept already answered the client
	}
	c.SetReadLimit(s.env.MaxMessageSize)
	nc := hw.conn
	untrack := s.env.Track(func(code int, reason string) {
		closeWithin(c, nc, code, reason, time.Second)
	})
	return c, nc, func() { _ = c.CloseNow(); untrack() }, true
}

// fail closes the connection after a read error that the adapter or its
// guard found: 1007 for text that is not UTF-8, the guard's code for a
// frame it refused. Errors the library found itself it has answered.
func (s *srv[T, S]) fail(c Conn[T, S], g *server.Guard, err error) {
	switch {
	case errors.Is(err, errInvalidText):
		closeWithin(c, g, server.CloseInvalidData, "invalid UTF-8", time.Second)
	case g.Violation() == server.CloseTooBig:
		closeWithin(c, g, server.CloseTooBig, "message too big", time.Second)
	case g.Violation() == server.CloseInvalidData:
		closeWithin(c, g, server.CloseInvalidData, "invalid UTF-8 in close reason", time.Second)
	}
}

// hijackRecorder passes Hijack through to the real ResponseWriter and hands
// the library the connection wrapped in a server.Guard, which it keeps: its
// deadlines bound the close handshake.
type hijackRecorder struct {
	http.ResponseWriter
	limit int64
	conn  *server.Guard
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	g, brw, err := server.Hijack(h.ResponseWriter, h.limit)
	if err != nil {
		return nil, nil, err
	}
	h.conn = g
	return g, brw, nil
}
