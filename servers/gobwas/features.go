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

// Deflate is gobwas/ws's permessage-deflate, its wsflate package: an
// Extension with DefaultParameters (no context takeover either way) in the
// upgrader's Negotiate, wsflate readers and writers the caller drives (the
// adapter pools them). Context takeover would need the caller to keep a
// compressor and a window per connection itself: not done here. The
// library's DefaultHelper compresses at level 9; fastest is level 1.
var Deflate = server.DeflateSupport{
	Modes:   []server.DeflateMode{server.DeflateNoContextTakeover},
	Levels:  []server.DeflateLevel{server.LevelDefault, server.LevelFastest},
	Options: "wsflate.Extension{Parameters} in HTTPUpgrader.Negotiate; wsflate.MessageState in wsutil.Reader.Extensions; wsflate.NewReader, wsflate.NewWriter",
	Default: "off; wsflate.DefaultParameters: no context takeover; DefaultHelper level 9; broadcasts compiled once plain and once compressed",
}
