package report

import (
	"fmt"
	"slices"

	"github.com/wsbench/wsbench/bench/results"
	"github.com/wsbench/wsbench/bench/stats"
)

// tiering is the ranking of one table column: libraries in tiers by a rank
// test over their trials (bench/stats). Cells that fail, or whose figure is
// not the server's (client-bound throughput, client-limited latency), are
// shown but not ranked.
type tiering struct {
	rank   map[string]int // library -> tier, 1 best
	tiers  []stats.Tier
	higher bool
}

// rankable reports whether c's key figure may be ranked.
func rankable(c *results.Cell, key string) bool {
	if !usable(c) || hasFlag(c, results.StatusClientLimited) {
		return false
	}
	return key != results.MsgsPerSec || !hasFlag(c, results.StatusClientBound)
}

// tierCells ranks cells (library -> cell) on key.
func tierCells(cells map[string]*results.Cell, key string, higher bool) tiering {
	samples := map[string][]float64{}
	for lib, c := range cells {
		if rankable(c, key) {
			samples[lib] = c.Values(key)
		}
	}
	ts := stats.Tiers(samples, higher)
	return tiering{rank: stats.TierOf(ts), tiers: ts, higher: higher}
}

// label is lib's tier as shown in a table: "T1", or "–" when not ranked.
func (t tiering) label(lib string) string {
	if r, ok := t.rank[lib]; ok {
		return fmt.Sprintf("T%d", r)
	}
	return "–"
}

// order sorts libs by tier (ranked ones first, in tier order), keeping the
// given order otherwise.
func (t tiering) order(libs []string) []string {
	out := slices.Clone(libs)
	pos := map[string]int{}
	for _, tier := range t.tiers {
		for _, n := range tier.Names {
			pos[n] = len(pos)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		pa, oka := pos[a]
		pb, okb := pos[b]
		switch {
		case oka && okb:
			return pa - pb
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return out
}

// tierNote explains the tier column of a table.
func tierNote(v *view, what string) string {
	return fmt.Sprintf(" **Tier** (%s): libraries are ordered by tier; one ranks above another only when a Mann-Whitney U test over their trials "+
		"gives p < %.2f, and libraries that this run's %s cannot separate share a tier. "+
		"Cells that failed or whose figure is the load generator's limit are not ranked (–).", what, stats.Alpha, v.trialsText())
}

// trialsText says how many trials the cells had.
func (v *view) trialsText() string {
	lo, hi := 0, 0
	for i := range v.run.Cells {
		n := len(v.run.Cells[i].Trials)
		if n == 0 {
			continue
		}
		if lo == 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	if lo == hi {
		return fmt.Sprintf("%d trials per cell", hi)
	}
	return fmt.Sprintf("%d–%d trials per cell", lo, hi)
}
