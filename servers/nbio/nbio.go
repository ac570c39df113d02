// Package nbio serves echo and broadcast with github.com/lesismal/nbio:
// nbhttp's own epoll loop in non-blocking mode (no goroutine per
// connection), handed our listener through Config.Listen, with its
// websocket Upgrader and callbacks.
//
// Idioms: the poller reads, nbio parses frames and joins messages, and
// OnMessage runs in nbio's callback pool, in order per connection; the
// payload is recycled after the callback (ReleaseWebsocketPayload).
// Echo answers with one WriteMessage: frames are not split
// (MaxWebsocketFramePayloadSize is the message limit), so one frame per
// echo, built with its header in one buffer. Writes never block: what the
// socket does not take at once waits in nbio's per-connection write list
// and goes out when epoll says the socket is writable. The read buffer is
// the poller's (nbio's default), shared by its connections, not one per
// connection. KeepaliveTime is 0: nbio would otherwise close a connection
// idle for 120 s.
//
// Broadcast: each message is compiled once into a frame, written as is
// to each subscriber's connection (nbio has no prepared-message type; one
// Write is one whole frame). Because writes never block, the hub's bound
// would never be reached by writing alone: a subscriber's writer (the hub's
// Deliver, the only goroutine a connection gets here) hands nbio one frame,
// then waits until nbio reports (Engine.OnWrittenSize) that every byte of
// it reached the socket before taking the next. So at most one frame per
// subscriber sits in nbio's write list, the rest wait in the hub's queue of
// 256 messages, and a subscriber that falls a full queue behind gets 1008,
// as with the blocking libraries.
//
// Checks: nbio enforces the 16 MiB limit on each frame's declared length
// (plus what the message already holds) before reading the payload, and
// answers 1009. It validates UTF-8 in text messages and close reasons but
// answers 1002; the adapter turns that check off (Engine.CheckUtf8) and does
// it itself (utf8.Valid) to answer 1007. Three things the adapter cannot
// change are declared in the registry: other protocol violations make nbio
// drop the TCP connection without a close frame; a data message with an
// empty payload never reaches OnMessage (so it is neither echoed nor
// broadcast); an unmasked client frame is read as if it were masked.
//
// Race builds add a hand-off the race detector can see (race.go).
package nbio

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"unicode/utf8"

	"github.com/lesismal/nbio/logging"
	"github.com/lesismal/nbio/nbhttp"
	"github.com/lesismal/nbio/nbhttp/websocket"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

var quietOnce sync.Once

type srv struct {
	env    *server.Env
	hub    *hub.Hub
	chat   *chat.Hub
	status *server.Status
	echo   *websocket.Upgrader
	bcast  *websocket.Upgrader
	chatUp *websocket.Upgrader

	// writing maps the poller's connection of each broadcast subscriber
	// to its flow control, for OnWrittenSize.
	writing sync.Map // *nbio.Conn -> *subscriber

	sessMu      sync.Mutex
	closedEarly map[*websocket.Conn]struct{} // see accept

	mu      sync.Mutex
	engine  *nbhttp.Engine
	stopped bool
	done    chan struct{} // closed by Shutdown; Serve returns
}

// New returns the nbio server.
func New(env *server.Env) server.Server {
	if !server.Debug() {
		quietOnce.Do(func() { logging.SetLevel(logging.LevelNone) }) // nbio logs through one global logger
	}
	s := &srv{env: env, status: server.NewStatus(env), done: make(chan struct{}),
		closedEarly: make(map[*websocket.Conn]struct{})}
	s.hub = hub.New(env, func(binary bool, p []byte) any { return compileFrame(binary, p) })
	s.echo = s.upgrader(s.onEcho)
	s.bcast = s.upgrader(s.onPublish)
	s.chat = chat.New(env, func(p []byte) any { return compileFrame(false, p) })
	s.chatUp = s.upgrader(s.onChat)
	return s
}

func (s *srv) upgrader(onMessage func(*conn, websocket.MessageType, []byte)) *websocket.Upgrader {
	u := websocket.NewUpgrader()
	u.CheckOrigin = func(*http.Request) bool { return true }
	u.KeepaliveTime = 0
	u.MessageLengthLimit = int(s.env.MaxMessageSize)
	// permessage-deflate (Deflate): negotiated without context takeover
	// at the library's default level; every message written to a
	// connection that negotiated it is compressed, except broadcasts,
	// which go out as one frame compiled once (see broadcast.go).
	u.EnableCompression(s.env.Deflate.On())
	u.OnMessage(func(wc *websocket.Conn, mt websocket.MessageType, p []byte) {
		c := wc.Session().(*conn)
		if mt == websocket.TextMessage && !utf8.Valid(p) {
			c.fail(closeInvalidData, "invalid UTF-8 in text message")
			return
		}
		onMessage(c, mt, p)
	})
	u.SetCloseHandler(answerClose)
	u.OnClose(s.onClose)
	return u
}

func (s *srv) mux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc(server.PathEcho, func(w http.ResponseWriter, r *http.Request) { s.accept(s.echo, w, r, nil) })
	m.HandleFunc(server.PathBroadcast, func(w http.ResponseWriter, r *http.Request) { s.accept(s.bcast, w, r, s.subscribe) })
	m.HandleFunc(server.PathChat, func(w http.ResponseWriter, r *http.Request) { s.accept(s.chatUp, w, r, s.joinChat) })
	m.Handle(server.PathHealth, s.status)
	m.Handle(server.PathStats, s.status)
	return m
}

// Serve implements server.Server: nbio's engine takes ln through
// Config.Listen and runs its own accept loop and pollers.
func (s *srv) Serve(ln net.Listener) error {
	e := nbhttp.NewEngine(nbhttp.Config{
		Network:                      ln.Addr().Network(),
		Addrs:                        []string{ln.Addr().String()},
		Listen:                       func(string, string) (net.Listener, error) { return ln, nil },
		Handler:                      s.mux(),
		IOMod:                        nbhttp.IOModNonBlocking,
		KeepaliveTime:                0,
		MaxWebsocketFramePayloadSize: int(s.env.MaxMessageSize),
		ReleaseWebsocketPayload:      true,
	})
	e.CheckUtf8 = func([]byte) bool { return true } // checked by the adapter, to answer 1007
	e.OnWrittenSize(s.written)
	raceHandoff(e)
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		_ = ln.Close()
		return nil
	}
	if err := e.Start(); err != nil {
		s.mu.Unlock()
		return err
	}
	s.engine = e
	s.mu.Unlock()
	s.status.SetReady(true)
	<-s.done
	return nil
}

// Shutdown implements server.Server. The close frames go out first:
// the engine's shutdown drops what is still in the write lists.
func (s *srv) Shutdown(ctx context.Context) error {
	s.status.SetReady(false)
	s.mu.Lock()
	e := s.engine
	if !s.stopped {
		s.stopped = true
		close(s.done)
	}
	s.mu.Unlock()
	err := s.env.CloseAll(ctx, server.CloseGoingAway, "server shutting down")
	if e != nil {
		if serr := e.Shutdown(ctx); err == nil && !errors.Is(serr, context.Canceled) {
			err = serr
		}
	}
	return err
}

func (s *srv) onEcho(c *conn, mt websocket.MessageType, p []byte) {
	s.env.Stats.MsgsIn.Add(1)
	if c.writeMessage(mt, p) == nil {
		s.env.Stats.MsgsOut.Add(1)
	}
}

func (s *srv) onChat(c *conn, _ websocket.MessageType, p []byte) {
	s.chat.HandleRaw(c.chat, p) // the hub copies what it keeps: nbio recycles p
}

func (s *srv) onPublish(_ *conn, mt websocket.MessageType, p []byte) {
	s.env.Stats.MsgsIn.Add(1)
	s.hub.Publish(mt == websocket.BinaryMessage, p) // Publish copies: nbio recycles p
}
