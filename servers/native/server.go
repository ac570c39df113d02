// Package native serves echo and broadcast with a WebSocket (RFC 6455)
// implementation written here on the standard library alone: net/http for
// the handshake (hijacked), crypto/sha1 for the accept key,
// encoding/binary for frame headers and unicode/utf8 for text messages.
//
// It is the measure of what the libraries cost over the protocol itself.
// Reads are buffered (the 4 KiB bufio.Reader net/http allocated for the
// request); a message is read whole into a per-connection buffer that
// keeps maxHeader bytes of headroom, unmasked in place eight bytes at a
// time, and echoed as one frame with one Write (its header goes in the
// headroom): no allocation per echo once the buffer has grown. The limit
// (server.MaxMessageSize) is applied to each frame's declared length,
// before its payload is read. Broadcast encodes each message once as a
// whole frame and writes it with one Write per subscriber.
//
// Files: handshake.go (opening handshake), frame.go (header encoding and
// masking), read.go (frames to messages, control frames, protocol rules),
// write.go (one Write per frame), close.go (close codes and closing),
// conn.go (the connection), server.go (echo, broadcast).
package native

import (
	"net/http"
	"time"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

type srv struct {
	env  *server.Env
	hub  *hub.Hub
	chat *chat.Hub
}

// New returns the standard-library server.
func New(env *server.Env) server.Server {
	s := &srv{env: env, hub: hub.New(env, prepareFrame)}
	s.chat = chat.New(env, func(p []byte) any { return prepareFrame(false, p) })
	hs := server.NewHTTP(env, http.HandlerFunc(s.echo), http.HandlerFunc(s.broadcast))
	hs.Handle(server.PathChat, http.HandlerFunc(s.serveChat))
	return hs
}

// accept upgrades and registers the connection; the caller must call the
// returned release function.
func (s *srv) accept(w http.ResponseWriter, r *http.Request) (*conn, func(), bool) {
	nc, br, ok := upgrade(w, r)
	if !ok {
		return nil, nil, false
	}
	c := newConn(nc, br, s.env.MaxMessageSize)
	untrack := s.env.Track(func(code int, reason string) {
		deadline := time.Now().Add(time.Second)
		_ = nc.SetWriteDeadline(deadline) // frees a write stuck on a client that does not read
		_ = c.writeClose(code, reason)
		_ = nc.SetReadDeadline(deadline) // the read loop ends and closes the conn
	})
	return c, func() { _ = nc.Close(); untrack() }, true
}

func (s *srv) echo(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	for {
		op, _, err := c.next()
		if err != nil {
			c.fail(err)
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		if err := c.writeMessage(op); err != nil {
			return
		}
		s.env.Stats.MsgsOut.Add(1)
		c.recycle()
	}
}

func (s *srv) broadcast(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	sub := s.hub.Join(func(code int, reason string) {
		_ = c.nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		_ = c.writeClose(code, reason)
		_ = c.nc.Close()
	})
	defer s.hub.Leave(sub)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		return c.writeFrame(m.Frame.([]byte))
	}, func() { _ = c.nc.Close() })
	for {
		op, p, err := c.next()
		if err != nil {
			c.fail(err)
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		s.hub.Publish(op == opBinary, p)
		c.recycle()
	}
}
