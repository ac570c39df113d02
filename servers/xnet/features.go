package xnet

import "github.com/wsbench/wsbench/servers/server"

// Features is what xnet offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "no",
	Context:          "Config.DialContext only; reads and writes use deadlines",
	ConcurrentWrites: "yes: the library locks writes",
	EventLoop:        "no: a goroutine per connection",
	Client:           "yes (Dial, DialConfig)",
	Maintenance:      "frozen: its doc points to gorilla and coder; golang.org/x/net v0.62.0",
}

// Deflate: golang.org/x/net/websocket has no permessage-deflate; a client
// that offers it gets no extension.
var Deflate = server.DeflateSupport{Default: "none: the package has no permessage-deflate"}
