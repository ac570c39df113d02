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

var api = coderfork.Bind(websocket.Accept, &websocket.AcceptOptions{
	InsecureSkipVerify: true, // load generators send no Origin; nothing to protect here
	CompressionMode:    websocket.CompressionDisabled,
}, websocket.MessageText, websocket.MessageBinary)

// New returns the coder server.
func New(env *server.Env) server.Server { return coderfork.New(env, api) }

// Variants are the adapter's configurations for the ablation benchmarks.
func Variants() []server.Variant { return coderfork.Variants(api) }
