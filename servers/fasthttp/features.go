package fasthttp

import "github.com/wsbench/wsbench/servers/server"

// Features is what fasthttp offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate, experimental, no context takeover (gorilla's)",
	Context:          "Dialer.DialContext only; reads and writes use deadlines",
	ConcurrentWrites: "no: one writer at a time (gorilla's rules)",
	EventLoop:        "no: fasthttp's worker pool, then a goroutine per hijacked connection",
	Client:           "yes (Dialer, on net/http's client side)",
	Maintenance:      "fasthttp maintained, v1.78.0 (2026-11); fasthttp/websocket v1.5.12 (2025-01)",
}

// Deflate is fasthttp's permessage-deflate, the gorilla fork's: the upgrader's
// EnableCompression negotiates it without context takeover only; its
// default level, flate.BestSpeed, is already the fastest.
var Deflate = server.DeflateSupport{
	Modes:   []server.DeflateMode{server.DeflateNoContextTakeover},
	Options: "FastHTTPUpgrader.EnableCompression; Conn.SetCompressionLevel, Conn.EnableWriteCompression",
	Default: "off; level 1 (flate.BestSpeed); no context takeover; PreparedMessage compresses a broadcast once",
}
