// Package coder serves echo and broadcast with github.com/coder/websocket,
// through the adapter in servers/coderfork (see there for the idioms and
// what the adapter adds). Since v1.8.14 a context without deadline costs
// no timer and no goroutine.
package coder

import (
	"github.com/coder/websocket"

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

// New returns the coder server.
func New(env *server.Env) server.Server { return coderfork.New(env, bind(env.Deflate)) }

// Variants are the adapter's configurations for the ablation benchmarks.
func Variants() []server.Variant { return coderfork.Variants(api) }
