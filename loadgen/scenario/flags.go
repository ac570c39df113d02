package scenario

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// RegisterFlags defines the load generator's flags on fs, each writing one
// field of c. A flag left out leaves its field as it is: zero for the
// fields whose zero Check replaces with a default (the default is what
// the flag's usage shows), while RegisterFlags sets Warmup and Hold, for
// which zero is meaningful, to their defaults. Args is the inverse.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	c.Warmup, c.Hold = DefaultWarmup, DefaultHold
	fs.StringVar(&c.URL, "url", "", "server base URL: ws://HOST:PORT, http://HOST:PORT or tcp://HOST:PORT (the scenario picks the path)")
	fs.Var((*protoFlag)(&c.Proto), "proto", "`protocol`: ws, sockjs, http or tcp (default: from the URL scheme; sockjs must be named)")
	fs.StringVar(&c.Scenario, "scenario", "", "echo, broadcast, connect or chat")
	shows(fs, "scenario", Echo)
	fs.Var(atLeastOne{&c.Conns}, "conns", "`n` connections (broadcast: subscribers)")
	shows(fs, "conns", strconv.Itoa(DefaultConns))
	fs.Var(atLeastOne{&c.Window}, "window", "closed-loop echo: `n` messages in flight per connection (HTTP: 1)")
	shows(fs, "window", strconv.Itoa(DefaultWindow))
	fs.Var(atLeastOne{&c.Size}, "size", "message size in `bytes`, 40-byte header included")
	shows(fs, "size", strconv.Itoa(DefaultSize))
	fs.Float64Var(&c.Rate, "rate", 0, "msgs/s in total: echo open loop when > 0 (0: closed loop); broadcast publish rate (required); chat: msgs/s per publisher (required)")
	fs.Float64Var(&c.Active, "active", 0, "open-loop echo: the `fraction` of -conns that send -rate between them; the others stay open and idle (0: all)")
	fs.Var(positive{&c.Duration}, "duration", "measured interval (a `duration`)")
	shows(fs, "duration", DefaultDuration.String())
	fs.DurationVar(&c.Warmup, "warmup", DefaultWarmup, "load before the measured interval, not counted")
	fs.DurationVar(&c.Drain, "drain", 0, "after the measured interval: how long in-flight messages may still arrive before they count as lost")
	shows(fs, "drain", DefaultDrain.String())
	fs.Var(atLeastOne{&c.Publishers}, "publishers", "broadcast: `n` publishing connections, in addition to -conns subscribers; chat: publishing members per room")
	shows(fs, "publishers", strconv.Itoa(DefaultPublishers))
	fs.Var(atLeastOne{&c.Rooms}, "rooms", "chat: `n` rooms")
	shows(fs, "rooms", strconv.Itoa(DefaultRooms))
	fs.Var(atLeastOne{&c.Members}, "members", "chat: `n` connections per room, publishers included")
	shows(fs, "members", strconv.Itoa(DefaultMembers))
	fs.Var(positive{&c.PollInterval}, "poll-interval", "HTTP broadcast and chat: how often each subscriber polls (a `duration`)")
	shows(fs, "poll-interval", DefaultPollInterval.String())
	fs.Float64Var(&c.ConnectRate, "connect-rate", 0, "new connections per second at most (0: as fast as -dial-concurrency allows)")
	fs.Var(atLeastOne{&c.DialConcurrency}, "dial-concurrency", "`n` connection attempts in progress at once")
	shows(fs, "dial-concurrency", strconv.Itoa(DefaultDialConcurrency))
	fs.Var(positive{&c.DialTimeout}, "dial-timeout", "limit for one TCP connect plus handshake (a `duration`)")
	shows(fs, "dial-timeout", DefaultDialTimeout.String())
	fs.DurationVar(&c.Hold, "hold", DefaultHold, "connect: how long the connections stay open and idle before the memory reading")
	fs.IntVar(&c.ServerPID, "server-pid", 0, "server process to measure (CPU, RSS) from /proc")
	fs.Float64Var(&c.ServerCPUs, "server-cpus", 0, "CPUs the server may use, a CPU quota included, for the verdict client-bound (0: the CPUs of its affinity)")
	fs.DurationVar(&c.Spin, "spin", DefaultSpin, "open loop: sleep until this long before each due time, then busy-poll until it (0: sleep until due; the load generator then wakes late by the kernel's wake-up latency)")
	fs.DurationVar(&c.Timeout, "timeout", 0, "hard deadline for the whole run (default: ramp-up + warm-up + duration + drain + hold + a generous margin)")
	fs.Var((*nodesFlag)(&c.Nodes), "nodes", "broadcast on a cluster: further server nodes `HOST:PORT,...` (same scheme as -url); subscribers are spread over -url's node and these, publishers stay on -url's")
	fs.BoolVar(&c.Hist, "hist", false, "add the latency histograms to the JSON result in hdrhistogram-go's compressed encoding, for merging the results of several load agents")
	fs.IntVar(&c.Agent, "agent", 0, "broadcast with several load agents: this agent's `index` (0-based) of -agents")
	fs.IntVar(&c.Agents, "agents", 0, "broadcast with several load agents on one cluster: how `many` (each checks all agents' messages; see Config.Agents)")
	fs.Int64Var(&c.StartAt, "start-at", 0, "shared start of the clock in Unix `milliseconds` (0: when the connections are up); dialing must end before it")
	fs.IntVar(&c.RunID, "run-id", 0, "run `id` stamped in the messages (0: random); agents of one run share it")
	fs.StringVar(&c.SourceAddr, "source-addr", "", "the one source `address` of every connection, 127.x.x.x (\"\": see -local-addrs)")
	fs.IntVar(&c.LocalAddrs, "local-addrs", 0, "spread connections over source addresses 127.0.0.1..N (0: automatic, when the connections approach the ephemeral port range)")
	fs.Var((*httpConnFlag)(&c.HTTP.NewConnPerRequest), "http-conn", "HTTP connection `policy`: keepalive, or new (a new TCP connection for every request; an SSE stream is one request)")
	shows(fs, "http-conn", "keepalive")
	fs.Var((*subscribeFlag)(&c.HTTP.Subscribe), "subscribe", "HTTP broadcast subscribers' and chat members' `mode`: poll (GET /poll every -poll-interval), longpoll (wait=30s) or sse (GET /events)")
	shows(fs, "subscribe", wire.Poll.String())
	fs.Var((*transportFlag)(&c.Transport), "transport", "SockJS `transport` of echo connections and broadcast subscribers: websocket, xhr-streaming or xhr-polling (publishers: websocket)")
	shows(fs, "transport", string(wire.WebSocket))
	fs.Var((*payloadFlag)(&c.Payload), "payload", "echo and broadcast: what fills each message after its header: pattern (a fixed pattern), chat-json (chat-like JSON), json (JSON records, as an API's documents) or random (incompressible bytes; letters and digits in text messages)")
	shows(fs, "payload", string(payload.Pattern))
	fs.Var((*deflateFlag)(&c.Deflate), "deflate", "permessage-deflate offer of WebSocket connections: off, context-takeover (as a browser offers it; the server may still refuse takeover) or no-context-takeover; the server must accept it")
	shows(fs, "deflate", string(wire.DeflateOff))
	fs.BoolVar(&c.ConnectEcho, "connect-echo", false, "connect: every connection echoes one message before the hold, so that the memory reading includes what a server keeps per connection once it has carried one (with -deflate: windows, compressors)")
}

// payloadFlag is -payload; Check validates it.
type payloadFlag payload.Kind

func (f *payloadFlag) String() string { return string(*f) }

func (f *payloadFlag) Set(s string) error { *f = payloadFlag(s); return nil }

// deflateFlag is -deflate; Check validates it.
type deflateFlag wire.Deflate

func (f *deflateFlag) String() string { return string(*f) }

func (f *deflateFlag) Set(s string) error { *f = deflateFlag(s); return nil }

// Parse reads a configuration from the load generator's flags (those of
// RegisterFlags). Its errors are *UsageError.
func Parse(args []string) (Config, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var c Config
	c.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return Config{}, usage("%v", err)
	}
	if fs.NArg() > 0 {
		return Config{}, usage("unexpected argument %q", fs.Arg(0))
	}
	return c, nil
}

// Args is c as the load generator's flags, the inverse of Parse: a field
// at its zero value (or, for Warmup and Hold, at its default) is left out.
// Progress has no flag.
func (c Config) Args() []string {
	var a []string
	add := func(name, value string) { a = append(a, "-"+name, value) }
	str := func(name, v string) {
		if v != "" {
			add(name, v)
		}
	}
	num := func(name string, v int) {
		if v != 0 {
			add(name, strconv.Itoa(v))
		}
	}
	rate := func(name string, v float64) {
		if v != 0 {
			add(name, strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	dur := func(name string, v, omit time.Duration) {
		if v != omit {
			add(name, v.String())
		}
	}
	str("url", c.URL)
	str("proto", string(c.Proto))
	str("scenario", c.Scenario)
	num("conns", c.Conns)
	num("window", c.Window)
	num("size", c.Size)
	rate("rate", c.Rate)
	rate("active", c.Active)
	dur("duration", c.Duration, 0)
	dur("warmup", c.Warmup, DefaultWarmup)
	dur("drain", c.Drain, 0)
	num("publishers", c.Publishers)
	num("rooms", c.Rooms)
	num("members", c.Members)
	dur("poll-interval", c.PollInterval, 0)
	rate("connect-rate", c.ConnectRate)
	num("dial-concurrency", c.DialConcurrency)
	dur("dial-timeout", c.DialTimeout, 0)
	dur("hold", c.Hold, DefaultHold)
	num("server-pid", c.ServerPID)
	rate("server-cpus", c.ServerCPUs)
	dur("spin", c.Spin, DefaultSpin)
	dur("timeout", c.Timeout, 0)
	num("local-addrs", c.LocalAddrs)
	num("agent", c.Agent)
	num("agents", c.Agents)
	if c.StartAt != 0 {
		add("start-at", strconv.FormatInt(c.StartAt, 10))
	}
	num("run-id", c.RunID)
	str("source-addr", c.SourceAddr)
	if len(c.Nodes) > 0 {
		add("nodes", strings.Join(c.Nodes, ","))
	}
	if c.Hist {
		a = append(a, "-hist") // a boolean flag takes no separate value
	}
	if c.HTTP.NewConnPerRequest {
		add("http-conn", "new")
	}
	if c.HTTP.Subscribe != wire.Poll {
		add("subscribe", c.HTTP.Subscribe.String())
	}
	str("transport", string(c.Transport))
	if c.Payload != payload.Pattern {
		str("payload", string(c.Payload))
	}
	if c.Deflate != wire.DeflateOff {
		str("deflate", string(c.Deflate))
	}
	if c.ConnectEcho {
		a = append(a, "-connect-echo") // a boolean flag takes no separate value
	}
	return a
}

// shows sets the default a flag's usage shows: the value Check fills in
// for the zero the flag leaves.
func shows(fs *flag.FlagSet, name, def string) { fs.Lookup(name).DefValue = def }

// atLeastOne is an int flag that refuses values below 1.
type atLeastOne struct{ p *int }

func (f atLeastOne) String() string {
	if f.p == nil {
		return "0"
	}
	return strconv.Itoa(*f.p)
}

func (f atLeastOne) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not an integer")
	}
	if v < 1 {
		return errors.New("must be at least 1")
	}
	*f.p = v
	return nil
}

// positive is a duration flag that refuses zero and negative durations.
type positive struct{ p *time.Duration }

func (f positive) String() string {
	if f.p == nil {
		return "0s"
	}
	return f.p.String()
}

func (f positive) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration")
	}
	if v <= 0 {
		return errors.New("must be positive")
	}
	*f.p = v
	return nil
}

// protoFlag is -proto; Check validates it against the URL.
type protoFlag wire.Proto

func (f *protoFlag) String() string { return string(*f) }

func (f *protoFlag) Set(s string) error { *f = protoFlag(s); return nil }

// httpConnFlag is -http-conn: keepalive or new.
type httpConnFlag bool

func (f *httpConnFlag) String() string {
	if *f {
		return "new"
	}
	return ""
}

func (f *httpConnFlag) Set(s string) error {
	switch s {
	case "keepalive":
		*f = false
	case "new":
		*f = true
	default:
		return fmt.Errorf("-http-conn must be keepalive or new, not %q", s)
	}
	return nil
}

// subscribeFlag is -subscribe: a name of wire.Subscribes.
type subscribeFlag wire.Subscribe

func (f *subscribeFlag) String() string {
	if *f == subscribeFlag(wire.Poll) {
		return ""
	}
	return wire.Subscribe(*f).String()
}

func (f *subscribeFlag) Set(s string) error {
	for _, m := range wire.Subscribes {
		if m.Name == s {
			*f = subscribeFlag(m.Mode)
			return nil
		}
	}
	return fmt.Errorf("-subscribe must be poll, longpoll or sse, not %q", s)
}

// transportFlag is -transport: one of wire.Transports.
type transportFlag wire.Transport

func (f *transportFlag) String() string { return string(*f) }

func (f *transportFlag) Set(s string) error {
	if !slices.Contains(wire.Transports, wire.Transport(s)) {
		return fmt.Errorf("-transport must be websocket, xhr-streaming or xhr-polling, not %q", s)
	}
	*f = transportFlag(s)
	return nil
}

// nodesFlag is a comma-separated list of HOST:PORT.
type nodesFlag []string

func (f *nodesFlag) String() string {
	if f == nil {
		return ""
	}
	return strings.Join(*f, ",")
}

func (f *nodesFlag) Set(v string) error {
	*f = nil
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			*f = append(*f, n)
		}
	}
	return nil
}
