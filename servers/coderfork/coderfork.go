// Package coderfork serves echo and broadcast with the WebSocket library
// published as github.com/coder/websocket and, under its earlier name, as
// nhooyr.io/websocket. The two modules have the same API with their own
// types, so the adapter is written once here, generic over those types;
// servers/coder and servers/nhooyr each hand it their module's Accept and
// message types (API).
//
// Idioms: echo reads each message whole (Reader into a buffer borrowed
// from a pool for the time of one message) and sends it back with Write,
// one frame per echo; every call gets a context without deadline (which
// since coder v1.8.14 costs no timer and no goroutine); origin checks and
// compression are off (the fork's Accept sets them); the read limit is
// raised to the suite's limit. Broadcast writes the shared payload with
// Write from one writer goroutine per subscriber.
//
// What the adapter adds (Library.AdapterChecks): the library does not check
// that text is UTF-8 (the adapter does, server.ValidText, and closes with
// 1007); it answers a close frame whose reason is not UTF-8 as a normal
// close, and counts the read limit on payload bytes as they arrive, so an
// oversized frame is read up to the limit before the 1009. The adapter
// reads the hijacked connection through server.Guard, which refuses both
// frames from their headers; the adapter then closes with the guard's code.
//
// The library has no close with a deadline: Close waits up to 5 s to write
// its frame and 5 s more for the peer's answer. Shutdown and the slow-client
// kick must be quicker, so the adapter keeps the net.Conn that Accept
// hijacks and bounds Close with a deadline on it, the way the gorilla
// adapter bounds WriteControl.
//
// Options holds the choices the ablation benchmarks compare (Variants);
// Production is the configuration New uses.
package coderfork

import (
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

// Conn is the part of the library's *websocket.Conn the adapter uses; T is
// the module's MessageType and S its StatusCode.
type Conn[T, S ~int] interface {
	Reader(ctx context.Context) (T, io.Reader, error)
	Read(ctx context.Context) (T, []byte, error)
	Writer(ctx context.Context, typ T) (io.WriteCloser, error)
	Write(ctx context.Context, typ T, p []byte) error
	Close(code S, reason string) error
	CloseNow() error
	SetReadLimit(n int64)
}

// API is what a module hands the adapter (Bind).
type API[T, S ~int] struct {
	// Accept is the module's websocket.Accept with its options. It
	// returns a nil Conn with its error.
	Accept func(w http.ResponseWriter, r *http.Request) (Conn[T, S], error)
	// Text and Binary are the module's MessageText and MessageBinary.
	Text, Binary T
}

// Bind is the API of a module whose websocket.Accept is accept, called
// with opts (which should turn origin checks and compression off), and
// whose MessageText and MessageBinary are text and binary.
func Bind[C Conn[T, S], O any, T, S ~int](accept func(http.ResponseWriter, *http.Request, *O) (C, error), opts *O, text, binary T) API[T, S] {
	return API[T, S]{
		Accept: func(w http.ResponseWriter, r *http.Request) (Conn[T, S], error) {
			c, err := accept(w, r, opts)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
		Text:   text,
		Binary: binary,
	}
}

// Echo paths (Options.Echo).
const (
	// Write reads the message into a pooled buffer and sends it with
	// Write: one frame.
	Write = "write"
	// Read is Write with the library's Read, which allocates every
	// message.
	Read = "read"
	// Writer copies Reader to Writer through a pooled 32 KiB buffer (the
	// library's own echo example): one frame per 32 KiB and an empty
	// final frame. (Text is still read whole first, to be checked.)
	Writer = "writer"
)

// Options are the adapter's configuration choices. The library's buffers
// are net/http's (4 KiB each way); it offers no option to change them.
type Options struct {
	Echo string // Write, Read or Writer
}

// Production is the configuration New uses, chosen by the ablation in
// results/tuning/.
var Production = Options{Echo: Write}

// Variants are the configurations the ablation benchmarks compare; the
// first is Production.
func Variants[T, S ~int](api API[T, S]) []server.Variant {
	v := func(name string, o Options) server.Variant {
		return server.Variant{Name: name, New: func(env *server.Env) server.Server { return NewWith(env, api, o) }}
	}
	return []server.Variant{
		v("write", Production),
		v("read", Options{Echo: Read}),
		v("writer-32k", Options{Echo: Writer}),
	}
}

type srv[T, S ~int] struct {
	env  *server.Env
	api  API[T, S]
	opt  Options
	hub  *hub.Hub
	chat *chat.Hub
	bufs sync.Pool // *[]byte echo copy buffers, held only while a message is copied
}

// New returns the server in its production configuration.
func New[T, S ~int](env *server.Env, api API[T, S]) server.Server {
	return NewWith(env, api, Production)
}

// NewWith returns the server configured by o.
func NewWith[T, S ~int](env *server.Env, api API[T, S], o Options) server.Server {
	s := &srv[T, S]{
		env:  env,
		api:  api,
		opt:  o,
		bufs: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }},
	}
	s.hub = hub.New(env, nil)
	s.chat = chat.New(env, nil)
	hs := server.NewHTTP(env, http.HandlerFunc(s.echo), http.HandlerFunc(s.broadcast))
	hs.Handle(server.PathChat, http.HandlerFunc(s.serveChat))
	return hs
}

func (s *srv[T, S]) msgType(binary bool) T {
	if binary {
		return s.api.Binary
	}
	return s.api.Text
}
