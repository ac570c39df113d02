package gorilla

import "github.com/wsbench/wsbench/servers/server"

// Features is what gorilla offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate, experimental, no context takeover",
	Context:          "Dialer.DialContext only; reads and writes use deadlines",
	ConcurrentWrites: "no: one writer at a time (Close, WriteControl excepted)",
	EventLoop:        "no: blocking API, a goroutine per connection",
	Client:           "yes (Dialer)",
	Maintenance:      "maintained again after the 2022 archive; v1.5.3 (2024-06)",
}

// Deflate is gorilla's permessage-deflate: the upgrader's EnableCompression
// negotiates it without context takeover only; its default level,
// flate.BestSpeed, is already the fastest.
var Deflate = server.DeflateSupport{
	Modes:   []server.DeflateMode{server.DeflateNoContextTakeover},
	Options: "Upgrader.EnableCompression; Conn.SetCompressionLevel, Conn.EnableWriteCompression",
	Default: "off; level 1 (flate.BestSpeed); no context takeover; PreparedMessage compresses a broadcast once",
}
