package config

import (
	"fmt"
	"time"

	"github.com/wsbench/wsbench/loadgen/payload"
)

// Lib is what the matrix needs to know about a library.
type Lib struct {
	Name  string
	Proto string // ws, sockjs or http: the load generator's -proto
}

// Cell is one point of the matrix: one library used one way (its
// variant), one scenario, one payload size and one connection count,
// measured Trials times. Loadgen is the load generator's configuration
// for it. The JSON names are those of results.json, which records cells
// (package record writes the durations, in its own units).
type Cell struct {
	Lib     string  `json:"lib"`
	Proto   string  `json:"proto"`
	Variant Variant `json:"variant,omitempty"`
	// Extra marks a cell added by a spec's Variants, outside the main
	// library matrix; its row and ID name the variant. Compression cells
	// (Deflate set) are outside it too; their row names the mode.
	Extra        bool     `json:"extra,omitempty"`
	Scenario     Scenario `json:"scenario"`
	PayloadBytes int      `json:"payload_bytes"` // 0 for connect
	Conns        int      `json:"conns"`
	Window       int      `json:"window,omitempty"`
	Rate         float64  `json:"rate,omitempty"`
	// Load is an echo-open cell's offered rate as a fraction of the
	// library's closed-loop capacity (see Spec.Loads); Rate is then set by
	// the runner once that capacity is measured.
	Load            float64       `json:"load,omitempty"`
	Publishers      int           `json:"publishers,omitempty"`
	PollInterval    time.Duration `json:"-"`
	Hold            time.Duration `json:"-"`
	ConnectRate     float64       `json:"connect_rate,omitempty"`
	DialConcurrency int           `json:"dial_concurrency,omitempty"`
	Warmup          time.Duration `json:"-"`
	Duration        time.Duration `json:"-"`
	// Trials is how many times the cell is measured.
	Trials int `json:"-"`
	// Deflate is the server's permessage-deflate mode in a compression
	// matrix (Config.Compression; the load generator then offers the
	// extension unless it is off), PayloadKind what the messages carry;
	// both empty elsewhere.
	// (Deflate is a server.Deflate as its String names it.)
	Deflate     string       `json:"deflate,omitempty"`
	PayloadKind payload.Kind `json:"payload_kind,omitempty"`
}

// ID names the cell uniquely within a run, e.g. gorilla/echo-closed/1024B/1000c,
// or for a variant cell rest+new-conn/echo-closed/1024B/1000c.
func (c Cell) ID() string { return c.Row() + "/" + c.Column() }

// Column is the cell's ID without its row: the point of the matrix that
// every row (library or variant) measures, e.g. echo-closed/1024B/1000c or
// echo-open/1024B/1000c@50%. Cells of one column differ only by what their
// row decides (library, protocol, variant, and with them the HTTP window
// of 1 and a variant's polling interval); the runner measures a column's
// cells back to back within a round.
func (c Cell) Column() string {
	if c.Scenario == Connect {
		return fmt.Sprintf("%s/%dc", c.Scenario, c.Conns)
	}
	col := fmt.Sprintf("%s/%dB/%dc", c.Scenario, c.PayloadBytes, c.Conns)
	if c.Scenario == EchoOpen {
		col += "@" + LoadLabel(c.Load, c.Rate)
	}
	if c.PayloadKind != "" {
		col += "/" + string(c.PayloadKind)
	}
	return col
}

// LoadLabel names an open-loop cell's offered load: "50%" of capacity, or
// an absolute rate "20000/s".
func LoadLabel(load, rate float64) string {
	if load > 0 {
		return fmt.Sprintf("%g%%", load*100)
	}
	return fmt.Sprintf("%g/s", rate)
}

// Row is the library, and for a variant cell the variant: "gorilla",
// "rest+sse", "rest+poll-50ms".
func (c Cell) Row() string {
	return DeflateRow(RowName(c.Lib, c.Variant, c.Extra && c.Deflate == "", c.PollInterval), c.Deflate)
}

// DeflateRow is row with a compression matrix's variant appended:
// "gorilla+deflate-off", "coder+deflate-context-takeover",
// "gobwas+deflate-no-context-takeover-fastest"; row itself outside a
// compression matrix (variant empty).
func DeflateRow(row, variant string) string {
	if variant == "" {
		return row
	}
	return row + "+deflate-" + variant
}

// RowName is Cell.Row from a cell's fields (also for results read back).
func RowName(lib string, v Variant, extra bool, poll time.Duration) string {
	if !extra {
		return lib
	}
	return lib + "+" + VariantLabel(v, poll)
}

// Cells expands the matrix for the given libraries: for each library, each
// spec in order, its main cells (each size, each connection count), then
// the cells of each of its variants that apply to the library's protocol.
func (c Config) Cells(libs []Lib) []Cell {
	if c.Compression != nil && len(c.Compression.Scenarios) == 0 {
		return c.compressionCells(libs)
	}
	var out []Cell
	for _, l := range libs {
		for _, s := range c.Scenarios {
			base := VariantSpec{Variant: DefaultVariant(l.Proto, s.Scenario)}
			if base.Variant == VariantPoll {
				base.PollInterval = s.PollInterval
			}
			out = append(out, c.expand(l, s, base, false)...)
			for _, vs := range s.Variants {
				if vs.appliesTo(l) && vs != base {
					out = append(out, c.expand(l, s, vs, true)...)
				}
			}
		}
	}
	if c.Compression != nil {
		// The compression cells of a matrix that has its own (Default).
		out = append(out, c.compressionCells(libs)...)
	}
	return out
}

// expand is one library's cells of spec s in variant vs.
func (c Config) expand(l Lib, s Spec, vs VariantSpec, extra bool) []Cell {
	var out []Cell
	sizes := s.Sizes
	if s.Scenario == Connect {
		sizes = []int{0}
	}
	trials := c.Trials
	if s.Trials > 0 {
		trials = s.Trials
	}
	for _, size := range sizes {
		for _, n := range s.Conns {
			cell := Cell{
				Trials:       trials,
				Lib:          l.Name,
				Proto:        l.Proto,
				Variant:      vs.Variant,
				Extra:        extra,
				Scenario:     s.Scenario,
				PayloadBytes: size,
				Conns:        n,
				Warmup:       c.Warmup.Duration,
				Duration:     c.Duration.Duration,
			}
			switch s.Scenario {
			case EchoClosed:
				cell.Window = s.Window
				if l.Proto == "http" || vs.Variant == VariantWSOneInFlight {
					// HTTP/1.1 carries one request at a time per
					// connection (clients do not pipeline).
					cell.Window = 1
				}
			case EchoOpen:
				out = append(out, openCells(cell, s)...)
				continue
			case Broadcast:
				cell.Rate = s.Rate
				cell.Publishers = s.Publishers
				if vs.Variant == VariantPoll {
					cell.PollInterval = vs.PollInterval.Duration
				}
			case Connect:
				cell.Hold = s.Hold.Duration
				cell.ConnectRate = s.ConnectRate
				cell.DialConcurrency = s.DialConcurrency
				cell.Warmup, cell.Duration = 0, 0
			}
			out = append(out, cell)
		}
	}
	return out
}

// openCells are an echo-open cell at each of the spec's loads, then at each
// absolute rate.
func openCells(cell Cell, s Spec) []Cell {
	var out []Cell
	for _, l := range s.Loads {
		cell.Load, cell.Rate = l, 0
		out = append(out, cell)
	}
	for _, r := range s.OpenRates() {
		cell.Load, cell.Rate = 0, r
		out = append(out, cell)
	}
	return out
}

// Costs model the time a trial takes beyond its measured interval. The
// defaults were measured on the reference 2-core machine; they only feed the
// estimate and the per-trial deadline.
type Costs struct {
	// Fixed covers starting the server, waiting for /healthz, starting the
	// load generator, writing its JSON and stopping the server.
	Fixed time.Duration
	// DialRate is the connections per second the estimate assumes while a
	// trial connects its clients (and again, faster, when it closes them).
	DialRate float64
	// Build is the time to build the server and load generator binaries.
	Build time.Duration
}

// DefaultCosts are the reference machine's costs.
var DefaultCosts = Costs{Fixed: 200 * time.Millisecond, DialRate: 5000, Build: 20 * time.Second}

// Estimate is the expected wall time of one trial of c.
func (k Costs) Estimate(c Cell) time.Duration {
	// A polling subscriber sees the last measured message up to one
	// interval late: the load generator's drain waits for it.
	d := k.Fixed + c.Warmup + c.Duration + c.Hold + c.PollInterval
	if k.DialRate > 0 {
		// Dialing, then closing at about four times the dial rate.
		d += time.Duration(float64(c.Conns) / k.DialRate * 1.25 * float64(time.Second))
	}
	return d
}

// Plan is the time budget of a run, computed before it starts.
//
// The runner measures in rounds (round r runs trial r of every cell that
// has one, column by column, the entries of a column back to back in that
// round's random order) and every trial starts and stops its own server
// whatever came before it, so the order adds nothing to the sum of the
// trials' estimates: the plan is that sum, the drift check included. The
// order decides when a trial runs, not how long it takes.
type Plan struct {
	Cells  int `json:"cells"`
	Trials int `json:"trials"` // trial runs in all, drift check included
	// Rounds is the largest trial count of a cell: the number of rounds.
	Rounds     int           `json:"rounds,omitempty"`
	Build      time.Duration `json:"-"`
	Measure    time.Duration `json:"-"` // all trials, drift check included
	Total      time.Duration `json:"-"`
	TotalS     float64       `json:"total_s"`
	DriftCell  string        `json:"drift_cell,omitempty"`
	PerLibrary time.Duration `json:"-"`
}

// PlanFor estimates a run of cells with c's trials and drift check.
func (c Config) PlanFor(cells []Cell, k Costs) Plan {
	p := Plan{Cells: len(cells), Build: k.Build}
	libs := map[string]bool{}
	for _, cell := range cells {
		p.Measure += time.Duration(cell.Trials) * k.Estimate(cell)
		p.Trials += cell.Trials
		p.Rounds = max(p.Rounds, cell.Trials)
		libs[cell.Lib] = true
	}
	if c.Drift && len(cells) > 0 {
		p.Measure += time.Duration(cells[0].Trials) * k.Estimate(cells[0])
		p.Trials += cells[0].Trials
		p.DriftCell = cells[0].ID()
	}
	p.Total = p.Build + p.Measure
	p.TotalS = p.Total.Seconds()
	if len(libs) > 0 {
		p.PerLibrary = p.Measure / time.Duration(len(libs))
	}
	return p
}

// String is the one-paragraph summary printed before a run starts.
func (p Plan) String() string {
	return fmt.Sprintf("planned: %d cells, %d trial runs in %d rounds; about %s (build %s + measuring %s, %s per library)",
		p.Cells, p.Trials, p.Rounds, round(p.Total), round(p.Build), round(p.Measure), round(p.PerLibrary))
}

func round(d time.Duration) time.Duration { return d.Round(time.Second) }
