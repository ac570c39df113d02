package rest

import "github.com/wsbench/wsbench/servers/server"

// Features is what rest offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "HTTP gzip by hand on the server; the client transport decompresses",
	Context:          "Request.Context and NewRequestWithContext",
	ConcurrentWrites: "n/a: one response per request",
	EventLoop:        "no: net/http uses a goroutine per connection",
	Client:           "yes (net/http Client)",
	Maintenance:      "Go standard library",
}
