package native

import "github.com/wsbench/wsbench/servers/server"

// Features is what native offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "no",
	Context:          "no: net/http handler, I/O with deadlines",
	ConcurrentWrites: "yes: one mutex, one Write per frame",
	EventLoop:        "no: a goroutine per connection (net/http)",
	Client:           "no",
	Maintenance:      "this repository's code: RFC 6455 on the standard library",
}

// Deflate: the native server implements no extension; permessage-deflate
// is not offered (nothing emulated).
var Deflate = server.DeflateSupport{Default: "none: not implemented here"}
