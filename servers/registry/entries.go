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
		Name: "gorilla", Chat: true, Module: "github.com/gorilla/websocket", Proto: server.ProtoWS, New: gorilla.New, Features: gorilla.Features, Deflate: gorilla.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}, Variants: gorilla.Variants(),
		Display: "gorilla/websocket", Role: server.RoleLibrary, Palette: 1, ClaimReference: true,
	},
	{
		Name: "nhooyr", Chat: true, Module: "nhooyr.io/websocket", Proto: server.ProtoWS, New: nhooyr.New, Features: nhooyr.Features, Deflate: nhooyr.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: nhooyr.Variants(),
		Display: "nhooyr.io/websocket", Role: server.RoleLibrary, Palette: 8,
	},
	{
		Name: "coder", Chat: true, Module: "github.com/coder/websocket", Proto: server.ProtoWS, New: coder.New, Features: coder.Features, Deflate: coder.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: coder.Variants(),
		Display: "coder/websocket", Role: server.RoleLibrary, Palette: 2,
	},
	{
		Name: "gobwas", Chat: true, Module: "github.com/gobwas/ws", Proto: server.ProtoWS, New: gobwas.New, Features: gobwas.Features, Deflate: gobwas.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}, Variants: gobwas.Variants(),
		Display: "gobwas/ws", Role: server.RoleLibrary, Palette: 5,
	},
	{
		Name: "gobwas-epoll", Chat: true, Module: "github.com/gobwas/ws", Proto: server.ProtoWS, New: gobwasepoll.New, Features: gobwasepoll.Features, Deflate: gobwasepoll.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked},
		Display:       "gobwas/ws on our epoll loop", Role: server.RoleOwn, Palette: 11,
	},
	{
		Name: "xnet", Chat: true, Module: "golang.org/x/net", Proto: server.ProtoWS, New: xnet.New, Features: xnet.Features, Deflate: xnet.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: xnet.Variants(),
		Display: "golang.org/x/net/websocket", Role: server.RoleLibrary, Palette: 6,
	},
	{
		Name: "sockjs", Chat: true, Module: "github.com/igm/sockjs-go/v3", Proto: server.ProtoSockJS, New: sockjs.New, Features: sockjs.Features, Deflate: sockjs.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: sockjs.Variants(),
		Display: "sockjs-go", Role: server.RoleLibrary, Palette: 7,
	},
	{
		Name: "native", Chat: true, Module: "", Proto: server.ProtoWS, New: native.New, Features: native.Features, Deflate: native.Deflate,
		Display: "native (RFC 6455 on net/http)", Role: server.RoleOwn, Palette: 12,
	},
	{
		Name: "tcp", Module: "", Proto: server.ProtoTCP, New: tcp.New, Features: tcp.Features,
		Display: "plain TCP (no WebSocket)", Role: server.RoleCeiling,
	},
	{
		Name: "fasthttp", Chat: true, Module: "github.com/valyala/fasthttp", Proto: server.ProtoWS, New: fasthttp.New, Features: fasthttp.Features, Deflate: fasthttp.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked},
		Display:       "fasthttp/websocket", Role: server.RoleLibrary, Palette: 9,
	},
	{
		Name: "gws", Chat: true, Module: "github.com/lxzan/gws", Proto: server.ProtoWS, New: gws.New, Features: gws.Features, Deflate: gws.Deflate,
		Deviations: map[server.Behaviour]string{
			server.PeerCloseCodeEchoed: "answers every valid peer close with 1000, whatever code the peer sent, and offers no hook to change it",
			server.TooBigFromHeader:    "checks each frame's declared length against the limit, but reads a fragment that takes a fragmented message over it before answering 1009",
		},
		Display: "lxzan/gws", Role: server.RoleLibrary, Palette: 3,
	},
	{
		Name: "hertz", Chat: true, Module: "github.com/cloudwego/hertz", Proto: server.ProtoWS, New: hertz.New, Features: hertz.Features, Deflate: hertz.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked},
		Display:       "hertz-contrib/websocket", Role: server.RoleLibrary, Palette: 10,
	},
	{
		Name: "nbio", Chat: true, Module: "github.com/lesismal/nbio", Proto: server.ProtoWS, New: nbio.New, Features: nbio.Features, Deflate: nbio.Deflate,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked},
		Deviations: map[server.Behaviour]string{
			server.CloseFrameOnViolation: "drops the TCP connection without a close frame on a protocol violation, and offers no hook to send one",
			server.EmptyMessageDelivered: "drops a data message with an empty payload without calling OnMessage",
			server.UnmaskedFrameRejected: "reads an unmasked client frame as if it were masked instead of closing the connection",
		},
		Display: "lesismal/nbio", Role: server.RoleLibrary, Palette: 4,
	},
	{
		Name: "rest", Module: "", Proto: server.ProtoHTTP, New: rest.New, Features: rest.Features,
		Display: "REST (net/http)", Role: server.RoleBaseline,
	},
}
