package gobwas

import "github.com/wsbench/wsbench/servers/server"

// Features is what gobwas offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate via the wsflate package, wired by hand",
	Context:          "Dialer.Dial(ctx) only; I/O on a net.Conn with deadlines",
	ConcurrentWrites: "caller's job: frames go straight to the net.Conn",
	EventLoop:        "possible: zero-copy upgrade on raw conns, with an epoll poller of your own (see gobwas-epoll)",
	Client:           "yes (ws.Dialer)",
	Maintenance:      "maintained; v1.5.0 (2026-11)",
}

// Deflate: gobwas/ws has permessage-deflate in its wsflate package
// (Extension in the upgrader's Negotiate, then wsflate readers and writers
// the caller drives itself), but this adapter does not wire it yet: it
// negotiates no extension.
var Deflate = server.DeflateSupport{
	Options: "wsflate.Extension{Parameters} in Upgrader.Negotiate; wsflate.NewReader/NewWriter (not wired here)",
	Default: "off; wsflate.DefaultParameters: no context takeover; DefaultHelper level 9",
}
