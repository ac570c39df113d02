package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wsbench/wsbench/loadgen/scenario"
)

// Variant is how the load generator talks to a library beyond choosing its
// protocol: the HTTP connection policy, how HTTP broadcast subscribers
// receive, which SockJS transport subscribers use. Every cell has one; the
// main matrix uses each protocol's default (DefaultVariant), and a spec's
// Variants add cells for the others.
type Variant string

// The variants: the load generator's (package scenario names them), and
// one of the bench's own.
const (
	// VariantWS is plain RFC 6455 WebSocket.
	VariantWS Variant = scenario.VariantWS
	// VariantTCP is length-prefixed messages on plain TCP (the tcp server).
	VariantTCP Variant = scenario.VariantTCP
	// VariantSockJSWebSocket is SockJS over its websocket transport.
	VariantSockJSWebSocket Variant = scenario.VariantSockJSWebSocket
	// VariantSockJSXHRStreaming has broadcast subscribers receive over
	// SockJS xhr-streaming (publishers keep the websocket transport).
	VariantSockJSXHRStreaming Variant = scenario.VariantSockJSXHRStreaming
	// VariantSockJSXHRPolling has broadcast subscribers receive over SockJS
	// xhr-polling.
	VariantSockJSXHRPolling Variant = scenario.VariantSockJSXHRPolling
	// VariantHTTPKeepAlive is HTTP/1.1 over kept-alive connections.
	VariantHTTPKeepAlive Variant = scenario.VariantHTTPKeepAlive
	// VariantHTTPNewConn opens a new TCP connection for every HTTP request.
	VariantHTTPNewConn Variant = scenario.VariantHTTPNewConn
	// VariantPoll has HTTP broadcast subscribers GET /poll every poll
	// interval.
	VariantPoll Variant = scenario.VariantPoll
	// VariantLongPoll has HTTP broadcast subscribers long-poll GET /poll.
	VariantLongPoll Variant = scenario.VariantLongPoll
	// VariantSSE has HTTP broadcast subscribers hold one Server-Sent
	// Events stream (GET /events).
	VariantSSE Variant = scenario.VariantSSE
	// VariantWSOneInFlight is WebSocket echo with one message in flight
	// per connection, as request/response over HTTP/1.1 has: the
	// WebSocket side of the REST comparison on equal footing. The load
	// generator runs it as VariantWS with a window of 1 (see Loadgen).
	VariantWSOneInFlight Variant = "ws-1-in-flight"
)

// benchVariant is what the bench adds to a variant: the scenarios of the
// matrix it applies to (the load generator would run some in more), and
// for the bench's own variants what the load generator knows of them.
type benchVariant struct {
	scenarios []Scenario
	loadgen   Variant // the load generator's variant ("": the same name)
	what      string  // plain English ("": the load generator's description)
}

var echoScenarios = []Scenario{EchoClosed, EchoOpen}

var variants = map[Variant]benchVariant{
	VariantWS:                 {scenarios: Scenarios},
	VariantTCP:                {scenarios: Scenarios},
	VariantSockJSWebSocket:    {scenarios: Scenarios},
	VariantSockJSXHRStreaming: {scenarios: []Scenario{Broadcast}},
	VariantSockJSXHRPolling:   {scenarios: []Scenario{Broadcast}},
	VariantHTTPKeepAlive:      {scenarios: []Scenario{EchoClosed, EchoOpen, Connect}},
	VariantHTTPNewConn:        {scenarios: echoScenarios},
	VariantPoll:               {scenarios: []Scenario{Broadcast}},
	VariantLongPoll:           {scenarios: []Scenario{Broadcast}},
	VariantSSE:                {scenarios: []Scenario{Broadcast}},
	VariantWSOneInFlight:      {scenarios: []Scenario{EchoClosed}, loadgen: VariantWS, what: "WebSocket, one message in flight per connection"},
}

// Variants lists every known variant in report order.
var Variants = []Variant{VariantWS, VariantWSOneInFlight, VariantTCP, VariantSockJSWebSocket, VariantHTTPKeepAlive, VariantHTTPNewConn,
	VariantPoll, VariantLongPoll, VariantSSE, VariantSockJSXHRStreaming, VariantSockJSXHRPolling}

// Loadgen is the variant the load generator reports for cells of v: v
// itself, except that one message in flight is a closed-loop window (the
// load generator's -window), not a way of talking to the server.
func (v Variant) Loadgen() Variant {
	if lg := variants[v].loadgen; lg != "" {
		return lg
	}
	return v
}

// info is v's entry in the load generator's table.
func (v Variant) info() (scenario.VariantInfo, bool) {
	return scenario.LookupVariant(string(v.Loadgen()))
}

// Known reports whether v is a variant the bench knows.
func (v Variant) Known() bool {
	_, bench := variants[v]
	_, loadgen := v.info()
	return bench && loadgen
}

// Proto is the protocol (ws, sockjs, http, tcp) of the libraries v applies to.
func (v Variant) Proto() string {
	info, _ := v.info()
	return string(info.Proto)
}

// Describe is v in plain English, e.g. "REST long polling".
func (v Variant) Describe() string {
	if what := variants[v].what; what != "" {
		return what
	}
	if info, ok := v.info(); ok {
		return info.Describe
	}
	return string(v)
}

// AppliesTo reports whether v can run scenario s.
func (v Variant) AppliesTo(s Scenario) bool { return slices.Contains(variants[v].scenarios, s) }

// Apply sets the protocol and options of the load generator's
// configuration that select v (the poll interval is the cell's).
func (v Variant) Apply(c *scenario.Config) {
	if info, ok := v.info(); ok {
		info.Apply(c)
	}
}

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
