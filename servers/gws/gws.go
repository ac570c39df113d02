// Package gws serves echo and broadcast with github.com/lxzan/gws on
// net/http: its Upgrader (UpgradeFromConn on the hijacked connection, with
// net/http's reader, so that bytes a client sent right behind its
// handshake are not lost), then `go c.ReadLoop()` per connection, with the
// library's event callbacks (OnMessage, OnPing...). Its own Server is not
// used: RunListener keeps looping on accept errors once the listener
// closes.
//
// Idioms: messages are read whole into pooled buffers (4 KiB read buffer,
// the default) and handed to OnMessage; echo answers each with one
// WriteMessage, a single frame and a single write, and releases the buffer.
// ParallelEnabled stays off, so a connection's messages are handled in
// order. Broadcast wraps each message in a gws.Broadcaster, which encodes
// the frame once for every subscriber; one writer per subscriber (the hub's
// Deliver) hands it to Broadcaster.Broadcast and waits for its write
// callback, so that the library's own unbounded per-connection write queue
// never holds more than one message and the hub's 256-message bound and
// 1008 policy hold.
//
// Checks: the library enforces the 16 MiB limit on each frame's declared
// length, before reading the payload (1009), validates UTF-8 in text
// messages and close reasons (CheckUtf8Enabled: 1007), and answers
// protocol violations with 1002. The adapter adds none. The library answers
// every peer close with 1000 (or 1002/1007 for a bad one) whatever code the
// peer sent, and offers no hook to change it: declared in the registry.
package gws

import (
	"net/http"
	"time"

	"github.com/lxzan/gws"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

type srv struct {
	env  *server.Env
	hub  *hub.Hub
	chat *chat.Hub
}

// New returns the gws server.
func New(env *server.Env) server.Server {
	s := &srv{env: env}
	s.hub = hub.New(env, func(binary bool, p []byte) any {
		return gws.NewBroadcaster(opcode(binary), p)
	})
	echo := gws.NewUpgrader(&echoHandler{env: env}, s.options())
	bcast := gws.NewUpgrader(&broadcastHandler{srv: s}, s.options())
	s.newChat()
	chatUp := gws.NewUpgrader(&chatHandler{srv: s}, s.options())
	hs := server.NewHTTP(env,
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(echo, w, r, nil) }),
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(bcast, w, r, s.subscribe) }))
	hs.Handle(server.PathChat, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(chatUp, w, r, s.joinChat) }))
	return hs
}

func (s *srv) options() *gws.ServerOption {
	return &gws.ServerOption{
		ReadBufferSize:     4096,
		ReadMaxPayloadSize: int(s.env.MaxMessageSize),
		CheckUtf8Enabled:   true,
		ParallelEnabled:    false, // order within a connection matters
		Logger:             quietLogger{},
		PermessageDeflate:  permessageDeflate(s.env.Deflate),
	}
}

// permessageDeflate is the library's PermessageDeflate for d (Deflate):
// context takeover on both sides or on neither, the library's default
// level (flate.BestSpeed, the fastest), threshold and pool. With context takeover the library would default to
// 4 KiB windows (max_window_bits 12, answered even to a client that did
// not offer the parameter), which a client on compress/flate cannot
// honour: the windows are set to the full 32 KiB (15), which every client
// can.
func permessageDeflate(d server.Deflate) gws.PermessageDeflate {
	if !d.On() {
		return gws.PermessageDeflate{}
	}
	pd := gws.PermessageDeflate{
		Enabled:               true,
		ServerContextTakeover: d.ContextTakeover(),
		ClientContextTakeover: d.ContextTakeover(),
		ServerMaxWindowBits:   15,
		ClientMaxWindowBits:   15,
	}
	return pd
}

func opcode(binary bool) gws.Opcode {
	if binary {
		return gws.OpcodeBinary
	}
	return gws.OpcodeText
}

// serve upgrades, registers the connection and runs its read loop in its
// own goroutine. join, when set, subscribes it to the hub for as long as
// the read loop runs.
func (s *srv) serve(up *gws.Upgrader, w http.ResponseWriter, r *http.Request, join func(*gws.Conn) func()) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot hijack", http.StatusInternalServerError)
		return
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return
	}
	// Upgrade would drop what net/http's reader holds (frames a client
	// sent right behind its handshake): hand that reader to gws instead.
	c, err := up.UpgradeFromConn(nc, brw.Reader, r)
	if err != nil {
		return // UpgradeFromConn already answered the client and closed the conn
	}
	untrack := s.env.Track(func(code int, reason string) {
		closeWithin(c, time.Second, code, reason) // the read loop ends with the conn
	})
	go func() {
		defer untrack()
		if join != nil {
			defer join(c)()
		}
		c.ReadLoop()
	}()
}

// closeWithin sends a close frame and closes the connection. WriteClose
// takes the write lock, which a writer stuck on a client that does not
// read holds: the deadline frees it.
func closeWithin(c *gws.Conn, d time.Duration, code int, reason string) {
	_ = c.SetWriteDeadline(time.Now().Add(d))
	_ = c.WriteClose(uint16(code), []byte(reason))
}

// subscribe joins c to the hub and starts its writer; the returned function
// leaves.
func (s *srv) subscribe(c *gws.Conn) (leave func()) {
	sub := s.hub.Join(func(code int, reason string) {
		closeWithin(c, 100*time.Millisecond, code, reason)
	})
	written := make(chan error, 1)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		if err := m.Frame.(*gws.Broadcaster).Broadcast(c, func(err error) { written <- err }); err != nil {
			return err
		}
		return <-written
	}, func() { _ = c.NetConn().Close() })
	return func() { s.hub.Leave(sub) }
}

type echoHandler struct {
	gws.BuiltinEventHandler // answers pings
	env                     *server.Env
}

func (h *echoHandler) OnMessage(c *gws.Conn, m *gws.Message) {
	h.env.Stats.MsgsIn.Add(1)
	err := c.WriteMessage(m.Opcode, m.Bytes())
	_ = m.Close() // back to the library's pool
	if err == nil {
		h.env.Stats.MsgsOut.Add(1)
	}
}

type broadcastHandler struct {
	gws.BuiltinEventHandler
	srv *srv
}

func (h *broadcastHandler) OnMessage(_ *gws.Conn, m *gws.Message) {
	h.srv.env.Stats.MsgsIn.Add(1)
	h.srv.hub.Publish(m.Opcode == gws.OpcodeBinary, m.Bytes()) // Publish copies
	_ = m.Close()
}

// quietLogger drops the library's error lines (one per failed upgrade or
// recovered panic); the failure tests provoke them on purpose.
type quietLogger struct{}

func (quietLogger) Error(...any) {}
