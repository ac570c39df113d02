package gws

import "github.com/wsbench/wsbench/servers/server"

// Features is what gws offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate, with or without context takeover, window bits configurable",
	Context:          "no: callbacks and deadlines (ClientOption has no context either)",
	ConcurrentWrites: "yes: writes are locked; WriteAsync and Broadcaster queue per connection",
	EventLoop:        "no: a goroutine per connection (ReadLoop), event callbacks",
	Client:           "yes (NewClient, NewClientFromConn)",
	Maintenance:      "maintained; v1.10.2 (2026-09)",
}

// Deflate is gws's permessage-deflate: ServerOption.PermessageDeflate, with
// or without context takeover; its default level, flate.BestSpeed, is
// already the fastest. Broadcaster compresses a broadcast once.
var Deflate = server.DeflateSupport{
	Modes:   []server.DeflateMode{server.DeflateNoContextTakeover, server.DeflateContextTakeover},
	Options: "PermessageDeflate{Enabled, Level, Threshold, PoolSize, ServerContextTakeover, ClientContextTakeover, ServerMaxWindowBits, ClientMaxWindowBits}",
	Default: "off; level 1 (flate.BestSpeed); threshold 512 B; with context takeover 4 KiB windows (set to 32 KiB here so that compress/flate clients can honour them)",
}
