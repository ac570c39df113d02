package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// The claim section tests "WebSockets are 5-10x faster than REST" row by
// row: every cell that delivers the same job without a WebSocket (HTTP
// echo with keep-alive or a new connection per request, polling, long
// polling, Server-Sent Events, the SockJS emulation transports) is set
// against the WebSocket cells of the same scenario, payload size,
// connection count and rate. Every figure comes from the run's cells.

// ClaimRatio is one row's comparison with one WebSocket library.
type ClaimRatio struct {
	Lib     string
	Value   string  // the WebSocket figure as shown
	Ratio   float64 // oriented (>1: WebSocket better), rounded to 3 digits; NaN without data
	Verdict string  // one of the Verdict constants
	Text    string  // the verdict with how much and the caveats
}

// ClaimRow is one comparison and metric under its conditions.
type ClaimRow struct {
	Group      string // claimGroup id
	Side       string // the non-WebSocket way, e.g. "REST long polling"
	Metric     string
	Short      string // the metric in a word: throughput, latency, bytes, CPU
	Conditions string
	Other      string // the non-WebSocket figure as shown
	OtherCell  *record.Cell
	Refs       []ClaimRatio // one per Claim.Refs, same order
	headline   bool         // shown in the chart
}

// Claim is the whole comparison.
type Claim struct {
	// Refs are the WebSocket libraries compared with: the fastest of the
	// run (by closed-loop echo throughput), then gorilla, the common
	// choice, when it is not the fastest.
	Refs    []string
	Fastest string
	// Headline is the reference of the chart and of the summary: gorilla
	// when it ran, else the fastest.
	Headline string
	Rows     []ClaimRow
	// Missing says why there is nothing to compare ("" when there is).
	Missing string
	wsLibs  int // WebSocket libraries in the run
}

// BuildClaim computes the claim section of run.
func BuildClaim(run *record.Run) *Claim {
	v := newView(run)
	cl := &Claim{}
	for _, lib := range v.libs {
		if v.isWS(lib) {
			cl.wsLibs++
		}
	}
	cl.Fastest = v.fastestWS()
	if cl.Fastest != "" {
		cl.Refs = append(cl.Refs, cl.Fastest)
	}
	if cl.Fastest != config.ClaimLib && v.isWS(config.ClaimLib) {
		cl.Refs = append(cl.Refs, config.ClaimLib)
	}
	switch {
	case len(cl.Refs) == 0:
		cl.Missing = "no WebSocket library ran"
		return cl
	case slices.Contains(cl.Refs, config.ClaimLib):
		cl.Headline = config.ClaimLib
	default:
		cl.Headline = cl.Refs[0]
	}
	for _, g := range claimGroups {
		cl.Rows = append(cl.Rows, v.claimRows(g, cl.Refs)...)
	}
	if len(cl.Rows) == 0 {
		cl.Missing = "no REST or WebSocket-emulation cell ran next to a WebSocket one"
	}
	return cl
}

// isWS reports whether lib ran over plain WebSocket.
func (v *view) isWS(lib string) bool {
	for _, c := range v.run.Cells {
		if c.Lib == lib {
			return c.Proto == "ws"
		}
	}
	return false
}

// fastestWS picks the WebSocket library with the most usable closed-loop
// echo cells and, among those, the highest geometric mean of their
// throughput; without echo cells it falls back to the first WebSocket
// library.
func (v *view) fastestWS() string {
	type score struct {
		lib string
		n   int
		geo float64
	}
	var best *score
	first := ""
	for _, lib := range v.libs {
		if !v.isWS(lib) {
			continue
		}
		if first == "" {
			first = lib
		}
		s := score{lib: lib}
		logSum := 0.0
		for _, c := range v.run.Cells {
			if c.Lib != lib || c.Extra || c.Scenario != config.EchoClosed || !usable(&c) {
				continue
			}
			if x := c.Median[record.MsgsPerSec]; x > 0 {
				s.n++
				logSum += math.Log(x)
			}
		}
		if s.n == 0 {
			continue
		}
		s.geo = math.Exp(logSum / float64(s.n))
		if best == nil || s.n > best.n || (s.n == best.n && s.geo > best.geo) {
			best = &s
		}
	}
	if best == nil {
		return first
	}
	return best.lib
}

// isOther reports whether c does the job without a WebSocket: any HTTP
// cell, or a SockJS emulation transport.
func isOther(c *record.Cell) bool {
	switch c.VariantOrDefault() {
	case config.VariantSockJSXHRStreaming, config.VariantSockJSXHRPolling:
		return true
	}
	return c.Proto == "http"
}

// variantOrder sorts the non-WebSocket sides: by variant in
// config.Variants order, then polling interval, then library.
func variantOrder(a, b *record.Cell) int {
	ia := slices.Index(config.Variants, a.VariantOrDefault())
	ib := slices.Index(config.Variants, b.VariantOrDefault())
	if ia != ib {
		return ia - ib
	}
	if pa, pb := pollMS(a), pollMS(b); pa != pb {
		if pa < pb {
			return -1
		}
		return 1
	}
	return strings.Compare(a.Lib, b.Lib)
}

// pollMS is a polling cell's interval in ms, from the cell or else from
// its trials (the load generator's default when the matrix left it).
func pollMS(c *record.Cell) float64 {
	if c.PollInterval > 0 {
		return float64(c.PollInterval.Microseconds()) / 1000
	}
	for _, t := range c.Trials {
		if t.Result != nil && t.Result.PollInterval > 0 {
			return t.Result.PollInterval
		}
	}
	return 0
}

// claimTags marks a figure that needs care: client-bound applies to
// closed-loop throughput only, noisy to every figure of the cell.
func claimTags(c *record.Cell, m claimMetric) string {
	if !usable(c) {
		return ""
	}
	var t []string
	if m.key == record.MsgsPerSec && hasFlag(c, record.StatusClientBound) {
		t = append(t, "*"+record.StatusClientBound+"*")
	}
	if hasFlag(c, record.StatusNoisy) {
		t = append(t, "*"+record.StatusNoisy+"*")
	}
	if len(t) == 0 {
		return ""
	}
	return " " + strings.Join(t, " ")
}

// conditions states what a row's cells share.
func (v *view) conditions(c *record.Cell) string {
	parts := []string{fmtSize(c.PayloadBytes)}
	switch c.Scenario {
	case config.EchoClosed:
		parts = append(parts, fmtInt(c.Conns)+" conns", fmt.Sprintf("%d in flight per connection on both sides", max(c.Window, 1)))
	case config.EchoOpen:
		parts = append(parts, fmtInt(c.Conns)+" conns", fmtCount(c.Rate)+" msgs/s offered to both")
	case config.Broadcast:
		parts = append(parts, fmtInt(c.Conns)+" subscribers", fmtCount(c.Rate)+" msgs/s published")
		if c.VariantOrDefault() == config.VariantPoll {
			if ms := pollMS(c); ms > 0 {
				parts = append(parts, "poll every "+fmtUS(ms*1000))
			}
		}
	}
	return strings.Join(parts, ", ")
}

// wsPeer is the WebSocket cell that a non-WebSocket cell is compared with
// for reference library ref: the same scenario, size and connections, and
// for echo the same footing (closed loop: ref with one message in flight,
// the variant config.VariantWSOneInFlight; open loop: the same offered
// rate). Nil when the run has none.
func (v *view) wsPeer(ref string, other *record.Cell) *record.Cell {
	switch other.Scenario {
	case config.EchoClosed:
		row := config.RowName(ref, config.VariantWSOneInFlight, true, 0)
		return v.cells[cellKey{row, config.EchoClosed, other.PayloadBytes, other.Conns, ""}]
	case config.EchoOpen:
		return v.openCell(ref, other.PayloadBytes, other.Conns, config.LoadLabel(0, other.Rate))
	}
	return v.cell(ref, other.Scenario, other.PayloadBytes, other.Conns)
}

// wsWindow is the closed-loop window of the run's WebSocket echo cells.
func (v *view) wsWindow() int {
	for i := range v.run.Cells {
		c := &v.run.Cells[i]
		if c.Scenario == config.EchoClosed && v.isWS(c.Lib) && c.Window > 0 {
			return c.Window
		}
	}
	return 1
}

// claimRows are the rows of group g: for each non-WebSocket side, each
// metric, each size and connection count.
func (v *view) claimRows(g claimGroup, refs []string) []ClaimRow {
	var others []*record.Cell
	for i := range v.run.Cells {
		c := &v.run.Cells[i]
		// Open-loop points at a fraction of each side's own capacity are
		// not at the same load: only the common absolute rates compare.
		if g.has(c.Scenario) && isOther(c) && c.Load == 0 {
			others = append(others, c)
		}
	}
	sort.SliceStable(others, func(i, j int) bool {
		a, b := others[i], others[j]
		if d := variantOrder(a, b); d != 0 {
			return d < 0
		}
		if a.PayloadBytes != b.PayloadBytes {
			return a.PayloadBytes < b.PayloadBytes
		}
		return a.Conns < b.Conns
	})
	var sides []string
	bySide := map[string][]*record.Cell{}
	for _, c := range others {
		name := sideName(c)
		if _, ok := bySide[name]; !ok {
			sides = append(sides, name)
		}
		bySide[name] = append(bySide[name], c)
	}
	// The chart shows each side's first metric at the largest connection
	// count: throughput for request/response, p50 delivery for push.
	maxConns := 0
	for _, c := range others {
		maxConns = max(maxConns, c.Conns)
	}
	var rows []ClaimRow
	for _, side := range sides {
		for mi, sm := range g.metrics {
			for _, c := range bySide[side] {
				if c.Scenario != sm.sc {
					continue
				}
				row := ClaimRow{
					Group:      g.id,
					Side:       side,
					Metric:     sm.m.label,
					Short:      sm.m.short,
					Conditions: v.conditions(c),
					Other:      plain(c, sm.m.key, sm.m.format) + claimTags(c, sm.m),
					OtherCell:  c,
					headline:   mi == 0 && c.Conns == maxConns,
				}
				for _, lib := range refs {
					ws := v.wsPeer(lib, c)
					row.Refs = append(row.Refs, compare(sm.m, c, ws, lib))
				}
				rows = append(rows, row)
			}
		}
	}
	return rows
}
