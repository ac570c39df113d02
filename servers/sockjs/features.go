package sockjs

import "github.com/wsbench/wsbench/servers/server"

// Features is what sockjs offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "through a custom gorilla Upgrader (websocket transport only)",
	Context:          "Session.Context and RecvCtx",
	ConcurrentWrites: "yes: Send locks the session (and blocks while it writes)",
	EventLoop:        "no: a goroutine per session",
	Client:           "no Go client (the protocol's client is sockjs-client in JavaScript)",
	Maintenance:      "low activity; v3.0.3 (2023-11)",
}

// Deflate is sockjs-go's permessage-deflate: the gorilla Upgrader in
// Options.WebsocketUpgrader negotiates it (EnableCompression) on the
// websocket transport, without context takeover, at gorilla's level
// (flate.BestSpeed, already the fastest). The HTTP transports have none.
var Deflate = server.DeflateSupport{
	Modes:   []server.DeflateMode{server.DeflateNoContextTakeover},
	Options: "Options.WebsocketUpgrader (a gorilla Upgrader) with EnableCompression",
	Default: "off (the library's default upgrader has no compression); as gorilla when given one",
}
