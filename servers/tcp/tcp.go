// Package tcp is the ceiling of the suite: echo and broadcast over plain
// TCP, with no WebSocket at all, served the same way as every library
// (same limits, /stats counters, broadcast through servers/hub).
//
// Protocol (server.ProtoTCP). A client opens a TCP connection and sends a
// one-line preamble, "ECHO\n" or "BROADCAST\n"; the server answers "OK\n"
// once the connection is registered (a broadcast subscriber has joined the
// hub). Then each message, both ways, is a 4-byte big-endian length and
// that many payload bytes; there are no message types. A connection that
// starts any other way is HTTP: it is handed to net/http, which answers
// /healthz and /stats on the same port as every server does (and 400 to
// anything else). TCP has no close codes: a message declared over
// server.MaxMessageSize, a slow broadcast subscriber and shutdown all end
// the connection by closing it.
//
// Each connection has a goroutine, a 4 KiB bufio.Reader and a message
// buffer with four bytes of headroom, so that an echo is one Write of
// length and payload with no allocation once the buffer has grown.
package tcp

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/internal/accept"
	"github.com/wsbench/wsbench/servers/internal/handoff"
	"github.com/wsbench/wsbench/servers/server"
)

// Preambles and the server's answer.
const (
	PreambleEcho      = "ECHO\n"
	PreambleBroadcast = "BROADCAST\n"
	Ready             = "OK\n"
)

// preambleTimeout bounds the wait for a new connection's first line.
const preambleTimeout = 10 * time.Second

type srv struct {
	env  *server.Env
	hub  *hub.Hub
	http *server.HTTPServer

	mu      sync.Mutex
	ln      net.Listener
	closing bool
}

// New returns the plain TCP server.
func New(env *server.Env) server.Server {
	s := &srv{env: env, hub: hub.New(env, prepare)}
	notTCP := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "tcp: send ECHO or BROADCAST on a plain TCP connection", http.StatusBadRequest)
	})
	s.http = server.NewHTTP(env, notTCP, notTCP)
	return s
}

// Serve implements server.Server.
func (s *srv) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.ln = ln
	s.mu.Unlock()
	hl := handoff.NewListener(ln.Addr())
	httpDone := make(chan error, 1)
	go func() { httpDone <- s.http.Serve(hl) }()
	defer func() { hl.Close(); <-httpDone }()
	return accept.Loop(ln, s.isClosing, func(nc net.Conn) { s.serve(nc, hl) })
}

// isClosing reports whether Shutdown has begun.
func (s *srv) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Shutdown implements server.Server: the listener closes, then every
// connection is closed (TCP has no close code to send).
func (s *srv) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	ln := s.ln
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	return s.http.Shutdown(ctx)
}

// serve reads a connection's preamble and serves it.
func (s *srv) serve(nc net.Conn, hl *handoff.Listener) {
	_ = nc.SetDeadline(time.Now().Add(preambleTimeout))
	var buf [16]byte
	head, err := handoff.Sniff(nc, buf[:])
	var rest []byte
	mode := ""
	for _, p := range []string{PreambleEcho, PreambleBroadcast} {
		if bytes.HasPrefix(head, []byte(p)) {
			mode, rest = p, head[len(p):]
		}
	}
	if mode == "" {
		if err != nil && len(head) == 0 {
			nc.Close()
			return
		}
		_ = nc.SetDeadline(time.Time{})
		hl.Push(&handoff.Conn{Conn: nc, Prefix: head})
		return
	}
	_ = nc.SetDeadline(time.Time{})
	c := newConn(nc, rest, s.env.MaxMessageSize)
	untrack := s.env.Track(func(int, string) { c.cut() })
	defer func() { nc.Close(); untrack() }()
	if mode == PreambleEcho {
		s.echo(c)
	} else {
		s.broadcast(c)
	}
}

func (s *srv) echo(c *conn) {
	if c.write([]byte(Ready)) != nil {
		return
	}
	for {
		if err := c.next(); err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		if err := c.writeMessage(); err != nil {
			return
		}
		s.env.Stats.MsgsOut.Add(1)
		c.recycle()
	}
}

func (s *srv) broadcast(c *conn) {
	sub := s.hub.Join(func(int, string) { c.cut() })
	defer s.hub.Leave(sub)
	if c.write([]byte(Ready)) != nil {
		return
	}
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		return c.write(m.Frame.([]byte))
	}, c.cut)
	for {
		if err := c.next(); err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		s.hub.Publish(true, c.payload())
		c.recycle()
	}
}

// prepare encodes a broadcast message once: length and payload.
func prepare(_ bool, p []byte) any {
	f := make([]byte, lenSize+len(p))
	putLen(f, len(p))
	copy(f[lenSize:], p)
	return f
}
