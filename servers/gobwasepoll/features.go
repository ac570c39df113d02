package gobwasepoll

import "github.com/wsbench/wsbench/servers/server"

// Features is what gobwas-epoll offers beyond raw speed, read from its source and
// documentation at the version in go.mod (the report's feature table): data,
// not measurement; update it when the version changes.
var Features = server.Features{
	Compression:      "permessage-deflate via the wsflate package, wired by hand (not here)",
	Context:          "none on the server: ws.Upgrade on the raw conn, I/O with deadlines",
	ConcurrentWrites: "caller's job: frames go straight to the net.Conn (a mutex here)",
	EventLoop:        "yes: our epoll poller (x/sys/unix, EPOLLONESHOT) and a bounded worker pool",
	Client:           "yes (ws.Dialer)",
	Maintenance:      "maintained; v1.5.0 (2026-11); the poller is this repository's code",
}

// Deflate: as servers/gobwas, the adapter does not wire gobwas/ws's
// wsflate: it negotiates no extension.
var Deflate = server.DeflateSupport{
	Options: "wsflate.Extension{Parameters} in Upgrader.Negotiate; wsflate.NewReader/NewWriter (not wired here)",
	Default: "off; wsflate.DefaultParameters: no context takeover; DefaultHelper level 9",
}
