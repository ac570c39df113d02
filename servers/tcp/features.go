package tcp

import "github.com/wsbench/wsbench/servers/server"

// Features is what tcp offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "n/a: no WebSocket",
	Context:          "n/a",
	ConcurrentWrites: "yes: one mutex, one Write per message",
	EventLoop:        "no: a goroutine per connection",
	Client:           "n/a: any TCP client (length-prefixed messages)",
	Maintenance:      "this repository's code: the ceiling, Go standard library only",
}
