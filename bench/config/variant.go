package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Variant is how the load generator talks to a library beyond choosing its
// protocol: the HTTP connection policy, how HTTP broadcast subscribers
// receive, which SockJS transport subscribers use. Every cell has one; the
// main matrix uses each protocol's default (DefaultVariant), and a spec's
// Variants add cells for the others.
type Variant string

// The variants the load generator knows (its result's "variant").
const (
	// VariantWS is plain RFC 6455 WebSocket.
	VariantWS Variant = "ws"
	// VariantTCP is length-prefixed messages on plain TCP (the tcp server).
	VariantTCP Variant = "tcp"
	// VariantSockJSWebSocket is SockJS over its websocket transport.
	VariantSockJSWebSocket Variant = "sockjs-websocket"
	// VariantSockJSXHRStreaming has broadcast subscribers receive over
	// SockJS xhr-streaming (publishers keep the websocket transport).
	VariantSockJSXHRStreaming Variant = "sockjs-xhr-streaming"
	// VariantSockJSXHRPolling has broadcast subscribers receive over SockJS
	// xhr-polling.
	VariantSockJSXHRPolling Variant = "sockjs-xhr-polling"
	// VariantHTTPKeepAlive is HTTP/1.1 over kept-alive connections.
	VariantHTTPKeepAlive Variant = "http-keepalive"
	// VariantHTTPNewConn opens a new TCP connection for every HTTP request.
	VariantHTTPNewConn Variant = "http-new-conn"
	// VariantPoll has HTTP broadcast subscribers GET /poll every poll
	// interval.
	VariantPoll Variant = "poll"
	// VariantLongPoll has HTTP broadcast subscribers long-poll GET /poll.
	VariantLongPoll Variant = "longpoll"
	// VariantSSE has HTTP broadcast subscribers hold one Server-Sent
	// Events stream (GET /events).
	VariantSSE Variant = "sse"
	// VariantWSOneInFlight is WebSocket echo with one message in flight
	// per connection, as request/response over HTTP/1.1 has: the
	// WebSocket side of the REST comparison on equal footing.
	VariantWSOneInFlight Variant = "ws-1-in-flight"
)

// variantInfo is what the bench knows about a variant.
type variantInfo struct {
	proto     string     // the protocol of the libraries it applies to
	scenarios []Scenario // the scenarios it applies to
	flags     []string   // load generator flags beyond the protocol's defaults
	what      string     // plain-English description
}

var echoScenarios = []Scenario{EchoClosed, EchoOpen}

var variants = map[Variant]variantInfo{
	VariantWS:                 {"ws", Scenarios, nil, "WebSocket"},
	VariantTCP:                {"tcp", Scenarios, nil, "plain TCP, length-prefixed"},
	VariantSockJSWebSocket:    {"sockjs", Scenarios, nil, "SockJS over its websocket transport"},
	VariantSockJSXHRStreaming: {"sockjs", []Scenario{Broadcast}, []string{"-transport", "xhr-streaming"}, "SockJS xhr-streaming (WebSocket emulation)"},
	VariantSockJSXHRPolling:   {"sockjs", []Scenario{Broadcast}, []string{"-transport", "xhr-polling"}, "SockJS xhr-polling (WebSocket emulation)"},
	VariantHTTPKeepAlive:      {"http", []Scenario{EchoClosed, EchoOpen, Connect}, nil, "HTTP/1.1 keep-alive"},
	VariantHTTPNewConn:        {"http", echoScenarios, []string{"-http-conn", "new"}, "HTTP/1.1, a new TCP connection per request"},
	VariantPoll:               {"http", []Scenario{Broadcast}, nil, "REST polling"},
	VariantLongPoll:           {"http", []Scenario{Broadcast}, []string{"-subscribe", "longpoll"}, "REST long polling"},
	VariantSSE:                {"http", []Scenario{Broadcast}, []string{"-subscribe", "sse"}, "Server-Sent Events"},
	VariantWSOneInFlight:      {"ws", []Scenario{EchoClosed}, nil, "WebSocket, one message in flight per connection"},
}

// Variants lists every known variant in report order.
var Variants = []Variant{VariantWS, VariantWSOneInFlight, VariantTCP, VariantSockJSWebSocket, VariantHTTPKeepAlive, VariantHTTPNewConn,
	VariantPoll, VariantLongPoll, VariantSSE, VariantSockJSXHRStreaming, VariantSockJSXHRPolling}

// Loadgen is the variant the load generator reports for cells of v: v
// itself, except that one message in flight is a closed-loop window (the
// load generator's -window), not a way of talking to the server.
func (v Variant) Loadgen() Variant {
	if v == VariantWSOneInFlight {
		return VariantWS
	}
	return v
}

// Known reports whether v is a variant the bench knows.
func (v Variant) Known() bool { _, ok := variants[v]; return ok }

// Proto is the protocol (ws, sockjs, http) of the libraries v applies to.
func (v Variant) Proto() string { return variants[v].proto }

// Describe is v in plain English, e.g. "REST long polling".
func (v Variant) Describe() string {
	if info, ok := variants[v]; ok {
		return info.what
	}
	return string(v)
}

// AppliesTo reports whether v can run scenario s.
func (v Variant) AppliesTo(s Scenario) bool { return slices.Contains(variants[v].scenarios, s) }

// LoadgenFlags are the load generator flags that select v. The protocol's
// default variant needs none, so the main matrix runs exactly as without
// variants. The poll interval travels in -poll-interval, not here.
func (v Variant) LoadgenFlags() []string { return slices.Clone(variants[v].flags) }

// DefaultVariant is the variant of proto's cells in the main matrix:
// WebSocket for ws, the websocket transport for sockjs, keep-alive for
// HTTP echo and connect, polling for HTTP broadcast.
func DefaultVariant(proto string, s Scenario) Variant {
	switch proto {
	case "ws":
		return VariantWS
	case "tcp":
		return VariantTCP
	case "sockjs":
		return VariantSockJSWebSocket
	case "http":
		if s == Broadcast {
			return VariantPoll
		}
		return VariantHTTPKeepAlive
	}
	return ""
}

// VariantLabel is the short name of a non-default variant in cell IDs and
// table rows: the variant without its protocol prefix, and for polling
// the interval ("new-conn", "xhr-streaming", "poll-50ms", "sse").
func VariantLabel(v Variant, poll time.Duration) string {
	s := string(v)
	if p := v.Proto(); p != "" {
		s = strings.TrimPrefix(s, p+"-")
	}
	if v == VariantPoll && poll > 0 {
		s += "-" + shortDuration(poll)
	}
	return s
}

// shortDuration writes 50ms, 250ms, 1s, 1.5s.
func shortDuration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%gms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%gs", d.Seconds())
}

// VariantSpec adds the cells of one variant to a spec: for every library
// of the variant's protocol, every size and every connection count of the
// spec. A variant that repeats the main matrix's cell (a protocol's
// default variant, or polling at the spec's own interval) adds nothing.
type VariantSpec struct {
	Variant Variant `json:"variant"`
	// PollInterval is the polling interval of the poll variant (required
	// there, rejected elsewhere).
	PollInterval Duration `json:"poll_interval,omitempty"`
	// Lib limits the variant to one library ("": every library of the
	// variant's protocol).
	Lib string `json:"lib,omitempty"`
}

// appliesTo reports whether vs adds cells for library l.
func (vs VariantSpec) appliesTo(l Lib) bool {
	return vs.Variant.Proto() == l.Proto && (vs.Lib == "" || vs.Lib == l.Name)
}

func (vs VariantSpec) validate(s Scenario) error {
	v := vs.Variant
	if !v.Known() {
		var names []string
		for _, k := range Variants {
			names = append(names, string(k))
		}
		return fmt.Errorf("%s: unknown variant %q; known: %s", s, v, strings.Join(names, ", "))
	}
	if !v.AppliesTo(s) {
		return fmt.Errorf("%s: variant %s does not apply to %s", s, v, s)
	}
	switch {
	case v == VariantPoll && vs.PollInterval.Duration <= 0:
		return fmt.Errorf("%s: variant poll needs a positive poll_interval", s)
	case v != VariantPoll && vs.PollInterval.Duration != 0:
		return fmt.Errorf("%s: poll_interval is for the poll variant, not %s", s, v)
	}
	return nil
}
