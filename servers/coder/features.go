package coder

import "github.com/wsbench/wsbench/servers/server"

// Features is what coder offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate, with or without context takeover",
	Context:          "everywhere: Accept, Dial, Reader, Writer, Read, Write",
	ConcurrentWrites: "yes: all methods but Reader/Read",
	EventLoop:        "no: a goroutine per connection",
	Client:           "yes (Dial; also compiles to Wasm)",
	Maintenance:      "maintained by Coder (successor of nhooyr); v1.8.15 (2026-06)",
}

// Deflate is coder's permessage-deflate: AcceptOptions.CompressionMode, with
// or without context takeover; the level is fixed (flate.BestSpeed), and
// messages under CompressionThreshold (512 bytes without context takeover,
// 128 with) are sent uncompressed.
var Deflate = server.DeflateSupport{
	Modes:   []server.DeflateMode{server.DeflateNoContextTakeover, server.DeflateContextTakeover},
	Options: "AcceptOptions.CompressionMode (CompressionNoContextTakeover, CompressionContextTakeover), CompressionThreshold",
	Default: "CompressionDisabled; level fixed at flate.BestSpeed; threshold 512 B (no context takeover) or 128 B (context takeover)",
}
