// Package config describes a benchmark matrix: the libraries, the scenarios
// with their payload sizes and connection counts, the trials and their
// durations. It expands a matrix into cells and estimates what it costs in
// time before anything runs.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/wsbench/wsbench/servers/registry"
	"os"
	"slices"
	"strings"
	"time"
)

// Scenario names one kind of cell in the matrix.
type Scenario string

// The scenarios the bench knows. Each maps onto one load generator
// -scenario (and, for echo, a mode).
const (
	// EchoClosed is echo with W messages in flight per connection: maximum
	// throughput.
	EchoClosed Scenario = "echo-closed"
	// EchoOpen is echo at a fixed offered rate: latency corrected for
	// coordinated omission.
	EchoOpen Scenario = "echo-open"
	// Broadcast is publish to every subscriber at a fixed publish rate.
	Broadcast Scenario = "broadcast"
	// Connect opens connections as fast as allowed and holds them idle:
	// handshakes per second and server memory per idle connection.
	Connect Scenario = "connect"
)

// Scenarios lists every scenario in report order.
var Scenarios = []Scenario{EchoClosed, EchoOpen, Broadcast, Connect}

// LoadgenScenario is the load generator's -scenario for s.
func (s Scenario) LoadgenScenario() string {
	switch s {
	case EchoClosed, EchoOpen:
		return "echo"
	default:
		return string(s)
	}
}

// Mode is the load generator's mode for s: closed or open for echo, open
// for broadcast, empty for connect.
func (s Scenario) Mode() string {
	switch s {
	case EchoClosed:
		return "closed"
	case EchoOpen, Broadcast:
		return "open"
	default:
		return ""
	}
}

func (s Scenario) valid() bool { return slices.Contains(Scenarios, s) }

// Duration is a time.Duration written as a Go duration string in JSON
// ("1.5s"); a bare number is read as seconds.
type Duration struct{ time.Duration }

// D makes a Duration.
func D(d time.Duration) Duration { return Duration{d} }

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("bad duration %q", s)
		}
		d.Duration = v
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("duration must be a string like \"2s\" or a number of seconds, got %s", b)
	}
	d.Duration = time.Duration(secs * float64(time.Second))
	return nil
}

// Spec is one scenario of the matrix: the cross product of its sizes and
// connection counts, run for every library.
type Spec struct {
	Scenario Scenario `json:"scenario"`
	// Sizes are payload sizes in bytes, the load generator's header
	// included. Ignored by connect.
	Sizes []int `json:"sizes,omitempty"`
	// Conns are connection counts (subscribers for broadcast).
	Conns []int `json:"conns"`
	// Window is the number of messages in flight per connection
	// (echo-closed).
	Window int `json:"window,omitempty"`
	// Rate is the offered rate: messages per second in total (echo-open) or
	// publishes per second (broadcast).
	Rate float64 `json:"rate,omitempty"`
	// Rates are more absolute offered rates (echo-open), the same for every
	// library, so that libraries are compared at the same load.
	Rates []float64 `json:"rates,omitempty"`
	// Loads are offered rates as fractions of each library's own
	// closed-loop capacity at the same size and connection count, measured
	// earlier in the same run (echo-open): the points of its latency
	// against load curve.
	Loads []float64 `json:"loads,omitempty"`
	// Trials overrides the matrix's trials per cell for this spec.
	Trials int `json:"trials,omitempty"`
	// Publishers is the number of publishing connections (broadcast).
	Publishers int `json:"publishers,omitempty"`
	// PollInterval is the HTTP polling interval (broadcast over -proto
	// http); zero leaves the load generator's default.
	PollInterval Duration `json:"poll_interval,omitempty"`
	// Hold is how long idle connections are held before memory is read
	// (connect).
	Hold Duration `json:"hold,omitempty"`
	// ConnectRate limits new connections per second (connect); 0 means as
	// fast as DialConcurrency allows.
	ConnectRate float64 `json:"connect_rate,omitempty"`
	// DialConcurrency is the number of handshakes in flight (connect); 0
	// leaves the load generator's default.
	DialConcurrency int `json:"dial_concurrency,omitempty"`
	// Variants add cells beyond the main matrix: each library of a
	// variant's protocol used another way (a new TCP connection per HTTP
	// request, long polling, a SockJS streaming transport...), over the
	// same sizes and connection counts.
	Variants []VariantSpec `json:"variants,omitempty"`
}

// Config is a whole matrix.
type Config struct {
	// Libs are registry names; empty means every registered library.
	Libs []string `json:"libs,omitempty"`
	// Trials per cell (at least 3 for numbers you publish).
	Trials int `json:"trials"`
	// Warmup is run before every measured interval and excluded from it.
	Warmup Duration `json:"warmup"`
	// Duration is the measured interval of every echo and broadcast trial.
	Duration Duration `json:"duration"`
	// Drift re-measures the first cell at the end of the run.
	Drift bool `json:"drift"`
	// Scenarios in the order they run within one library.
	Scenarios []Spec `json:"scenarios"`
	// Compression, when set, adds the permessage-deflate cells (see
	// Compression): to the matrix's own cells when it names its specs
	// (the reference matrix, ReferenceCompression), else as the matrix's
	// only cells (CompressionMatrix).
	Compression *Compression `json:"compression,omitempty"`
}

// DefaultWindow is the closed-loop echo window over WebSocket: 4 messages
// in flight per connection, refilled a whole window at a time, keep the
// fastest servers saturated with 1,000 connections on one core while the
// load generator stays below them. HTTP cells always use 1.
const DefaultWindow = 4

// Default is the reference matrix: every library, all four scenarios, 1,000
// connections for echo and broadcast, latency against load at 1 KiB, 19,000
// idle connections, within 25 minutes on a 2-core machine.
//
// Latency against load (echo-open, its servers under bench's CPU quota,
// a quarter of a CPU per 4 ms by default: runner.DefaultServerCPUQuota):
// DefaultOpenRates are the same for every library, so that latencies are
// compared at the same absolute rate. They double from a light load to
// one past the open-loop saturation of the libraries under the quota: an
// open-loop echo costs a server two to six times the CPU of a closed-loop
// one (at low rates it batches nothing), which puts the saturation of a
// quarter of a CPU at 10,000-40,000 msgs/s. The two DefaultOpenLoads, 25%
// and 50% of each library's own closed-loop capacity (scaled to the
// quota), are points of its own curve that the load generator keeps for
// every library; 75% and 90% were overload.
//
// Trials: libraries are ranked only where the test of bench/stats shows
// a lead of more than its margin, on trials blocked by round. The
// closed-loop throughput cells, the headline, get 5; the other cells 4.
// The measured interval is short (1 s after 0.25 s of warm-up) so that 14
// libraries fit: on this VM the host's speed changes within a second (a
// fixed piece of work takes 1.45 times as long in its slow state,
// results/noise), so a longer trial averages the same states and more
// trials of a cell resolve a difference better than longer ones. The
// trials run in rounds, each column's entries back to back in a random
// order per round (bench/runner), which costs no time over any other
// order: every trial starts its own server.
//
// Broadcast publishes 20 messages/s for the measured second: about 20
// samples of time to the last subscriber per trial, so its tail is a
// maximum, not a p99 (record.LastCount records the count and
// record.TailName names the figure). A p99 needs at least
// record.TailSamples samples: ten times the publish rate would overload
// the servers (at 20/s they already spend a third to a half of their CPU
// on the 1,000 deliveries of each publish, SockJS xhr-polling all of it),
// and ten times the interval would add nine seconds to every broadcast
// trial, over ten minutes in all, beyond the 25-minute budget.
//
// Compression: the cells of ReferenceCompression (every library that
// supports permessage-deflate, each variant and off, on chat JSON, 16 KiB
// JSON and 16 KiB random bytes) come after all of the above, which they
// leave as they are; they add about seven minutes.
func Default() Config {
	c := Config{
		Trials:   4,
		Warmup:   D(250 * time.Millisecond),
		Duration: D(time.Second),
		Drift:    true,
		Scenarios: []Spec{
			{Scenario: EchoClosed, Sizes: []int{64, 1024, 16384}, Conns: []int{1000}, Window: DefaultWindow, Trials: 5},
			{Scenario: EchoOpen, Sizes: []int{1024}, Conns: []int{1000},
				Loads: DefaultOpenLoads, Rates: DefaultOpenRates},
			{Scenario: Broadcast, Sizes: []int{1024}, Conns: []int{1000}, Rate: 20, Publishers: 1,
				PollInterval: D(250 * time.Millisecond)},
			{Scenario: Connect, Conns: []int{19000}, Hold: D(time.Second)},
		},
	}
	c.AddClaimVariants(50*time.Millisecond, 250*time.Millisecond)
	c.Compression = ReferenceCompression()
	return c
}

// DefaultOpenRates and DefaultOpenLoads are the reference matrix's
// echo-open ladder (see Default).
var (
	DefaultOpenRates = []float64{5000, 10000, 20000, 40000}
	DefaultOpenLoads = []float64{0.25, 0.5}
)

// Quick is the smoke matrix behind `make bench-quick`: every library and
// scenario, small counts, one trial, within 2 minutes; the
// WebSocket-versus-REST variants with one polling interval.
func Quick() Config {
	c := Config{
		Trials:   1,
		Warmup:   D(200 * time.Millisecond),
		Duration: D(700 * time.Millisecond),
		Drift:    true,
		Scenarios: []Spec{
			{Scenario: EchoClosed, Sizes: []int{1024}, Conns: []int{100}, Window: DefaultWindow},
			{Scenario: EchoOpen, Sizes: []int{1024}, Conns: []int{100}, Loads: []float64{0.5}, Rates: []float64{2000}},
			{Scenario: Broadcast, Sizes: []int{1024}, Conns: []int{100}, Rate: 20, Publishers: 1,
				PollInterval: D(100 * time.Millisecond)},
			{Scenario: Connect, Conns: []int{1000}, Hold: D(500 * time.Millisecond)},
		},
	}
	c.AddClaimVariants(100 * time.Millisecond)
	return c
}

// ClaimLib is the WebSocket library whose echo is also measured with one
// message in flight per connection, the REST baseline's footing: the
// registry's claim reference (gorilla, the common choice).
var ClaimLib = registry.ClaimReference().Name

// AddClaimVariants adds to c's echo and broadcast specs the variants that
// test the claim "WebSockets are 5-10x faster than REST": HTTP echo with a
// new TCP connection per request (keep-alive is the main matrix) and
// ClaimLib's WebSocket echo with one message in flight (closed loop), and
// for broadcast REST polling at each of polls (the spec's own interval is
// the main matrix), long polling, Server-Sent Events, and SockJS
// xhr-streaming and xhr-polling as the WebSocket emulation. Open-loop echo
// needs no variant: every library runs the same absolute rates.
func (c *Config) AddClaimVariants(polls ...time.Duration) {
	for i := range c.Scenarios {
		s := &c.Scenarios[i]
		var add []VariantSpec
		switch s.Scenario {
		case EchoClosed:
			add = []VariantSpec{{Variant: VariantHTTPNewConn}, {Variant: VariantWSOneInFlight, Lib: ClaimLib}}
		case Broadcast:
			for _, p := range polls {
				if p != s.PollInterval.Duration {
					add = append(add, VariantSpec{Variant: VariantPoll, PollInterval: D(p)})
				}
			}
			add = append(add, VariantSpec{Variant: VariantLongPoll}, VariantSpec{Variant: VariantSSE},
				VariantSpec{Variant: VariantSockJSXHRStreaming}, VariantSpec{Variant: VariantSockJSXHRPolling})
		}
		for _, vs := range add {
			if !slices.Contains(s.Variants, vs) {
				s.Variants = append(s.Variants, vs)
			}
		}
	}
}

// Load reads a JSON matrix. Fields the file leaves out keep their values
// from base, except that a file's "scenarios" replaces base's list whole.
func Load(path string, base Config) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	c := base
	c.Libs = slices.Clone(base.Libs)
	// Decoding into base's specs would keep the fields a file's spec
	// leaves out (encoding/json reuses a slice's elements): start empty.
	c.Scenarios = nil
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	if c.Scenarios == nil {
		c.Scenarios = slices.Clone(base.Scenarios)
	}
	return c, nil
}

// Validate reports the first problem that makes c unusable. known is the
// list of registered library names.
func (c Config) Validate(known []string) error {
	for _, l := range c.Libs {
		if !slices.Contains(known, l) {
			return fmt.Errorf("unknown library %q; known: %s", l, strings.Join(known, ", "))
		}
	}
	if c.Trials < 1 {
		return errors.New("trials must be at least 1")
	}
	if c.Duration.Duration <= 0 {
		return errors.New("duration must be positive")
	}
	if c.Warmup.Duration < 0 {
		return errors.New("warmup must not be negative")
	}
	if len(c.Scenarios) == 0 {
		return errors.New("no scenarios")
	}
	if c.Compression != nil {
		if err := c.Compression.validate(c); err != nil {
			return err
		}
	}
	seen := map[Scenario]bool{}
	for _, s := range c.Scenarios {
		if !s.Scenario.valid() {
			return fmt.Errorf("unknown scenario %q; known: %s", s.Scenario, joinScenarios(Scenarios))
		}
		if seen[s.Scenario] {
			return fmt.Errorf("scenario %s listed twice", s.Scenario)
		}
		seen[s.Scenario] = true
		if len(s.Conns) == 0 {
			return fmt.Errorf("%s: no connection counts", s.Scenario)
		}
		for _, n := range s.Conns {
			if n < 1 {
				return fmt.Errorf("%s: connection count %d must be positive", s.Scenario, n)
			}
		}
		if s.Scenario != Connect {
			if len(s.Sizes) == 0 {
				return fmt.Errorf("%s: no payload sizes", s.Scenario)
			}
			for _, n := range s.Sizes {
				if n < 1 {
					return fmt.Errorf("%s: payload size %d must be positive", s.Scenario, n)
				}
			}
		}
		switch s.Scenario {
		case EchoClosed:
			if s.Window < 1 {
				return fmt.Errorf("%s: window must be at least 1", s.Scenario)
			}
		case EchoOpen:
			if len(s.OpenRates()) == 0 && len(s.Loads) == 0 {
				return fmt.Errorf("%s: needs a rate, rates or loads", s.Scenario)
			}
			for _, r := range s.OpenRates() {
				if r <= 0 {
					return fmt.Errorf("%s: rate %g must be positive", s.Scenario, r)
				}
			}
			for _, l := range s.Loads {
				if l <= 0 || l > 2 {
					return fmt.Errorf("%s: load %g must be a fraction of capacity in (0, 2]", s.Scenario, l)
				}
			}
			if len(s.Loads) > 0 && c.Spec(EchoClosed) == nil {
				return fmt.Errorf("%s: loads are fractions of the echo-closed capacity: add the echo-closed scenario", s.Scenario)
			}
		case Broadcast:
			if s.Rate <= 0 {
				return fmt.Errorf("%s: rate must be positive", s.Scenario)
			}
		case Connect:
			if s.Hold.Duration < 0 {
				return fmt.Errorf("%s: hold must not be negative", s.Scenario)
			}
		}
		if s.Trials < 0 {
			return fmt.Errorf("%s: trials must not be negative", s.Scenario)
		}
		if s.Scenario != EchoOpen && (len(s.Rates) > 0 || len(s.Loads) > 0) {
			return fmt.Errorf("%s: rates and loads are for echo-open", s.Scenario)
		}
		if s.PollInterval.Duration < 0 {
			return fmt.Errorf("%s: poll interval must not be negative", s.Scenario)
		}
		var variants []VariantSpec
		for _, vs := range s.Variants {
			if err := vs.validate(s.Scenario); err != nil {
				return err
			}
			if slices.Contains(variants, vs) {
				return fmt.Errorf("%s: variant %s listed twice", s.Scenario, VariantLabel(vs.Variant, vs.PollInterval.Duration))
			}
			variants = append(variants, vs)
		}
	}
	return nil
}

func joinScenarios(ss []Scenario) string {
	var names []string
	for _, s := range ss {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

// ParseScenarios parses a comma-separated list of scenario names.
func ParseScenarios(list string) ([]Scenario, error) {
	var out []Scenario
	for _, f := range strings.Split(list, ",") {
		s := Scenario(strings.TrimSpace(f))
		if s == "" {
			continue
		}
		if !s.valid() {
			return nil, fmt.Errorf("unknown scenario %q; known: %s", s, joinScenarios(Scenarios))
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, errors.New("empty scenario list")
	}
	return out, nil
}

// Only keeps the specs of the given scenarios, in c's order.
func (c *Config) Only(keep []Scenario) {
	drop := func(s Spec) bool { return !slices.Contains(keep, s.Scenario) }
	c.Scenarios = slices.DeleteFunc(slices.Clone(c.Scenarios), drop)
	if k := c.Compression; k != nil && len(k.Scenarios) > 0 {
		kk := *k
		kk.Scenarios = slices.DeleteFunc(slices.Clone(k.Scenarios), drop)
		if len(kk.Scenarios) == 0 {
			c.Compression = nil // none of its scenarios is kept
		} else {
			c.Compression = &kk
		}
	}
}

// OpenRates are the absolute offered rates of an echo-open spec: Rate,
// then Rates, without repeats.
func (s Spec) OpenRates() []float64 {
	var out []float64
	for _, r := range append([]float64{s.Rate}, s.Rates...) {
		if r != 0 && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// Spec returns a pointer to the spec of s, or nil.
func (c *Config) Spec(s Scenario) *Spec {
	for i := range c.Scenarios {
		if c.Scenarios[i].Scenario == s {
			return &c.Scenarios[i]
		}
	}
	return nil
}
