package scenario

import "github.com/wsbench/wsbench/loadgen/wire"

// Variant names: how a run talks to the server beyond its protocol, as
// results carry it ("variant"). The bench refers to these names.
const (
	VariantWS                 = "ws"
	VariantTCP                = "tcp"
	VariantSockJSWebSocket    = "sockjs-websocket"
	VariantSockJSXHRStreaming = "sockjs-xhr-streaming"
	VariantSockJSXHRPolling   = "sockjs-xhr-polling"
	VariantHTTPKeepAlive      = "http-keepalive"
	VariantHTTPNewConn        = "http-new-conn"
	VariantPoll               = "poll"
	VariantLongPoll           = "longpoll"
	VariantSSE                = "sse"
)

// VariantInfo is one way of talking to a server: the protocol and the
// options of Config that select it.
type VariantInfo struct {
	Name      string
	Proto     wire.Proto
	Transport wire.Transport // SockJS; "" is its websocket transport
	// NewConnPerRequest and Subscribe are the HTTP options (Config.HTTP).
	NewConnPerRequest bool
	Subscribe         wire.Subscribe
	// Broadcast: the variant names a broadcast or chat run (HTTP
	// subscribers' modes); HTTP variants without it name echo and
	// connect runs.
	Broadcast bool
	// Describe is the variant in plain English.
	Describe string
}

// Variants is the table of every variant the load generator speaks, each
// protocol's default first.
var Variants = []VariantInfo{
	{Name: VariantWS, Proto: wire.WS, Describe: "WebSocket"},
	{Name: VariantTCP, Proto: wire.TCP, Describe: "plain TCP, length-prefixed"},
	{Name: VariantSockJSWebSocket, Proto: wire.SockJS, Describe: "SockJS over its websocket transport"},
	{Name: VariantSockJSXHRStreaming, Proto: wire.SockJS, Transport: wire.XHRStreaming, Describe: "SockJS xhr-streaming (WebSocket emulation)"},
	{Name: VariantSockJSXHRPolling, Proto: wire.SockJS, Transport: wire.XHRPolling, Describe: "SockJS xhr-polling (WebSocket emulation)"},
	{Name: VariantHTTPKeepAlive, Proto: wire.HTTP, Describe: "HTTP/1.1 keep-alive"},
	{Name: VariantHTTPNewConn, Proto: wire.HTTP, NewConnPerRequest: true, Describe: "HTTP/1.1, a new TCP connection per request"},
	{Name: VariantPoll, Proto: wire.HTTP, Subscribe: wire.Poll, Broadcast: true, Describe: "REST polling"},
	{Name: VariantLongPoll, Proto: wire.HTTP, Subscribe: wire.LongPoll, Broadcast: true, Describe: "REST long polling"},
	{Name: VariantSSE, Proto: wire.HTTP, Subscribe: wire.SSE, Broadcast: true, Describe: "Server-Sent Events"},
}

// LookupVariant finds a variant by name.
func LookupVariant(name string) (VariantInfo, bool) {
	for _, v := range Variants {
		if v.Name == name {
			return v, true
		}
	}
	return VariantInfo{}, false
}

// Apply sets c's protocol and the options that select v, leaving the rest
// of c as it is.
func (v VariantInfo) Apply(c *Config) {
	c.Proto = v.Proto
	c.Transport = v.Transport
	c.HTTP.NewConnPerRequest = v.NewConnPerRequest
	c.HTTP.Subscribe = v.Subscribe
}

// matches reports whether v names the way c talks to its server.
func (v VariantInfo) matches(c *Config) bool {
	transport := c.Transport
	if transport == wire.WebSocket {
		transport = ""
	}
	if v.Proto != c.Proto || v.Transport != transport {
		return false
	}
	if c.Proto != wire.HTTP {
		return true
	}
	if c.Scenario == Broadcast || c.Scenario == Chat {
		return v.Broadcast && v.Subscribe == c.HTTP.Subscribe
	}
	return !v.Broadcast && v.NewConnPerRequest == c.HTTP.NewConnPerRequest
}

// Variant names how the run talks to the server beyond its protocol (an
// entry of Variants): "ws"; "sockjs-" and the SockJS transport; over HTTP
// the broadcast subscribers' mode ("poll", "longpoll", "sse"), else
// "http-keepalive" or "http-new-conn" (an HTTP broadcast is named by its
// subscribers' mode whatever its connection policy). Valid after Check.
func (c *Config) Variant() string {
	for _, v := range Variants {
		if v.matches(c) {
			return v.Name
		}
	}
	if c.Proto == wire.HTTP && (c.Scenario == Broadcast || c.Scenario == Chat) {
		return c.HTTP.Subscribe.String()
	}
	return string(c.Proto)
}
