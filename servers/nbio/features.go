package nbio

import "github.com/wsbench/wsbench/servers/server"

// Features is what nbio offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate (EnableCompression), no context takeover",
	Context:          "Dialer.DialContext, Config.Context for the engine; I/O is callbacks",
	ConcurrentWrites: "yes: WriteMessage locks the connection and never blocks (write list)",
	EventLoop:        "yes: its own epoll pollers; also blocking and mixed modes",
	Client:           "yes (websocket.Dialer on an nbhttp engine)",
	Maintenance:      "maintained; v1.6.12 (2026-07)",
}

// Deflate is nbio's permessage-deflate: Upgrader.EnableCompression
// negotiates it without context takeover only; its default level, 1
// (flate.BestSpeed), is already the fastest. The adapter's broadcast
// writes one uncompressed frame compiled once to every subscriber (nbio
// has no prepared message), so only echo is compressed.
var Deflate = server.DeflateSupport{
	Modes:   []server.DeflateMode{server.DeflateNoContextTakeover},
	Options: "Upgrader.EnableCompression, Upgrader.SetCompressionLevel, Conn.EnableWriteCompression",
	Default: "off; level 1 (flate.BestSpeed); no context takeover",
}
