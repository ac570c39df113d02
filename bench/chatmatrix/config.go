// Package chatmatrix is the chat bench matrix (make bench-chat), a matrix
// of its own beside the reference one (bench/config.Default, which it
// leaves alone): for every library with the chat protocol,
//
//   - capacity in two shapes of chat rooms (a big group, 10 rooms of 100
//     members; a small group, 100 rooms of 10), found by a search over the
//     offered rate: the highest delivered rate whose delivery p99 stays at
//     or under a bound, a miss counted against the server only when the
//     server saturated or the load generator kept its schedule (Judge),
//     with every point the search walked recorded;
//   - a mostly idle crowd: many connections open, a small fraction of them
//     active, once with open-loop echo and once with chat.
//
// Each point is one run of the load generator against a fresh server
// (bench/runner.Runner.Once), pinned as in the reference matrix; the
// searches' servers under a CPU quota (Config.ServerCPUQuota,
// bench/runner.Runner.OnceQuota).
package chatmatrix

import (
	"errors"

	"fmt"
	"github.com/wsbench/wsbench/loadgen/scenario"
	"math"
	"slices"
	"strings"
	"time"
)

// Shape is one arrangement of chat rooms.
type Shape struct {
	Name       string `json:"name"`
	Rooms      int    `json:"rooms"`
	Members    int    `json:"members"`    // connections per room, publishers included
	Publishers int    `json:"publishers"` // publishing members per room
}

// Conns is the shape's number of connections.
func (s Shape) Conns() int { return s.Rooms * s.Members }

// Deliveries is the deliveries per second offered at rate publishes per
// second per publisher: every publish reaches every member of its room.
func (s Shape) Deliveries(rate float64) float64 {
	return float64(s.Rooms*s.Publishers*s.Members) * rate
}

// Search is how the capacity search walks the offered rate.
type Search struct {
	// Start is the first rate, in publishes per second per publisher.
	Start float64 `json:"start"`
	// Factor multiplies the rate after every good point, until a point
	// fails.
	Factor float64 `json:"factor"`
	// Bisect is how many points are then spent halving the gap between
	// the best good rate and the lowest failed one.
	Bisect int `json:"bisect"`
	// MaxPoints bounds the walk (doubling and bisection together).
	MaxPoints int `json:"max_points"`
	// P99 is the delivery latency bound: a point is good when its
	// delivery p99 is at or under it.
	P99 time.Duration `json:"p99_ns"`
	// Lag is the load generator's schedule rule: it is behind when it
	// sent more than result.RateTolerance short of the offered rate or
	// when its send lag p99 (over the measured interval) is over Lag.
	// Latency counts from the scheduled send time, so a late send is
	// inside the p99 measured and never flatters a library: in a
	// capacity search the rule only decides who a miss of the p99 bound
	// belongs to (Judge): the server's when it was saturated or the
	// schedule was kept, else the load generator's (not ranked). For the
	// crowd, which has no bound, a run off schedule is not good: its p99
	// would be the load generator's. Lag is a tenth of the P99 bound:
	// the load generator's share of the budget stays small. The echo
	// verdict's bound (one inter-arrival time of the whole schedule, at
	// least result.LagFloor) is not used: the chat publishers are woken
	// by one pacer and send from their own goroutines, and on a shared
	// 2-core machine they run a few milliseconds late at p99 at any rate
	// that loads a server.
	//
	//
	// The searches' servers run under a CPU quota (Config.ServerCPUQuota,
	// half a CPU by default, per bench/runner.DefaultQuotaPeriod), as the
	// open-loop echo cells' do: on one CPU each, the load generator pays
	// about what the server pays per delivery (a read syscall against a
	// write), so without a quota the two saturate together and the fast
	// libraries' searches end "client". Under half a CPU the server
	// saturates first while the load generator has a whole CPU; the
	// capacity is that of a server given half a CPU, the same for every
	// library, and a throttled server's wait (at most the period less the
	// quota) is a few milliseconds of a 100 ms bound.
	Lag time.Duration `json:"lag_ns"`
}

// DefaultServerCPUQuota is the capacity searches' server CPU quota, in
// CPUs (Search.Lag says why).
const DefaultServerCPUQuota = 0.5

// Crowd is the mostly idle crowd.
type Crowd struct {
	Conns int `json:"conns"`
	// Active is the fraction of the connections that send.
	Active float64 `json:"active"`
	// EchoRate is the open-loop echo rate of each active connection, in
	// messages per second; EchoSize its message size in bytes.
	EchoRate float64 `json:"echo_rate"`
	EchoSize int     `json:"echo_size"`
	// ChatMembers is the room size of the chat crowd; each room has one
	// publisher, so Active is 1 / ChatMembers. ChatRate is each
	// publisher's rate.
	ChatMembers int     `json:"chat_members"`
	ChatRate    float64 `json:"chat_rate"`
	// Duration is the crowd's measured interval (0: Config.Duration). It
	// is longer than a search point's: at 950 sends a second, a 10 ms
	// stall of a shared machine is 1% of a one-second interval and alone
	// sets the send lag p99 that judges the run.
	Duration time.Duration `json:"duration_ns,omitempty"`
}

// crowdDuration is the crowd's measured interval.
func (c Config) crowdDuration() time.Duration {
	if c.Crowd.Duration > 0 {
		return c.Crowd.Duration
	}
	return c.Duration
}

// CrowdRunEstimate is what one crowd run costs.
func (c Config) CrowdRunEstimate() time.Duration {
	return c.RunEstimate(c.Crowd.Conns) + c.crowdDuration() - c.Duration
}

// ActiveConns is how many connections of the crowd send.
func (c Crowd) ActiveConns() int { return max(1, int(math.Round(c.Active*float64(c.Conns)))) }

// ChatShape is the crowd's chat rooms: Conns in rooms of ChatMembers, one
// publisher each.
func (c Crowd) ChatShape() Shape {
	return Shape{Name: "crowd", Rooms: c.Conns / c.ChatMembers, Members: c.ChatMembers, Publishers: 1}
}

// Config is the chat matrix.
type Config struct {
	// Libs are registry names of chat libraries; empty means all.
	Libs   []string `json:"libs,omitempty"`
	Shapes []Shape  `json:"shapes"`
	Search Search   `json:"search"`
	// Crowd is skipped when its Conns is 0.
	Crowd Crowd `json:"crowd"`
	// Claim is the WebSocket-against-REST comparison (claim.go), skipped
	// when it has no rates.
	Claim Claim `json:"claim"`
	// ServerCPUQuota is the CPU quota, in CPUs, that the servers of the
	// capacity searches run under (0: none; see Search.Lag for why);
	// the crowd runs without one, its server CPU being a result.
	ServerCPUQuota float64 `json:"server_cpu_quota,omitempty"`
	// CrowdMeasure, when set, measures the crowd runs instead of the
	// measure given to Run (a runner without the searches' quota).
	CrowdMeasure Measure `json:"-"`
	// Warmup and Duration of every run; Drain is how long deliveries may
	// still arrive after the measured interval.
	Warmup   time.Duration `json:"warmup_ns"`
	Duration time.Duration `json:"duration_ns"`
	Drain    time.Duration `json:"drain_ns"`
}

// Default is the matrix of make bench-chat: within 15 minutes for every
// chat server on a 2-core machine with every search at its longest, and
// the claim within 4 more (Estimate; a test checks it); searches that end
// early take less.
//
// Both shapes have 1,000 connections and 2 publishers per room, so that one
// per-publisher rate offers the same deliveries per second in both
// (2,000 per publish per second per publisher); the search starts at
// 10/s (20,000 deliveries/s), doubles to the first failure, then bisects
// twice, six points at most, each server under half a CPU. The crowd is
// 19,000 connections with 5% active: echo at 10 messages/s each of 256 B
// (chat-sized), and chat in rooms of 20 with one publisher each at 1
// message/s, measured over 3 seconds, without a quota. The claim runs
// gorilla, gws and the three REST variants (polling every 100 ms) in both
// shapes at 2 and 10 publishes/s per publisher (10 is also every search's
// first point), under the searches' quota, about 3 minutes more.
func Default() Config {
	return Config{
		Shapes: []Shape{
			{Name: "big-group", Rooms: 10, Members: 100, Publishers: 2},
			{Name: "small-group", Rooms: 100, Members: 10, Publishers: 2},
		},
		Search: Search{Start: 10, Factor: 2, Bisect: 2, MaxPoints: 6, P99: 100 * time.Millisecond, Lag: 10 * time.Millisecond},
		Crowd:  Crowd{Conns: 19000, Active: 0.05, EchoRate: 10, EchoSize: 256, ChatMembers: 20, ChatRate: 1, Duration: 3 * time.Second},
		Claim: Claim{Rates: []float64{2, 10}, Libs: []string{"gorilla", "gws"},
			Variants: []string{scenario.VariantPoll, scenario.VariantLongPoll, scenario.VariantSSE}, PollInterval: 100 * time.Millisecond},
		ServerCPUQuota: DefaultServerCPUQuota,
		Warmup:         500 * time.Millisecond, Duration: time.Second, Drain: time.Second,
	}
}

// Validate reports the first problem that makes c unusable; chatLibs are
// the registered libraries with chat.
func (c Config) Validate(chatLibs []string) error {
	for _, l := range c.Libs {
		if !slices.Contains(chatLibs, l) {
			return fmt.Errorf("%q is not a library with chat; known: %s", l, strings.Join(chatLibs, ", "))
		}
	}
	for _, s := range c.Shapes {
		if s.Rooms < 1 || s.Members < 1 || s.Publishers < 1 || s.Publishers > s.Members {
			return fmt.Errorf("shape %s: want at least one room, one member and 1 to members publishers", s.Name)
		}
	}
	sr := c.Search
	switch {
	case len(c.Shapes) > 0 && (sr.Start <= 0 || sr.Factor <= 1 || sr.MaxPoints < 1 || sr.Bisect < 0 || sr.P99 <= 0 || sr.Lag <= 0):
		return errors.New("search: want a positive start, a factor above 1, at least one point, a positive p99 bound and lag limit")
	case c.ServerCPUQuota < 0 || math.IsNaN(c.ServerCPUQuota):
		return errors.New("server CPU quota: want 0 (none) or a positive number of CPUs")
	case c.Duration <= 0 || c.Warmup < 0 || c.Drain < 0:
		return errors.New("want a positive duration, no negative warm-up or drain")
	case len(c.Shapes) == 0 && c.Crowd.Conns == 0:
		return errors.New("nothing to run: no shapes and no crowd")
	}
	if err := c.Claim.validate(); err != nil {
		return err
	}
	if cr := c.Crowd; cr.Conns != 0 {
		if cr.Conns < 1 || cr.Duration < 0 || cr.Active <= 0 || cr.Active > 1 || cr.EchoRate <= 0 || cr.EchoSize < 1 ||
			cr.ChatMembers < 1 || cr.Conns%cr.ChatMembers != 0 || cr.ChatRate <= 0 {
			return errors.New("crowd: want connections, an active fraction in (0, 1], positive rates and size, rooms that divide the crowd")
		}
	}
	return nil
}

// Costs of one run, beyond its warm-up, interval and drain, for the
// estimate: starting and stopping the server and the load generator,
// dialing and joining.
var (
	// RunOverhead is the fixed part of every run.
	RunOverhead = 1500 * time.Millisecond
	// PerConn is the cost of each connection (dial, join, close).
	PerConn = 300 * time.Microsecond
)

// RunEstimate is what one run of conns connections costs.
func (c Config) RunEstimate(conns int) time.Duration {
	return RunOverhead + time.Duration(conns)*PerConn + c.Warmup + c.Duration + c.Drain
}

// Estimate is the whole matrix for n libraries, each search at its longest.
func (c Config) Estimate(n int) time.Duration {
	var per time.Duration
	for _, s := range c.Shapes {
		per += time.Duration(c.Search.MaxPoints) * c.RunEstimate(s.Conns())
	}
	if c.Crowd.Conns > 0 {
		per += 2 * c.CrowdRunEstimate()
	}
	return time.Duration(n)*per + c.ClaimEstimate(n)
}

// ClaimEstimate is the claim's part of Estimate.
func (c Config) ClaimEstimate(n int) time.Duration {
	var d time.Duration
	for _, s := range c.Shapes {
		d += time.Duration(c.Claim.claimRuns(n, 1)) * c.RunEstimate(s.Conns())
	}
	return d
}
