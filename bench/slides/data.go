package slides

import (
	"slices"
	"sort"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/results"
	"github.com/wsbench/wsbench/bench/stats"
)

// Baselines are not WebSocket libraries: rest is the HTTP baseline, tcp
// the raw-TCP ceiling. They appear in charts as references and never in
// the picks.
var baselines = map[string]bool{"rest": true, "tcp": true}

// index finds a run's main-matrix cells.
type index struct {
	run  *results.Run
	libs []string
}

func newIndex(run *results.Run) *index {
	x := &index{run: run, libs: slices.Clone(run.Environment.Matrix.Libs)}
	for _, c := range run.Cells {
		if !slices.Contains(x.libs, c.Lib) {
			x.libs = append(x.libs, c.Lib)
		}
	}
	return x
}

// cells are the usable main-matrix cells of sc matching size, conns
// (0: any) and keep.
func (x *index) cells(sc config.Scenario, size, conns int, keep func(*results.Cell) bool) []*results.Cell {
	var out []*results.Cell
	for i := range x.run.Cells {
		c := &x.run.Cells[i]
		if c.Extra || c.Scenario != sc || !usable(c) || (size > 0 && c.PayloadBytes != size) || (conns > 0 && c.Conns != conns) {
			continue
		}
		if keep == nil || keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// axes are the distinct sizes and connection counts of sc's main cells.
func (x *index) axes(sc config.Scenario) (sizes, conns []int) {
	for _, c := range x.run.Cells {
		if c.Scenario != sc || c.Extra {
			continue
		}
		if !slices.Contains(sizes, c.PayloadBytes) {
			sizes = append(sizes, c.PayloadBytes)
		}
		if !slices.Contains(conns, c.Conns) {
			conns = append(conns, c.Conns)
		}
	}
	sort.Ints(sizes)
	sort.Ints(conns)
	return sizes, conns
}

// nearest is the value of vals nearest to want (vals non-empty).
func nearest(vals []int, want int) int {
	best := vals[0]
	for _, v := range vals {
		if abs(v-want) < abs(best-want) {
			best = v
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func usable(c *results.Cell) bool {
	return c != nil && c.Status != results.StatusFailed && c.Median != nil
}

// isWebSocket reports whether c carries WebSocket frames (not an HTTP
// baseline or a SockJS emulation transport).
func isWebSocket(c *results.Cell) bool {
	switch c.VariantOrDefault() {
	case config.VariantWS, config.VariantSockJSWebSocket:
		return true
	}
	return false
}

// samples are the values of key in each cell's trials that count, per
// library: the input of the tier rule.
func samples(cells []*results.Cell, key string) map[string][]float64 {
	m, ok := results.MetricByKey(key)
	out := map[string][]float64{}
	if !ok {
		return out
	}
	for _, c := range cells {
		for _, t := range c.Trials {
			if results.TrialProblem(c.Scenario, t) != "" {
				continue
			}
			if v, ok := m.Get(t.Result); ok {
				out[c.Lib] = append(out[c.Lib], v)
			}
		}
		if len(out[c.Lib]) == 0 { // a run without trials kept: the median alone
			if v, ok := c.Median[key]; ok {
				out[c.Lib] = []float64{v}
			}
		}
	}
	return out
}

// ranked orders cells by tier (best first), then by median within a
// tier, and gives each library its tier.
func ranked(cells []*results.Cell, key string, higherIsBetter bool) ([]*results.Cell, map[string]int) {
	tiers := stats.Tiers(samples(cells, key), higherIsBetter)
	tier := map[string]int{}
	for _, t := range tiers {
		for _, n := range t.Names {
			tier[n] = t.Rank
		}
	}
	out := slices.Clone(cells)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		ta, tb := tierOf(tier, a.Lib), tierOf(tier, b.Lib)
		if ta != tb {
			return ta < tb
		}
		if a.Median[key] != b.Median[key] {
			return (a.Median[key] > b.Median[key]) == higherIsBetter
		}
		return a.Lib < b.Lib
	})
	return out, tier
}

func tierOf(tier map[string]int, lib string) int {
	if t, ok := tier[lib]; ok {
		return t
	}
	return 1 << 20
}

// clientLimited reports whether the load generator could not keep its
// schedule in c (results.StatusClientLimited, or a client_limited median
// in runs that recorded it that way). Such a point is drawn hollow and
// never ranked.
func clientLimited(c *results.Cell) bool {
	return c.Status == results.StatusClientLimited || slices.Contains(c.Flags, results.StatusClientLimited) ||
		c.Median["client_limited"] > 0.5
}

// offeredRate is an open-loop cell's offered rate.
func offeredRate(c *results.Cell) float64 {
	if c.Rate > 0 {
		return c.Rate
	}
	for _, t := range c.Trials {
		if t.Result != nil && t.Result.RateTarget > 0 {
			return t.Result.RateTarget
		}
	}
	return 0
}
