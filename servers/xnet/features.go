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
