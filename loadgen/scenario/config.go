// Package scenario runs the load generator's scenarios (echo in closed or
// open loop, broadcast, connect) over any protocol of package wire and
// turns what it saw into a result.Result.
package scenario

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// Scenario names.
const (
	Echo      = "echo"
	Broadcast = "broadcast"
	Connect   = "connect"
	Chat      = "chat"
)

// Defaults of Config, shared with the command line.
const (
	DefaultConns           = 50
	DefaultWindow          = 16
	DefaultSize            = 1024
	DefaultDuration        = 10 * time.Second
	DefaultWarmup          = 2 * time.Second
	DefaultHold            = 5 * time.Second
	DefaultDrain           = 2 * time.Second
	DefaultPublishers      = 1
	DefaultPollInterval    = 100 * time.Millisecond
	DefaultDialConcurrency = 64
	DefaultDialTimeout     = 5 * time.Second
	// DefaultSpin is the open loop's busy-poll window before each due
	// time (Config.Spin): above the wake-up lateness of a sleeping thread
	// at p50 on a VM (about 0.6 ms measured) would spin all the time at
	// low rates; 200 µs absorbs the typical wake-up on bare metal and most
	// of it on a VM, while leaving the sender asleep for most of each
	// interval below 5,000 msgs/s per loop.
	DefaultSpin    = 200 * time.Microsecond
	DefaultRooms   = 10
	DefaultMembers = 10
	// MaxSize is the servers' message limit (servers/server.MaxMessageSize).
	MaxSize = 16 << 20
)

// Config is one run. Zero fields take the defaults above (Check fills
// them in), except Rate, ConnectRate, Warmup, Hold, ServerPID, ServerCPUs,
// LocalAddrs, Spin and Timeout, for which zero is meaningful.
type Config struct {
	URL      string     // server base URL: ws://HOST:PORT or http://HOST:PORT (a path is replaced by the scenario's)
	Proto    wire.Proto // "" = from the URL scheme
	Scenario string     // echo, broadcast, connect or chat

	Conns  int     // connections (broadcast: subscribers; chat: Rooms x Members, set by Check)
	Window int     // closed loop: messages in flight per connection (HTTP: 1)
	Size   int     // message size in bytes, header included (>= payload.HeaderSize)
	Rate   float64 // msgs/s in total: echo open loop when > 0; broadcast publish rate; chat: per publisher
	// Active is the fraction of Conns that send (open-loop echo: the
	// rest stay open and idle, a mostly idle crowd); 0 means all.
	Active float64

	Duration time.Duration // measured interval
	Warmup   time.Duration // before the measured interval, excluded
	Drain    time.Duration // after it: how long in-flight messages may still arrive
	Hold     time.Duration // connect: how long connections stay open and idle

	Publishers   int           // broadcast: publishing connections (extra to Conns); chat: publishing members per room
	Rooms        int           // chat: rooms
	Members      int           // chat: connections per room, publishers included
	PollInterval time.Duration // HTTP broadcast: period of each subscriber's polls

	ConnectRate     float64       // dials started per second (0: as fast as DialConcurrency allows)
	DialConcurrency int           // dials in progress at once
	DialTimeout     time.Duration // one TCP connect + handshake

	ServerPID  int           // server process to measure (0: none)
	ServerCPUs float64       // CPUs the server may use, a CPU quota included (0: its affinity); decides the verdict "client-bound"
	Spin       time.Duration // open-loop echo on event loops (WebSocket, SockJS websocket, TCP): busy-poll this long before each due time instead of sleeping (0: sleep until due); the goroutine senders (HTTP, SockJS xhr) always sleep
	LocalAddrs int           // source addresses 127.0.0.1..N (0: automatic)
	Timeout    time.Duration // hard deadline of the whole run (0: automatic)
	// Nodes are further server nodes of a cluster (HOST:PORT each, same
	// scheme and protocol as URL): broadcast subscribers are spread over
	// URL's node and these in turn (subscriber i on node i mod n), the
	// publishers stay on URL's node, and the result splits delivery
	// latency into same-node and cross-node.
	Nodes []string
	// Hist adds the encoded latency histograms to the result
	// (Result.LatencyHist, Result.FanoutLastHist), for merging the
	// results of several load agents exactly (package histmerge).
	Hist bool
	// Agent and Agents: this load generator is agent Agent (0-based) of
	// Agents that run one broadcast together, each on its own node of a
	// cluster (Agents 0: alone, and no FanoutMaxNS). Agent a's publishers stamp streams
	// a*Publishers..; its subscribers check every agent's streams and
	// report (with Agents 1 too), per stream and message, the largest latency among them
	// (Result.FanoutMaxNS), so that the time to the last subscriber of
	// all agents can be computed exactly. All agents need the same
	// Publishers, Rate, Warmup, Duration, StartAt and RunID.
	Agent, Agents int
	// StartAt is the shared start of the agents' clocks, in Unix
	// milliseconds (0: when the connections are up): each agent dials,
	// then waits for it; an agent still dialing then fails.
	StartAt int64
	// RunID is the run id stamped in every message (0: random); agents
	// of one run share it, so that each accepts the others' messages.
	RunID int
	// SourceAddr is the one source address of every connection (an IPv4
	// loopback address, say 127.0.0.2; "": as LocalAddrs decides), so
	// that agents on one machine do not share client ports.
	SourceAddr string

	// HTTP tunes the HTTP client (new connection per request, how
	// broadcast subscribers receive: poll, long poll or SSE).
	HTTP wire.HTTPOptions
	// Transport is the SockJS transport of echo connections and broadcast
	// subscribers ("": websocket); broadcast publishers always use the
	// websocket transport.
	Transport wire.Transport
	// Payload is what fills messages after their header (echo and
	// broadcast; "": payload.Pattern): other kinds are for WebSocket and
	// SockJS's websocket transport.
	Payload payload.Kind
	// Deflate is the permessage-deflate offer of WebSocket connections
	// (SockJS's websocket transport included); the server must accept
	// it, or the connection fails ("" or off: no offer).
	Deflate wire.Deflate
	// ConnectEcho has every connection of the connect scenario echo one
	// message before the hold, so that the memory reading includes what
	// a server keeps per connection once it has carried a message (with
	// permessage-deflate, windows and compressors).
	ConnectEcho bool

	// Progress, when not nil, receives a progress line (ending in '\r')
	// about four times a second.
	Progress io.Writer

	// Filled in by Check.
	target      wire.Target
	nodes       []wire.Target // target, then one per Nodes
	localIPs    []net.IP      // nil: no explicit source address
	windowGiven bool
}

// UsageError is a configuration the load generator refuses to run.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usage(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// Check validates c, fills in defaults, raises the open-files limit as far
// as allowed and decides the source addresses. Its errors are *UsageError.
func (c *Config) Check() error {
	if c.URL == "" {
		return usage("-url is required")
	}
	t, err := wire.ParseURL(c.URL, c.Proto)
	if err != nil {
		return usage("%v", err)
	}
	c.target = t
	c.Proto = t.Proto
	c.nodes = []wire.Target{t}
	for _, n := range c.Nodes {
		if _, _, err := net.SplitHostPort(n); err != nil {
			return usage("-nodes: %q is not HOST:PORT", n)
		}
		nt := t
		nt.Host = n
		c.nodes = append(c.nodes, nt)
	}
	switch c.Scenario {
	case "":
		c.Scenario = Echo
	case Echo, Broadcast, Connect:
		if c.Rooms != 0 || c.Members != 0 {
			return usage("-rooms and -members are for -scenario chat")
		}
	case Chat:
		if err := c.checkChat(); err != nil {
			return err
		}
	default:
		return usage("unknown scenario %q (want echo, broadcast, connect or chat)", c.Scenario)
	}
	if len(c.Nodes) > 0 && (c.Scenario != Broadcast || c.Proto == wire.HTTP) {
		return usage("-nodes is for -scenario broadcast over ws, sockjs or tcp")
	}
	c.windowGiven = c.Window != 0
	def(&c.Conns, DefaultConns)
	def(&c.Window, DefaultWindow)
	def(&c.Size, DefaultSize)
	def(&c.Duration, DefaultDuration)
	def(&c.Drain, DefaultDrain)
	def(&c.Publishers, DefaultPublishers)
	def(&c.PollInterval, DefaultPollInterval)
	def(&c.DialConcurrency, DefaultDialConcurrency)
	def(&c.DialTimeout, DefaultDialTimeout)
	switch {
	case c.Conns < 0:
		return usage("-conns must be at least 1")
	case c.Window < 0:
		return usage("-window must be at least 1")
	case c.Size < payload.HeaderSize || c.Size > MaxSize:
		return usage("-size must be between %d (the header) and %d bytes", payload.HeaderSize, MaxSize)
	case c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		return usage("-rate must be 0 (closed loop) or a positive number of msgs/s")
	case c.Duration < 0 || c.Warmup < 0 || c.Drain < 0 || c.Hold < 0 || c.Timeout < 0 || c.PollInterval < 0 || c.DialTimeout < 0:
		return usage("durations must not be negative")
	case c.Publishers < 0:
		return usage("-publishers must be at least 1")
	case c.ConnectRate < 0 || math.IsNaN(c.ConnectRate) || math.IsInf(c.ConnectRate, 0):
		return usage("-connect-rate must not be negative")
	case c.DialConcurrency < 0:
		return usage("-dial-concurrency must be at least 1")
	case c.ServerPID < 0:
		return usage("-server-pid must be a process id")
	case c.ServerCPUs < 0 || math.IsNaN(c.ServerCPUs) || math.IsInf(c.ServerCPUs, 0):
		return usage("-server-cpus must be 0 (the server's affinity) or a positive number of CPUs")
	case c.Spin < 0 || c.Spin > time.Second:
		return usage("-spin must be between 0 (sleep until due) and 1s")
	case c.LocalAddrs < 0 || c.LocalAddrs > 254:
		return usage("-local-addrs must be between 0 (automatic) and 254")
	case c.Agents < 0 || c.Agent < 0 || (c.Agents > 1 && c.Agent >= c.Agents) || (c.Agents <= 1 && c.Agent > 0):
		return usage("-agent must be in [0, -agents)")
	case c.Agents > 0 && (c.Scenario != Broadcast || c.Proto == wire.HTTP):
		return usage("-agents is for broadcast over WebSocket, SockJS or TCP")
	case c.StartAt < 0:
		return usage("-start-at must be Unix milliseconds")
	case c.RunID < 0 || c.RunID > payload.MaxRun:
		return usage("-run-id must be between 0 (random) and %d", payload.MaxRun)
	case c.Active < 0 || c.Active > 1 || math.IsNaN(c.Active):
		return usage("-active must be a fraction of the connections in (0, 1]")
	case c.Active > 0 && (c.Scenario != Echo || c.Rate == 0):
		return usage("-active is for open-loop echo (-scenario echo with -rate)")
	}
	if err := c.checkVariant(); err != nil {
		return err
	}
	if err := c.checkCompression(); err != nil {
		return err
	}
	if c.Proto == wire.HTTP && c.Scenario == Echo && c.Rate == 0 {
		if c.windowGiven && c.Window != 1 {
			return usage("-window %d: HTTP/1.1 has one request in flight per connection; use more -conns", c.Window)
		}
		c.Window = 1
	}
	if c.Scenario == Broadcast && c.Rate == 0 {
		return usage("broadcast needs -rate (messages published per second, in total)")
	}
	if c.Rate > 0 && c.Scenario == Echo && c.windowGiven {
		return usage("-window is for the closed loop; with -rate the offered rate decides what is in flight")
	}
	if c.Rate > 1e7 {
		return usage("-rate %g is beyond what one load generator can pace", c.Rate)
	}
	if c.ServerPID > 0 {
		if _, err := os.Stat("/proc/" + strconv.Itoa(c.ServerPID)); err != nil {
			return usage("-server-pid %d: no such process", c.ServerPID)
		}
	}
	if err := c.checkFiles(); err != nil {
		return err
	}
	return c.pickLocalAddrs()
}

// checkCompression validates -payload and -deflate against the protocol
// and the scenario.
func (c *Config) checkCompression() error {
	kind, err := payload.ParseKind(string(c.Payload))
	if err != nil {
		return usage("-payload: %v", err)
	}
	c.Payload = kind
	ws := c.Proto == wire.WS || c.Proto == wire.SockJS && c.Transport == wire.WebSocket
	if kind != payload.Pattern {
		switch {
		case !ws:
			return usage("-payload %s is for WebSocket connections (ws, or sockjs over its websocket transport)", kind)
		case c.Scenario != Echo && c.Scenario != Broadcast:
			return usage("-payload %s is for the echo and broadcast scenarios", kind)
		}
	}
	if c.ConnectEcho && c.Scenario != Connect {
		return usage("-connect-echo is for the connect scenario")
	}
	switch c.Deflate {
	case "":
		c.Deflate = wire.DeflateOff
	case wire.DeflateOff:
	case wire.DeflateContextTakeover, wire.DeflateNoContextTakeover:
		if !ws {
			return usage("-deflate %s is for WebSocket connections (ws, or sockjs over its websocket transport)", c.Deflate)
		}
	default:
		return usage("-deflate must be off, no-context-takeover or context-takeover, not %q", c.Deflate)
	}
	return nil
}

// checkVariant validates the protocol's options (-http-conn, -subscribe,
// -transport) against the protocol and the scenario.
func (c *Config) checkVariant() error {
	switch c.Transport {
	case "":
		if c.Proto == wire.SockJS {
			c.Transport = wire.WebSocket
		}
	case wire.WebSocket:
	case wire.XHRStreaming, wire.XHRPolling:
		if c.Proto != wire.SockJS {
			return usage("-transport %s is for -proto sockjs", c.Transport)
		}
		if c.Scenario == Connect {
			return usage("-transport %s: the connect scenario opens websocket sessions only", c.Transport)
		}
	default:
		return usage("-transport must be websocket, xhr-streaming or xhr-polling, not %q", c.Transport)
	}
	switch sub := c.HTTP.Subscribe; {
	case sub != wire.Poll && sub != wire.LongPoll && sub != wire.SSE:
		return usage("-subscribe must be poll, longpoll or sse")
	case sub != wire.Poll && c.Proto != wire.HTTP:
		return usage("-subscribe %s is for -proto http", sub)
	case sub != wire.Poll && c.Scenario != Broadcast && c.Scenario != Chat:
		return usage("-subscribe %s is for the broadcast and chat scenarios", sub)
	}
	if c.HTTP.NewConnPerRequest && c.Proto != wire.HTTP {
		return usage("-http-conn new is for -proto http")
	}
	return nil
}

func def[T int | time.Duration](v *T, d T) {
	if *v == 0 {
		*v = d
	}
}

// ActiveConns is how many of the connections send: Active of Conns,
// rounded, at least one.
func (c *Config) ActiveConns() int {
	if c.Active <= 0 || c.Active >= 1 {
		return c.Conns
	}
	return max(1, int(math.Round(c.Active*float64(c.Conns))))
}

// sockets is how many connections the run holds at once.
func (c *Config) sockets() int {
	n := c.Conns
	if c.Scenario == Broadcast {
		n += c.Publishers
	}
	return n
}

// filesMargin covers stdio, the poller, /proc reads and the like.
const filesMargin = 64

// checkFiles raises RLIMIT_NOFILE's soft limit to the hard one and refuses
// a run whose connections cannot fit.
func (c *Config) checkFiles() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil // cannot tell; let the dials say
	}
	need := uint64(c.sockets() + filesMargin)
	if lim.Cur < need && lim.Cur < lim.Max {
		raised := lim
		raised.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			lim = raised
		}
	}
	if lim.Cur < need {
		return usage("%d connections need about %d open files, but the limit is %d (hard limit %d): lower -conns or raise the limit",
			c.sockets(), need, lim.Cur, lim.Max)
	}
	return nil
}

// pickLocalAddrs spreads connections over 127.0.0.1..N when they approach
// the ephemeral port range of one (source, destination) pair.
func (c *Config) pickLocalAddrs() error {
	if c.SourceAddr != "" {
		ip := net.ParseIP(c.SourceAddr)
		if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
			return usage("-source-addr %q: want an IPv4 loopback address (127.x.x.x)", c.SourceAddr)
		}
		c.localIPs = []net.IP{ip}
		return nil
	}
	host, _, _ := net.SplitHostPort(c.target.Host)
	ip := net.ParseIP(host)
	loopback := ip != nil && ip.IsLoopback() || host == "localhost"
	n := c.LocalAddrs
	if n == 0 {
		if !loopback {
			return nil
		}
		perAddr := ephemeralPorts() / 2 // leave room for TIME_WAIT and other users
		n = (c.sockets() + perAddr - 1) / perAddr
		if n <= 1 {
			return nil // the kernel's choice, as without the flag
		}
	}
	if !loopback || (ip != nil && ip.To4() == nil) {
		if n > 1 || c.LocalAddrs > 0 {
			return usage("-local-addrs needs an IPv4 loopback target (127.x.x.x), not %s", host)
		}
		return nil
	}
	for i := 1; i <= n; i++ {
		c.localIPs = append(c.localIPs, net.IPv4(127, 0, 0, byte(i)))
	}
	return nil
}

// ephemeralPorts is the size of the kernel's ephemeral port range.
func ephemeralPorts() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		f := strings.Fields(string(b))
		if len(f) == 2 {
			lo, err1 := strconv.Atoi(f[0])
			hi, err2 := strconv.Atoi(f[1])
			if err1 == nil && err2 == nil && hi > lo {
				return hi - lo + 1
			}
		}
	}
	return 28232 // Linux default
}

// LocalIPs returns the source addresses decided by Check (empty: the
// kernel's choice).
func (c *Config) LocalIPs() []net.IP { return c.localIPs }

// Mode is "closed" or "open" for echo, "open" for broadcast, "" for connect.
func (c *Config) Mode() string {
	switch {
	case c.Scenario == Connect:
		return ""
	case c.Rate > 0:
		return "open"
	}
	return "closed"
}

// timeout is the hard deadline: everything the run may take, with a
// generous margin.
func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	ramp := 30*time.Second + time.Duration(c.sockets())*time.Millisecond
	if c.ConnectRate > 0 {
		ramp += time.Duration(float64(c.sockets()) / c.ConnectRate * float64(time.Second))
	}
	run := c.Warmup + c.Duration + c.Drain
	if c.Scenario == Connect {
		run = c.Hold + 2*c.DialTimeout
	}
	return ramp + run + 30*time.Second
}

var errTimeout = errors.New("hard deadline (-timeout) reached")
