// Package fasthttp serves echo and broadcast with the github.com/valyala/fasthttp
// server (Server.Serve on our listener) and github.com/fasthttp/websocket's
// FastHTTPUpgrader, a fork of gorilla/websocket.
//
// Idioms: fasthttp answers /healthz and /stats itself and hijacks the
// connection for the upgrade; the websocket handler then runs on the
// hijacked connection, which keeps fasthttp's 4 KiB request reader. The
// upgrader has gorilla's 4 KiB buffers and a pool of write buffers. Echo
// reads each message whole into a pooled buffer (the text check needs all
// of it, see servers/gorillafork) and writes it back as one frame with
// WriteMessage. Broadcast encodes each message once as a PreparedMessage;
// one writer goroutine per subscriber (one concurrent writer, as in
// gorilla).
//
// fasthttp's ShutdownWithContext does not know hijacked connections: they
// are tracked in the Env and get their 1001 from it. KeepHijackedConns is
// on: by default fasthttp closes a hijacked connection when the handler
// returns, makes its Close a no-op before that (a kicked subscriber would
// stay connected) and recycles it after (a late close would touch another
// connection's).
//
// Checks: the library applies the 16 MiB read limit to each frame's
// declared length before reading the payload (1009), validates UTF-8 in
// close reasons (1002) and answers protocol violations with 1002; the
// adapter adds the UTF-8 check of text messages (1007).
package fasthttp

import (
	"context"
	"io"
	"log"
	"net"
	"os"
	"sync"

	"github.com/fasthttp/websocket"
	"github.com/valyala/fasthttp"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/gorillafork"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

type srv struct {
	env    *server.Env
	hub    *hub.Hub
	chat   *chat.Hub
	up     websocket.FastHTTPUpgrader
	status *server.Status
	srv    *fasthttp.Server
}

// New returns the fasthttp server.
func New(env *server.Env) server.Server {
	s := &srv{
		env:    env,
		status: server.NewStatus(env),
		up: websocket.FastHTTPUpgrader{
			ReadBufferSize:  4096,
			WriteBufferSize: 4096,
			WriteBufferPool: &sync.Pool{},
			CheckOrigin:     func(*fasthttp.RequestCtx) bool { return true },
		},
	}
	// permessage-deflate (Deflate), the gorilla fork's: no context
	// takeover, its default level; a PreparedMessage compresses a
	// broadcast once.
	s.up.EnableCompression = env.Deflate.On()
	s.hub = hub.New(env, gorillafork.Prepare(websocket.NewPreparedMessage))
	s.chat = chat.New(env, gorillafork.ChatPrepare(websocket.NewPreparedMessage))
	s.srv = &fasthttp.Server{
		Handler:                      s.route,
		Name:                         "wsbench",
		Logger:                       logger(),
		NoDefaultServerHeader:        true,
		DisablePreParseMultipartForm: true,
		// The hijacked connection is ours: Close closes it, and fasthttp
		// neither closes nor recycles it when the handler returns (a late
		// close from the Env or the hub would otherwise touch a recycled
		// connection).
		KeepHijackedConns: true,
	}
	return s
}

func (s *srv) route(ctx *fasthttp.RequestCtx) {
	switch string(ctx.Path()) {
	case server.PathEcho:
		s.upgrade(ctx, s.echo)
	case server.PathBroadcast:
		s.upgrade(ctx, s.broadcast)
	case server.PathChat:
		s.upgrade(ctx, s.serveChat)
	case server.PathHealth:
		code, body := s.status.Health()
		ctx.SetStatusCode(code)
		ctx.SetContentType("text/plain; charset=utf-8")
		ctx.SetBodyString(body)
	case server.PathStats:
		ctx.SetContentType("application/json")
		ctx.SetBody(s.status.StatsJSON())
	default:
		ctx.NotFound()
	}
}

// upgrade answers the handshake; serve runs on the hijacked connection
// once fasthttp's handler has returned, and must not leave it in use.
func (s *srv) upgrade(ctx *fasthttp.RequestCtx, serve func(*websocket.Conn)) {
	_ = s.up.Upgrade(ctx, func(c *websocket.Conn) { // on error the client got its answer
		c.SetReadLimit(s.env.MaxMessageSize)
		untrack := s.env.Track(gorillafork.GoingAway(c))
		defer untrack()
		defer c.Close()
		serve(c)
	})
}

func (s *srv) echo(c *websocket.Conn) { gorillafork.Echo(s.env, c) }

func (s *srv) broadcast(c *websocket.Conn) { gorillafork.Broadcast(s.env, s.hub, c) }

// serveChat speaks the chat protocol with the fork's ReadJSON and a
// PreparedMessage per room message (gorillafork.Chat).
func (s *srv) serveChat(c *websocket.Conn) { gorillafork.Chat(s.chat, c, nil) }

// Serve implements server.Server.
func (s *srv) Serve(ln net.Listener) error {
	s.status.SetReady(true)
	return s.srv.Serve(ln) // nil once ShutdownWithContext closed ln
}

// Shutdown implements server.Server: fasthttp closes the listener and
// waits for its requests, while the Env sends 1001 on every hijacked
// WebSocket connection.
func (s *srv) Shutdown(ctx context.Context) error {
	s.status.SetReady(false)
	done := make(chan error, 1)
	go func() { done <- s.srv.ShutdownWithContext(ctx) }()
	err := s.env.CloseAll(ctx, server.CloseGoingAway, "server shutting down")
	if herr := <-done; err == nil {
		err = herr
	}
	return err
}

// logger drops fasthttp's error lines (the failure tests provoke them on
// purpose) unless WSBENCH_DEBUG is set.
func logger() fasthttp.Logger {
	if server.Debug() {
		return log.New(os.Stderr, "fasthttp: ", log.LstdFlags)
	}
	return log.New(io.Discard, "", 0)
}
