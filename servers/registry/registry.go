// Package registry lists every server under test. Adding a library is one
// package under servers/ and one line here: the CLI, the tests, the
// benchmarks and the bench matrix all range over this list.
package registry

import (
	"sort"

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

var all = []server.Library{
	{Name: "gorilla", Module: "github.com/gorilla/websocket", Proto: server.ProtoWS, New: gorilla.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}, Variants: gorilla.Variants()},
	{Name: "nhooyr", Module: "nhooyr.io/websocket", Proto: server.ProtoWS, New: nhooyr.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: nhooyr.Variants()},
	{Name: "coder", Module: "github.com/coder/websocket", Proto: server.ProtoWS, New: coder.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: coder.Variants()},
	{Name: "gobwas", Module: "github.com/gobwas/ws", Proto: server.ProtoWS, New: gobwas.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}, Variants: gobwas.Variants()},
	{Name: "gobwas-epoll", Module: "github.com/gobwas/ws", Proto: server.ProtoWS, New: gobwasepoll.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}},
	{Name: "xnet", Module: "golang.org/x/net", Proto: server.ProtoWS, New: xnet.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: xnet.Variants()},
	{Name: "sockjs", Module: "github.com/igm/sockjs-go/v3", Proto: server.ProtoSockJS, New: sockjs.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked, server.TooBigFromHeader}, Variants: sockjs.Variants()},
	{Name: "native", Module: "", Proto: server.ProtoWS, New: native.New},
	{Name: "tcp", Module: "", Proto: server.ProtoTCP, New: tcp.New},
	{Name: "fasthttp", Module: "github.com/valyala/fasthttp", Proto: server.ProtoWS, New: fasthttp.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}},
	{Name: "gws", Module: "github.com/lxzan/gws", Proto: server.ProtoWS, New: gws.New, Deviations: map[server.Behaviour]string{
		server.PeerCloseCodeEchoed: "answers every valid peer close with 1000, whatever code the peer sent, and offers no hook to change it",
		server.TooBigFromHeader:    "checks each frame's declared length against the limit, but reads a fragment that takes a fragmented message over it before answering 1009",
	}},
	{Name: "hertz", Module: "github.com/cloudwego/hertz", Proto: server.ProtoWS, New: hertz.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked}},
	{Name: "nbio", Module: "github.com/lesismal/nbio", Proto: server.ProtoWS, New: nbio.New,
		AdapterChecks: []server.Behaviour{server.TextUTF8Checked, server.CloseReasonUTF8Checked}, Deviations: map[server.Behaviour]string{
			server.CloseFrameOnViolation: "drops the TCP connection without a close frame on a protocol violation, and offers no hook to send one",
			server.EmptyMessageDelivered: "drops a data message with an empty payload without calling OnMessage",
			server.UnmaskedFrameRejected: "reads an unmasked client frame as if it were masked instead of closing the connection",
		}},
	{Name: "rest", Module: "", Proto: server.ProtoHTTP, New: rest.New},
}

// All returns the registered libraries in a stable order (by name).
func All() []server.Library {
	out := append([]server.Library(nil), all...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the registered names, sorted.
func Names() []string {
	var names []string
	for _, l := range All() {
		names = append(names, l.Name)
	}
	return names
}

// Lookup finds a library by name.
func Lookup(name string) (server.Library, bool) {
	for _, l := range all {
		if l.Name == name {
			return l, true
		}
	}
	return server.Library{}, false
}

// ByProto returns the libraries whose clients speak proto.
func ByProto(proto server.Proto) []server.Library {
	var out []server.Library
	for _, l := range All() {
		if l.Proto == proto {
			out = append(out, l)
		}
	}
	return out
}
