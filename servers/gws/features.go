package gws

import "github.com/wsbench/wsbench/servers/server"

// Features is what gws offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate, with or without context takeover, window bits configurable",
	Context:          "no: callbacks and deadlines (ClientOption has no context either)",
	ConcurrentWrites: "yes: writes are locked; WriteAsync and Broadcaster queue per connection",
	EventLoop:        "no: a goroutine per connection (ReadLoop), event callbacks",
	Client:           "yes (NewClient, NewClientFromConn)",
	Maintenance:      "maintained; v1.10.2 (2026-09)",
}
