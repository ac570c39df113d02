// Package hertz serves echo and broadcast with github.com/cloudwego/hertz
// (its default netpoll transport, given our listener with
// server.WithListener) and github.com/hertz-contrib/websocket's
// HertzUpgrader, a fork of gorilla/websocket.
//
// Idioms: hertz routes /echo, /broadcast, /healthz and /stats; the
// upgrade hijacks the connection, and the websocket handler keeps the
// request's goroutine for the connection's life. The upgrader has
// gorilla's 4 KiB buffers and a pool of write buffers. Echo reads each
// message whole into a pooled buffer (the text check needs all of it, see
// servers/gorillafork) and writes it back as one frame with WriteMessage.
// Broadcast encodes each message once as a PreparedMessage; one writer
// goroutine per subscriber (one concurrent writer, as in gorilla).
//
// netpoll differs from net.Conn in ways the adapter works around:
//   - Its read timeout (hertz's ReadTimeout, 3 minutes by default) applies
//     to every read of a hijacked connection, so an idle WebSocket would be
//     cut after 3 minutes: the handler sets it to 0 after the upgrade.
//   - A read deadline set from another goroutine neither wakes a blocked
//     read nor is safe to set concurrently, so closing with 1001 (at
//     shutdown) sends the close frame and closes the connection, rather
//     than waiting for the client's answer as the net.Conn servers do.
//   - hertz closes a hijacked connection when the handler returns and
//     makes its Close a no-op before that; KeepHijackedConns (the
//     connection is ours to close) and NoHijackConnPool (not recycled, so
//     a second Close is harmless) make Close work.
//   - The transport panics where others return errors (serving fails):
//     Serve recovers and returns an error. A listener other than a
//     *net.TCPListener is refused up front.
//
// hertz and netpoll log through global loggers, silenced unless
// WSBENCH_DEBUG is set; route printing is off.
//
// Checks: the library applies the 16 MiB read limit to each frame's
// declared length before reading the payload (1009), validates UTF-8 in
// close reasons (1002) and answers protocol violations with 1002; the
// adapter adds the UTF-8 check of text messages (1007).
package hertz

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	sonicdecoder "github.com/bytedance/sonic/decoder"
	"github.com/cloudwego/hertz/pkg/app"
	hzserver "github.com/cloudwego/hertz/pkg/app/server"
	"github.com/cloudwego/hertz/pkg/common/hlog"
	"github.com/cloudwego/netpoll"
	"github.com/hertz-contrib/websocket"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/gorillafork"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

var quietOnce sync.Once

type srv struct {
	env    *server.Env
	hub    *hub.Hub
	chat   *chat.Hub
	up     websocket.HertzUpgrader
	status *server.Status

	mu       sync.Mutex
	h        *hzserver.Hertz
	stopping bool
}

// New returns the hertz server.
func New(env *server.Env) server.Server {
	if !server.Debug() {
		quietOnce.Do(func() {
			hlog.SetOutput(io.Discard)
			hlog.SetLevel(hlog.LevelFatal)
			netpoll.SetLoggerOutput(io.Discard)
		})
	}
	s := &srv{
		env:    env,
		status: server.NewStatus(env),
		up: websocket.HertzUpgrader{
			ReadBufferSize:  4096,
			WriteBufferSize: 4096,
			WriteBufferPool: &sync.Pool{},
			CheckOrigin:     func(*app.RequestContext) bool { return true },
		},
	}
	// permessage-deflate (Deflate), the gorilla fork's: no context
	// takeover, its default level; a PreparedMessage compresses a
	// broadcast once.
	s.up.EnableCompression = env.Deflate.On()
	s.hub = hub.New(env, gorillafork.Prepare(websocket.NewPreparedMessage))
	s.chat = chat.New(env, gorillafork.ChatPrepare(websocket.NewPreparedMessage))
	return s
}

// Serve implements server.Server.
func (s *srv) Serve(ln net.Listener) (err error) {
	if _, ok := ln.(*net.TCPListener); !ok {
		return fmt.Errorf("hertz: the netpoll transport needs a *net.TCPListener, got %T", ln)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("hertz: %v", r)
			if e, ok := r.(error); ok {
				err = fmt.Errorf("hertz: %w", e)
			}
			if s.isStopping() {
				err = nil // the transport's way of saying it stopped
			}
		}
	}()
	h := hzserver.New(
		hzserver.WithListener(ln),
		hzserver.WithDisablePrintRoute(true),
		hzserver.WithMaxRequestBodySize(64<<10), // no route takes a body
		// A kept-alive HTTP connection holds a goroutine waiting for its
		// next request, which graceful shutdown waits for: 1 s, not the
		// default 3 minutes.
		hzserver.WithIdleTimeout(time.Second),
	)
	h.KeepHijackedConns = true
	h.NoHijackConnPool = true
	h.GET(server.PathEcho, func(_ context.Context, ctx *app.RequestContext) { s.upgrade(ctx, s.echo) })
	h.GET(server.PathBroadcast, func(_ context.Context, ctx *app.RequestContext) { s.upgrade(ctx, s.broadcast) })
	h.GET(server.PathChat, func(_ context.Context, ctx *app.RequestContext) { s.upgrade(ctx, s.serveChat) })
	h.GET(server.PathHealth, func(_ context.Context, ctx *app.RequestContext) {
		code, body := s.status.Health()
		ctx.Data(code, "text/plain; charset=utf-8", []byte(body))
	})
	h.GET(server.PathStats, func(_ context.Context, ctx *app.RequestContext) {
		ctx.Data(200, "application/json", s.status.StatsJSON())
	})
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return ln.Close()
	}
	s.h = h
	s.mu.Unlock()
	s.status.SetReady(true)
	return h.Run()
}

func (s *srv) isStopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopping
}

// Shutdown implements server.Server: hertz stops accepting and waits for
// its connections, hijacked ones included, while the Env sends them 1001.
func (s *srv) Shutdown(ctx context.Context) error {
	s.status.SetReady(false)
	s.mu.Lock()
	s.stopping = true
	h := s.h
	s.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		if h == nil {
			done <- nil
			return
		}
		done <- h.Shutdown(ctx)
	}()
	err := s.env.CloseAll(ctx, server.CloseGoingAway, "server shutting down")
	if herr := <-done; err == nil {
		err = herr
	}
	return err
}

// readTimeouter is the hijacked netpoll connection's per-read timeout.
type readTimeouter interface {
	SetReadTimeout(time.Duration) error
}

// upgrade answers the handshake; serve runs on the hijacked connection.
func (s *srv) upgrade(ctx *app.RequestContext, serve func(*websocket.Conn)) {
	_ = s.up.Upgrade(ctx, func(c *websocket.Conn) { // on error the client got its answer
		if rt, ok := c.NetConn().(readTimeouter); ok {
			_ = rt.SetReadTimeout(0) // no idle limit, as on the other servers
		}
		c.SetReadLimit(s.env.MaxMessageSize)
		untrack := s.env.Track(gorillafork.Kick(c, time.Second))
		defer untrack()
		defer c.Close()
		serve(c)
	})
}

func (s *srv) echo(c *websocket.Conn) { gorillafork.Echo(s.env, c) }

func (s *srv) broadcast(c *websocket.Conn) { gorillafork.Broadcast(s.env, s.hub, c) }

// serveChat speaks the chat protocol with the fork's ReadJSON (which
// decodes with sonic) and a PreparedMessage per room message
// (gorillafork.Chat).
func (s *srv) serveChat(c *websocket.Conn) { gorillafork.Chat(s.chat, c, sonicDecodeError) }

// sonicDecodeError reports whether err, from ReadJSON, is about the
// message's content: sonic's own syntax and type errors, or a truncated
// value.
func sonicDecodeError(err error) bool {
	var se sonicdecoder.SyntaxError
	var me *sonicdecoder.MismatchTypeError
	return chat.IsDecodeError(err) || errors.As(err, &se) || errors.As(err, &me)
}
