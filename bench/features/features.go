// Package features is the static feature matrix of the libraries under
// test, filled by reading each library's source and documentation at the
// version in go.mod. It is data, not measurement: update it when a version
// changes.
package features

// Features describes what a library offers beyond raw speed.
type Features struct {
	// Compression: permessage-deflate (RFC 7692) support.
	Compression string
	// Context: context.Context in the API (dial, accept, read, write).
	Context string
	// ConcurrentWrites: may several goroutines write to one connection?
	ConcurrentWrites string
	// EventLoop: can connections be served without a goroutine each?
	EventLoop string
	// Client: does the library ship a Go client?
	Client string
	// Maintenance: state of the project, with the version used here.
	Maintenance string
}

// Columns are the table headers, in Row order.
var Columns = []string{"compression", "context.Context", "concurrent writes", "event loop", "Go client", "maintenance"}

// Row returns f's cells in Columns order.
func (f Features) Row() []string {
	return []string{f.Compression, f.Context, f.ConcurrentWrites, f.EventLoop, f.Client, f.Maintenance}
}

// Table is keyed by registry name (servers/registry).
var Table = map[string]Features{
	"gorilla": {
		Compression:      "permessage-deflate, experimental, no context takeover",
		Context:          "Dialer.DialContext only; reads and writes use deadlines",
		ConcurrentWrites: "no: one writer at a time (Close, WriteControl excepted)",
		EventLoop:        "no: blocking API, a goroutine per connection",
		Client:           "yes (Dialer)",
		Maintenance:      "maintained again after the 2022 archive; v1.5.3 (2024-06)",
	},
	"nhooyr": {
		Compression:      "permessage-deflate, with or without context takeover",
		Context:          "everywhere: Accept, Dial, Reader, Writer, Read, Write",
		ConcurrentWrites: "yes: all methods but Reader/Read",
		EventLoop:        "no: a goroutine per connection",
		Client:           "yes (Dial; also compiles to Wasm)",
		Maintenance:      "deprecated: moved to github.com/coder/websocket; v1.8.17 (2024-08)",
	},
	"coder": {
		Compression:      "permessage-deflate, with or without context takeover",
		Context:          "everywhere: Accept, Dial, Reader, Writer, Read, Write",
		ConcurrentWrites: "yes: all methods but Reader/Read",
		EventLoop:        "no: a goroutine per connection",
		Client:           "yes (Dial; also compiles to Wasm)",
		Maintenance:      "maintained by Coder (successor of nhooyr); v1.8.15 (2026-06)",
	},
	"gobwas": {
		Compression:      "permessage-deflate via the wsflate package, wired by hand",
		Context:          "Dialer.Dial(ctx) only; I/O on a net.Conn with deadlines",
		ConcurrentWrites: "caller's job: frames go straight to the net.Conn",
		EventLoop:        "possible: zero-copy upgrade on raw conns, with an epoll poller of your own (see gobwas-epoll)",
		Client:           "yes (ws.Dialer)",
		Maintenance:      "maintained; v1.5.0 (2026-11)",
	},
	"gobwas-epoll": {
		Compression:      "permessage-deflate via the wsflate package, wired by hand (not here)",
		Context:          "none on the server: ws.Upgrade on the raw conn, I/O with deadlines",
		ConcurrentWrites: "caller's job: frames go straight to the net.Conn (a mutex here)",
		EventLoop:        "yes: our epoll poller (x/sys/unix, EPOLLONESHOT) and a bounded worker pool",
		Client:           "yes (ws.Dialer)",
		Maintenance:      "maintained; v1.5.0 (2026-11); the poller is this repository's code",
	},
	"native": {
		Compression:      "no",
		Context:          "no: net/http handler, I/O with deadlines",
		ConcurrentWrites: "yes: one mutex, one Write per frame",
		EventLoop:        "no: a goroutine per connection (net/http)",
		Client:           "no",
		Maintenance:      "this repository's code: RFC 6455 on the standard library",
	},
	"tcp": {
		Compression:      "n/a: no WebSocket",
		Context:          "n/a",
		ConcurrentWrites: "yes: one mutex, one Write per message",
		EventLoop:        "no: a goroutine per connection",
		Client:           "n/a: any TCP client (length-prefixed messages)",
		Maintenance:      "this repository's code: the ceiling, Go standard library only",
	},
	"xnet": {
		Compression:      "no",
		Context:          "Config.DialContext only; reads and writes use deadlines",
		ConcurrentWrites: "yes: the library locks writes",
		EventLoop:        "no: a goroutine per connection",
		Client:           "yes (Dial, DialConfig)",
		Maintenance:      "frozen: its doc points to gorilla and coder; golang.org/x/net v0.62.0",
	},
	"sockjs": {
		Compression:      "through a custom gorilla Upgrader (websocket transport only)",
		Context:          "Session.Context and RecvCtx",
		ConcurrentWrites: "yes: Send locks the session (and blocks while it writes)",
		EventLoop:        "no: a goroutine per session",
		Client:           "no Go client (the protocol's client is sockjs-client in JavaScript)",
		Maintenance:      "low activity; v3.0.3 (2023-11)",
	},
	"gws": {
		Compression:      "permessage-deflate, with or without context takeover, window bits configurable",
		Context:          "no: callbacks and deadlines (ClientOption has no context either)",
		ConcurrentWrites: "yes: writes are locked; WriteAsync and Broadcaster queue per connection",
		EventLoop:        "no: a goroutine per connection (ReadLoop), event callbacks",
		Client:           "yes (NewClient, NewClientFromConn)",
		Maintenance:      "maintained; v1.10.2 (2026-09)",
	},
	"nbio": {
		Compression:      "permessage-deflate (EnableCompression), no context takeover",
		Context:          "Dialer.DialContext, Config.Context for the engine; I/O is callbacks",
		ConcurrentWrites: "yes: WriteMessage locks the connection and never blocks (write list)",
		EventLoop:        "yes: its own epoll pollers; also blocking and mixed modes",
		Client:           "yes (websocket.Dialer on an nbhttp engine)",
		Maintenance:      "maintained; v1.6.12 (2026-07)",
	},
	"fasthttp": {
		Compression:      "permessage-deflate, experimental, no context takeover (gorilla's)",
		Context:          "Dialer.DialContext only; reads and writes use deadlines",
		ConcurrentWrites: "no: one writer at a time (gorilla's rules)",
		EventLoop:        "no: fasthttp's worker pool, then a goroutine per hijacked connection",
		Client:           "yes (Dialer, on net/http's client side)",
		Maintenance:      "fasthttp maintained, v1.78.0 (2026-11); fasthttp/websocket v1.5.12 (2025-01)",
	},
	"hertz": {
		Compression:      "permessage-deflate, experimental, no context takeover (gorilla's)",
		Context:          "hertz handlers take a context.Context; the WebSocket API uses deadlines",
		ConcurrentWrites: "no: one writer at a time (gorilla's rules)",
		EventLoop:        "netpoll reads HTTP requests; an upgraded connection keeps a goroutine",
		Client:           "yes (ClientUpgrader on hertz's HTTP client)",
		Maintenance:      "hertz maintained by CloudWeGo, v0.10.6 (2026-08); hertz-contrib/websocket v0.2.0 (2024-11)",
	},
	"rest": {
		Compression:      "HTTP gzip by hand on the server; the client transport decompresses",
		Context:          "Request.Context and NewRequestWithContext",
		ConcurrentWrites: "n/a: one response per request",
		EventLoop:        "no: net/http uses a goroutine per connection",
		Client:           "yes (net/http Client)",
		Maintenance:      "Go standard library",
	},
}
