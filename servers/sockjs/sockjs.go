// Package sockjs serves echo and broadcast with github.com/igm/sockjs-go/v3.
//
// Each of /echo and /broadcast is one sockjs.Handler with the library's
// default options: the websocket transport (PREFIX/{server}/{session}/websocket,
// the one the load generator speaks) and the emulated transports
// (xhr-streaming, xhr-polling, eventsource, htmlfile, jsonp) are all on, and
// heartbeats go out every 25 s. SockJS carries text only (JSON strings).
//
// Idioms and the places where the library needed help:
//
//   - One handler goroutine per session: Recv, then Send. Send writes
//     synchronously under the session lock, so echo replies leave in order.
//   - Broadcast goes through servers/hub, which copies each message once;
//     that copy is shared, as a string, by every subscriber's Send. One
//     writer goroutine per session drains its queue with Send.
//   - Send blocks while a websocket client does not read. The library never
//     sets a write deadline (WebsocketWriteTimeout 0) and does not expose
//     the connection, so the adapter records the TCP connection when the
//     upgrade hijacks it. Closing a session (slow-client kick with 1008,
//     shutdown with 1001) calls Session.Close, which writes the close frame
//     c[code,"reason"] once the session lock is free; if that has not
//     happened within a grace period the TCP connection is closed, which
//     fails the blocked write. This is the gorilla adapter's policy: try a
//     close frame briefly, then cut the connection.
//   - Over the HTTP transports the library keeps messages for a client
//     between polls in its own unbounded per-session buffer, so Send only
//     blocks while a streaming response is open and full; the 256-message
//     policy applies then. A client that stops polling is closed by the
//     library after DisconnectDelay (5 s). There is no connection to cut:
//     a close frame waits for the client's next read.
//   - The library reads every websocket frame whole, with no size limit
//     (it never calls SetReadLimit), decodes it with encoding/json (which
//     turns invalid UTF-8 into U+FFFD) and decodes xhr_send bodies without
//     a limit. On the websocket transport the adapter reads the hijacked
//     connection through server.Guard: a frame declaring more than
//     MaxMessageSize plus sendSlack, text that is not UTF-8 and a close
//     reason that is not UTF-8 close the session with c[1009,"..."] or
//     c[1007,"..."] before the library reads them. A decoded message
//     longer than MaxMessageSize (within the slack) is closed with
//     c[1009,"..."] after decoding. An xhr_send or jsonp_send body longer
//     than MaxMessageSize plus sendSlack is refused with 413 before the
//     library reads it (then drained), and its session is closed with
//     1009.
//   - The iframe page (PREFIX/iframe.html, always served by the library)
//     embeds the library's default SockJS client URL on a CDN. The server
//     never fetches it; only a browser falling back to an iframe transport
//     would, so the default is kept. No test or benchmark here uses it.
package sockjs

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/gorilla/websocket"
	"github.com/igm/sockjs-go/v3/sockjs"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

const (
	// kickGrace bounds how long a slow subscriber's close frame may wait
	// behind a blocked write before its connection is cut (as gorilla).
	kickGrace = 100 * time.Millisecond
	// shutdownGrace is the same bound at shutdown (as gorilla).
	shutdownGrace = time.Second
	// sendSlack is the JSON framing allowed on top of MaxMessageSize in an
	// xhr_send body: brackets, quotes, commas and a few escapes.
	sendSlack = 64 << 10
)

type srv struct {
	env  *server.Env
	hub  *hub.Hub
	chat *chat.Hub
}

// New returns the sockjs-go server.
func New(env *server.Env) server.Server {
	return newServer(env, options(Production))
}

// Options are the adapter's configuration choices: those of the gorilla
// upgrader the library writes websocket frames with (each Send is one
// WriteMessage, one frame).
type Options struct {
	BufferSize int  // read and write buffer size
	WritePool  bool // write buffers pooled between writes
}

// Production is the configuration New uses, chosen by the ablation in
// results/tuning/.
var Production = Options{BufferSize: 4096, WritePool: true}

// Variants are the configurations the ablation benchmarks compare; the
// first is Production.
func Variants() []server.Variant {
	v := func(name string, o Options) server.Variant {
		return server.Variant{Name: name, New: func(env *server.Env) server.Server { return newServer(env, options(o)) }}
	}
	return []server.Variant{
		v("4k-pool", Production),
		v("4k", Options{BufferSize: 4096}),
		v("64k-pool", Options{BufferSize: 64 << 10, WritePool: true}),
	}
}

// options are the library defaults, with the websocket upgrader configured
// as in the gorilla adapter (4 KiB buffers, write buffers pooled between
// writes, any origin); the library's own default upgrader has no pool and
// refuses cross-origin browsers.
func options(o Options) sockjs.Options {
	opts := sockjs.DefaultOptions
	opts.WebsocketUpgrader = &websocket.Upgrader{
		ReadBufferSize:  o.BufferSize,
		WriteBufferSize: o.BufferSize,
		CheckOrigin:     func(*http.Request) bool { return true },
	}
	if o.WritePool {
		opts.WebsocketUpgrader.WriteBufferPool = &sync.Pool{}
	}
	return opts
}

func newServer(env *server.Env, opts sockjs.Options) server.Server {
	s := &srv{env: env}
	// permessage-deflate (Deflate) is the gorilla upgrader's, on the
	// websocket transport only: no context takeover, the library's level.
	opts.WebsocketUpgrader.EnableCompression = env.Deflate.On()
	// The hub's copy of a message is never modified: share it as the
	// string every subscriber's Send takes, without another copy.
	s.hub = hub.New(env, func(_ bool, p []byte) any { return unsafe.String(unsafe.SliceData(p), len(p)) })
	echo := s.endpoint(server.PathEcho, opts, s.echo)
	bcast := s.endpoint(server.PathBroadcast, opts, s.broadcast)
	h := server.NewHTTP(env, echo, bcast)
	s.chat = chat.New(env, chatPrepare)
	chatEP := s.endpoint(server.PathChat, opts, s.serveChat)
	h.Handle(server.PathChat, chatEP)
	h.Handle(server.PathChat+"/", chatEP)
	s.protocolTestPrefixes(h, opts)
	return h
}

// session is one SockJS session as the adapter sees it.
type session struct {
	sockjs.Session
	// raw is the TCP connection of a websocket-transport session; nil for
	// the HTTP transports.
	raw net.Conn
}

// close ends the session with a SockJS close frame. The frame is written
// when the session lock is free, that is after any Send in progress; if
// that takes longer than grace (a websocket client that stopped reading),
// the TCP connection is closed, which fails the blocked write. Over the
// HTTP transports there is no connection to cut: the frame goes out when
// the client reads, or is dropped when the library times the session out.
func (c *session) close(code int, reason string, grace time.Duration) {
	done := make(chan struct{})
	go func() {
		_ = c.Close(uint32(code), reason)
		close(done)
	}()
	if c.raw == nil {
		return
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		_ = c.raw.Close()
	}
}

// endpoint is one SockJS prefix: the library's handler plus what the
// adapter keeps beside it.
type endpoint struct {
	s      *srv
	prefix string
	lib    *sockjs.Handler

	mu       sync.Mutex
	sessions map[string]sockjs.Session // HTTP-transport sessions by ID
	pending  map[string]struct{}       // sessions to close with 1009 once registered
}

func (s *srv) endpoint(prefix string, opts sockjs.Options, serve func(*session)) *endpoint {
	e := &endpoint{s: s, prefix: prefix, sessions: make(map[string]sockjs.Session), pending: make(map[string]struct{})}
	e.lib = sockjs.NewHandler(prefix, opts, func(ss sockjs.Session) {
		c := &session{Session: ss}
		if rc, ok := ss.Request().Context().Value(rawConnKey{}).(*rawConnRecorder); ok {
			// The library starts this handler in a goroutine after the
			// upgrade has hijacked the connection: rc.conn is set.
			c.raw = rc.conn
			rc.attach(c)
		} else {
			tooBig := e.register(ss)
			defer e.unregister(ss)
			if tooBig {
				c.close(server.CloseTooBig, "message too big", 0)
			}
		}
		serve(c)
	})
	return e
}

// register records an HTTP-transport session; it reports whether a body
// over the limit was refused for it before (see tooBig).
func (e *endpoint) register(ss sockjs.Session) (tooBig bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sessions[ss.ID()] = ss
	_, tooBig = e.pending[ss.ID()]
	delete(e.pending, ss.ID())
	return tooBig
}

func (e *endpoint) unregister(ss sockjs.Session) {
	e.mu.Lock()
	if e.sessions[ss.ID()] == ss {
		delete(e.sessions, ss.ID())
	}
	e.mu.Unlock()
}

// ServeHTTP records the TCP connection of websocket upgrades and bounds the
// bodies of xhr_send and jsonp_send before handing the request on.
func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(p, "/websocket"):
		rc := &rawConnRecorder{ResponseWriter: w, limit: e.s.env.MaxMessageSize + sendSlack, deflate: e.s.env.Deflate.On()}
		r = r.WithContext(context.WithValue(r.Context(), rawConnKey{}, rc))
		e.lib.ServeHTTP(rc, r)
	case r.Method == http.MethodPost && (strings.HasSuffix(p, "/xhr_send") || strings.HasSuffix(p, "/jsonp_send")):
		e.send(w, r)
	default:
		e.lib.ServeHTTP(w, r)
	}
}

// send refuses a body the library would read without limit.
func (e *endpoint) send(w http.ResponseWriter, r *http.Request) {
	limit := e.s.env.MaxMessageSize + sendSlack
	if r.ContentLength > limit {
		e.tooBig(w, r)
		return
	}
	if r.ContentLength < 0 { // chunked: read at most limit+1 bytes
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
			return
		}
		if int64(len(body)) > limit {
			e.tooBig(w, r)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	e.lib.ServeHTTP(w, r)
}

// tooBig answers 413 and closes the session the body was meant for, so
// that its next poll reads c[1009,...] as a websocket client would.
//
// The library starts a session's handler (which registers it here) in a
// goroutine of its own after the session's first request, so a body can
// arrive before its session is registered: the close then waits in
// pending until register.
func (e *endpoint) tooBig(w http.ResponseWriter, r *http.Request) {
	id := sessionID(strings.TrimPrefix(r.URL.Path, e.prefix))
	if ss, ok := e.lookupOrPend(id); ok {
		c := &session{Session: ss}
		c.close(server.CloseTooBig, "message too big", 0)
	}
	w.Header().Set("Connection", "close")
	http.Error(w, "message too big", http.StatusRequestEntityTooLarge)
	server.DrainBody(w, r)
}

// maxPending bounds the closes waiting for a session that may never come
// (a body posted to a session that does not exist).
const maxPending = 1024

// lookupOrPend returns the registered session id, or records that it must
// be closed with 1009 when it registers.
func (e *endpoint) lookupOrPend(id string) (sockjs.Session, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ss, ok := e.sessions[id]; ok {
		return ss, true
	}
	if id != "" {
		if len(e.pending) >= maxPending {
			clear(e.pending)
		}
		e.pending[id] = struct{}{}
	}
	return sockjs.Session{}, false
}

// sessionID extracts {session} from /{server}/{session}/{transport}, the
// library's URL layout below the prefix.
func sessionID(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

type rawConnKey struct{}

// rawConnRecorder passes the upgrade's Hijack through and keeps the
// connection it returns, wrapped in a server.Guard: the library reads
// websocket frames whole with no size limit and decodes them with
// encoding/json, which turns invalid UTF-8 into U+FFFD, so the guard
// refuses a frame declaring more than the limit (plus JSON framing) and
// text that is not UTF-8, and a close reason that is not UTF-8. The
// session is then closed with c[1009,...] or c[1007,...], as the adapter
// closes a decoded message over the limit.
type rawConnRecorder struct {
	http.ResponseWriter
	limit int64
	conn  *server.Guard
	// deflate: the upgrader may negotiate permessage-deflate, so a
	// compressed text message passes the guard unchecked (Guard.Deflate).
	deflate bool

	mu   sync.Mutex
	sess *session // set once the library starts the session's handler
	code int      // a violation found before that
}

func (rc *rawConnRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	g, brw, err := server.Hijack(rc.ResponseWriter, rc.limit)
	if err != nil {
		return nil, nil, err
	}
	g.CheckText = true
	g.Deflate = rc.deflate
	g.OnViolation = rc.violation
	rc.conn = g
	return g, brw, nil
}

// violation closes the session with code, or has attach do it.
func (rc *rawConnRecorder) violation(code int) {
	rc.mu.Lock()
	c := rc.sess
	if c == nil {
		rc.code = code
	}
	rc.mu.Unlock()
	if c != nil {
		c.close(code, closeReason(code), shutdownGrace)
	}
}

// attach gives the recorder its session.
func (rc *rawConnRecorder) attach(c *session) {
	rc.mu.Lock()
	rc.sess = c
	code := rc.code
	rc.mu.Unlock()
	if code != 0 {
		c.close(code, closeReason(code), shutdownGrace)
	}
}

func closeReason(code int) string {
	if code == server.CloseTooBig {
		return "message too big"
	}
	return "invalid UTF-8"
}

func (rc *rawConnRecorder) Unwrap() http.ResponseWriter { return rc.ResponseWriter }

// track counts the session and lets shutdown close it with 1001.
func (s *srv) track(c *session) (untrack func()) {
	return s.env.Track(func(code int, reason string) { c.close(code, reason, shutdownGrace) })
}

// recv returns the next message, or false when the session is over. A
// message longer than MaxMessageSize closes the session with 1009.
func (s *srv) recv(c *session) (string, bool) {
	msg, err := c.Recv()
	if err != nil {
		return "", false
	}
	if int64(len(msg)) > s.env.MaxMessageSize {
		c.close(server.CloseTooBig, "message too big", shutdownGrace)
		return "", false
	}
	s.env.Stats.MsgsIn.Add(1)
	return msg, true
}

func (s *srv) echo(c *session) {
	defer s.track(c)()
	for {
		msg, ok := s.recv(c)
		if !ok {
			return
		}
		if err := c.Send(msg); err != nil {
			return
		}
		s.env.Stats.MsgsOut.Add(1)
	}
}

func (s *srv) broadcast(c *session) {
	// Join before Track: once /stats counts a session, it receives.
	sub := s.hub.Join(func(code int, reason string) { c.close(code, reason, kickGrace) })
	defer s.hub.Leave(sub)
	defer s.track(c)()
	// A failed Send means the session is already closed: nothing to end.
	go s.hub.Deliver(sub, func(m *hub.Msg) error { return c.Send(m.Frame.(string)) }, nil)
	for {
		msg, ok := s.recv(c)
		if !ok {
			return
		}
		// Publish copies the payload and only reads msg's bytes.
		s.hub.Publish(false, unsafe.Slice(unsafe.StringData(msg), len(msg)))
	}
}
