package hertz

import "github.com/wsbench/wsbench/servers/server"

// Features is what hertz offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate, experimental, no context takeover (gorilla's)",
	Context:          "hertz handlers take a context.Context; the WebSocket API uses deadlines",
	ConcurrentWrites: "no: one writer at a time (gorilla's rules)",
	EventLoop:        "netpoll reads HTTP requests; an upgraded connection keeps a goroutine",
	Client:           "yes (ClientUpgrader on hertz's HTTP client)",
	Maintenance:      "hertz maintained by CloudWeGo, v0.10.6 (2026-08); hertz-contrib/websocket v0.2.0 (2024-11)",
}

// Deflate is hertz's permessage-deflate, the gorilla fork's: the upgrader's
// EnableCompression negotiates it without context takeover only; its
// default level, flate.BestSpeed, is already the fastest.
var Deflate = server.DeflateSupport{
	Modes:   []server.DeflateMode{server.DeflateNoContextTakeover},
	Options: "HertzUpgrader.EnableCompression; Conn.SetCompressionLevel, Conn.EnableWriteCompression",
	Default: "off; level 1 (flate.BestSpeed); no context takeover; PreparedMessage compresses a broadcast once",
}
