package registry

import (
	"github.com/wsbench/wsbench/servers/coder"
	"github.com/wsbench/wsbench/servers/fasthttp"
	"github.com/wsbench/wsbench/servers/gobwas"
	"github.com/wsbench/wsbench/servers/gobwasepoll"
	"github.com/wsbench/wsbench/servers/gorilla"
	"github.com/wsbench/wsbench/servers/gws"
	"github.com/wsbench/wsbench/servers/hertz"
	"github.com/wsbench/wsbench/servers/native"
	"github.com/wsbench/wsbench/servers/nbio"
	"github.com/wsbench/wsbench/servers/nhooyr"
	"github.com/wsbench/wsbench/servers/rest"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/sockjs"
	"github.com/wsbench/wsbench/servers/tcp"
	"github.com/wsbench/wsbench/servers/xnet"
)

// all is the registry: one entry per server, with every fact the
// benchmarks, tests and reports need about it.
var all = []server.Library{
	{
		Name: "gorilla", Module: "github.com/gorilla/websocket", Proto: server.ProtoWS, New: gorilla.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}, Variants: gorilla.Variants(),
		Display: "gorilla/websocket", Role: server.RoleLibrary, Palette: 1, ClaimReference: true,
		Features: server.Features{
			Compression:      "permessage-deflate, experimental, no context takeover",
			Context:          "Dialer.DialContext only; reads and writes use deadlines",
			ConcurrentWrites: "no: one writer at a time (Close, WriteControl excepted)",
			EventLoop:        "no: blocking API, a goroutine per connection",
			Client:           "yes (Dialer)",
			Maintenance:      "maintained again after the 2022 archive; v1.5.3 (2024-06)",
		},
	},
	{
		Name: "nhooyr", Module: "nhooyr.io/websocket", Proto: server.ProtoWS, New: nhooyr.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: nhooyr.Variants(),
		Display: "nhooyr.io/websocket", Role: server.RoleLibrary, Palette: 8,
		Features: server.Features{
			Compression:      "permessage-deflate, with or without context takeover",
			Context:          "everywhere: Accept, Dial, Reader, Writer, Read, Write",
			ConcurrentWrites: "yes: all methods but Reader/Read",
			EventLoop:        "no: a goroutine per connection",
			Client:           "yes (Dial; also compiles to Wasm)",
			Maintenance:      "deprecated: moved to github.com/coder/websocket; v1.8.17 (2024-08)",
		},
	},
	{
		Name: "coder", Module: "github.com/coder/websocket", Proto: server.ProtoWS, New: coder.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: coder.Variants(),
		Display: "coder/websocket", Role: server.RoleLibrary, Palette: 2,
		Features: server.Features{
			Compression:      "permessage-deflate, with or without context takeover",
			Context:          "everywhere: Accept, Dial, Reader, Writer, Read, Write",
			ConcurrentWrites: "yes: all methods but Reader/Read",
			EventLoop:        "no: a goroutine per connection",
			Client:           "yes (Dial; also compiles to Wasm)",
			Maintenance:      "maintained by Coder (successor of nhooyr); v1.8.15 (2026-06)",
		},
	},
	{
		Name: "gobwas", Module: "github.com/gobwas/ws", Proto: server.ProtoWS, New: gobwas.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}, Variants: gobwas.Variants(),
		Display: "gobwas/ws", Role: server.RoleLibrary, Palette: 5,
		Features: server.Features{
			Compression:      "permessage-deflate via the wsflate package, wired by hand",
			Context:          "Dialer.Dial(ctx) only; I/O on a net.Conn with deadlines",
			ConcurrentWrites: "caller's job: frames go straight to the net.Conn",
			EventLoop:        "possible: zero-copy upgrade on raw conns, with an epoll poller of your own (see gobwas-epoll)",
			Client:           "yes (ws.Dialer)",
			Maintenance:      "maintained; v1.5.0 (2026-11)",
		},
	},
	{
		Name: "gobwas-epoll", Module: "github.com/gobwas/ws", Proto: server.ProtoWS, New: gobwasepoll.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked},
		Display:       "gobwas/ws on our epoll loop", Role: server.RoleOwn, Palette: 11,
		Features: server.Features{
			Compression:      "permessage-deflate via the wsflate package, wired by hand (not here)",
			Context:          "none on the server: ws.Upgrade on the raw conn, I/O with deadlines",
			ConcurrentWrites: "caller's job: frames go straight to the net.Conn (a mutex here)",
			EventLoop:        "yes: our epoll poller (x/sys/unix, EPOLLONESHOT) and a bounded worker pool",
			Client:           "yes (ws.Dialer)",
			Maintenance:      "maintained; v1.5.0 (2026-11); the poller is this repository's code",
		},
	},
	{
		Name: "xnet", Module: "golang.org/x/net", Proto: server.ProtoWS, New: xnet.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: xnet.Variants(),
		Display: "golang.org/x/net/websocket", Role: server.RoleLibrary, Palette: 6,
		Features: server.Features{
			Compression:      "no",
			Context:          "Config.DialContext only; reads and writes use deadlines",
			ConcurrentWrites: "yes: the library locks writes",
			EventLoop:        "no: a goroutine per connection",
			Client:           "yes (Dial, DialConfig)",
			Maintenance:      "frozen: its doc points to gorilla and coder; golang.org/x/net v0.62.0",
		},
	},
	{
		Name: "sockjs", Module: "github.com/igm/sockjs-go/v3", Proto: server.ProtoSockJS, New: sockjs.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: sockjs.Variants(),
		Display: "sockjs-go", Role: server.RoleLibrary, Palette: 7,
		Features: server.Features{
			Compression:      "through a custom gorilla Upgrader (websocket transport only)",
			Context:          "Session.Context and RecvCtx",
			ConcurrentWrites: "yes: Send locks the session (and blocks while it writes)",
			EventLoop:        "no: a goroutine per session",
			Client:           "no Go client (the protocol's client is sockjs-client in JavaScript)",
			Maintenance:      "low activity; v3.0.3 (2023-11)",
		},
	},
	{
		Name: "native", Module: "", Proto: server.ProtoWS, New: native.New,
		Display: "native (RFC 6455 on net/http)", Role: server.RoleOwn, Palette: 12,
		Features: server.Features{
			Compression:      "no",
			Context:          "no: net/http handler, I/O with deadlines",
			ConcurrentWrites: "yes: one mutex, one Write per frame",
			EventLoop:        "no: a goroutine per connection (net/http)",
			Client:           "no",
			Maintenance:      "this repository's code: RFC 6455 on the standard library",
		},
	},
	{
		Name: "tcp", Module: "", Proto: server.ProtoTCP, New: tcp.New,
		Display: "plain TCP (no WebSocket)", Role: server.RoleCeiling,
		Features: server.Features{
			Compression:      "n/a: no WebSocket",
			Context:          "n/a",
			ConcurrentWrites: "yes: one mutex, one Write per message",
			EventLoop:        "no: a goroutine per connection",
			Client:           "n/a: any TCP client (length-prefixed messages)",
			Maintenance:      "this repository's code: the ceiling, Go standard library only",
		},
	},
	{
		Name: "fasthttp", Module: "github.com/valyala/fasthttp", Proto: server.ProtoWS, New: fasthttp.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked},
		Display:       "fasthttp/websocket", Role: server.RoleLibrary, Palette: 9,
		Features: server.Features{
			Compression:      "permessage-deflate, experimental, no context takeover (gorilla's)",
			Context:          "Dialer.DialContext only; reads and writes use deadlines",
			ConcurrentWrites: "no: one writer at a time (gorilla's rules)",
			EventLoop:        "no: fasthttp's worker pool, then a goroutine per hijacked connection",
			Client:           "yes (Dialer, on net/http's client side)",
			Maintenance:      "fasthttp maintained, v1.78.0 (2026-11); fasthttp/websocket v1.5.12 (2025-01)",
		},
	},
	{
		Name: "gws", Module: "github.com/lxzan/gws", Proto: server.ProtoWS, New: gws.New,
		Deviations: map[server.Behaviour]string{
			server.PeerCloseCodeEchoed: "answers every valid peer close with 1000, whatever code the peer sent, and offers no hook to change it",
			server.TooBigFromHeader:    "checks each frame's declared length against the limit, but reads a fragment that takes a fragmented message over it before answering 1009",
		},
		Display: "lxzan/gws", Role: server.RoleLibrary, Palette: 3,
		Features: server.Features{
			Compression:      "permessage-deflate, with or without context takeover, window bits configurable",
			Context:          "no: callbacks and deadlines (ClientOption has no context either)",
			ConcurrentWrites: "yes: writes are locked; WriteAsync and Broadcaster queue per connection",
			EventLoop:        "no: a goroutine per connection (ReadLoop), event callbacks",
			Client:           "yes (NewClient, NewClientFromConn)",
			Maintenance:      "maintained; v1.10.2 (2026-09)",
		},
	},
	{
		Name: "hertz", Module: "github.com/cloudwego/hertz", Proto: server.ProtoWS, New: hertz.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked},
		Display:       "hertz-contrib/websocket", Role: server.RoleLibrary, Palette: 10,
		Features: server.Features{
			Compression:      "permessage-deflate, experimental, no context takeover (gorilla's)",
			Context:          "hertz handlers take a context.Context; the WebSocket API uses deadlines",
			ConcurrentWrites: "no: one writer at a time (gorilla's rules)",
			EventLoop:        "netpoll reads HTTP requests; an upgraded connection keeps a goroutine",
			Client:           "yes (ClientUpgrader on hertz's HTTP client)",
			Maintenance:      "hertz maintained by CloudWeGo, v0.10.6 (2026-08); hertz-contrib/websocket v0.2.0 (2024-11)",
		},
	},
	{
		Name: "nbio", Module: "github.com/lesismal/nbio", Proto: server.ProtoWS, New: nbio.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked},
		Deviations: map[server.Behaviour]string{
			server.CloseFrameOnViolation: "drops the TCP connection without a close frame on a protocol violation, and offers no hook to send one",
			server.EmptyMessageDelivered: "drops a data message with an empty payload without calling OnMessage",
			server.UnmaskedFrameRejected: "reads an unmasked client frame as if it were masked instead of closing the connection",
		},
		Display: "lesismal/nbio", Role: server.RoleLibrary, Palette: 4,
		Features: server.Features{
			Compression:      "permessage-deflate (EnableCompression), no context takeover",
			Context:          "Dialer.DialContext, Config.Context for the engine; I/O is callbacks",
			ConcurrentWrites: "yes: WriteMessage locks the connection and never blocks (write list)",
			EventLoop:        "yes: its own epoll pollers; also blocking and mixed modes",
			Client:           "yes (websocket.Dialer on an nbhttp engine)",
			Maintenance:      "maintained; v1.6.12 (2026-07)",
		},
	},
	{
		Name: "rest", Module: "", Proto: server.ProtoHTTP, New: rest.New,
		Display: "REST (net/http)", Role: server.RoleBaseline,
		Features: server.Features{
			Compression:      "HTTP gzip by hand on the server; the client transport decompresses",
			Context:          "Request.Context and NewRequestWithContext",
			ConcurrentWrites: "n/a: one response per request",
			EventLoop:        "no: net/http uses a goroutine per connection",
			Client:           "yes (net/http Client)",
			Maintenance:      "Go standard library",
		},
	},
}
