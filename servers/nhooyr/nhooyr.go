// Package nhooyr serves echo and broadcast with nhooyr.io/websocket, the
// library's name before it moved to github.com/coder/websocket, through
// the same adapter as servers/coder (servers/coderfork).
//
// Unlike coder v1.8.14+, v1.8.17 starts a timeout goroutine per connection
// and hands it the context of every frame read and written (two channel
// sends per frame), whether or not the context has a deadline. That cost is
// the library's and is measured as such.
//
// v1.8.17 also answers the peer's close frame when it sent the first one
// itself, so a close it starts puts two close frames on the wire (coder
// tracks the sent close and does not).
package nhooyr

import (
	"nhooyr.io/websocket"

	"github.com/wsbench/wsbench/servers/coderfork"
	"github.com/wsbench/wsbench/servers/server"
)

// api is the production configuration, compression off.
var api = bind(server.Deflate{})

// bind is the module's API for the adapter with permessage-deflate as d
// asks (Deflate): CompressionMode, at the library's fixed level and its
// default threshold.
func bind(d server.Deflate) coderfork.API[websocket.MessageType, websocket.StatusCode] {
	return coderfork.Bind(websocket.Accept, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // load generators send no Origin; nothing to protect here
		CompressionMode:    modes.Of(d),
	}, websocket.MessageText, websocket.MessageBinary)
}

// modes are the module's compression modes.
var modes = coderfork.CompressionModes[websocket.CompressionMode]{
	Disabled:          websocket.CompressionDisabled,
	NoContextTakeover: websocket.CompressionNoContextTakeover,
	ContextTakeover:   websocket.CompressionContextTakeover,
}

// New returns the nhooyr server.
func New(env *server.Env) server.Server { return coderfork.New(env, bind(env.Deflate)) }

// Variants are the adapter's configurations for the ablation benchmarks.
func Variants() []server.Variant { return coderfork.Variants(api) }
