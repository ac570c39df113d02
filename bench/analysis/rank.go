package analysis

import (
	"slices"
	"sort"

	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/stats"
)

// Options are the ranking's statistical settings (bench/stats): one entry
// beats another when a test shows, at 95% family-wise confidence (Holm
// over the ranking's pairs), that it leads by more than the margin.
//
// The test is of the excess over the margin (Beyond), not of any
// difference: a title must claim what a rerun repeats. The margin is half
// (a lead of more than 1.5×) because that is what reruns showed. Two
// consecutive runs of the same matrix moved a cell's median by up to 46%
// (the 90th percentile of closed-loop throughput cells, results/compare,
// 2026-12-02T065009-vm against 2026-12-02T071402-vm), and the first tiers
// of the deck's seven rankings, built with a margin of a quarter, changed
// in 4 and 3 of them over the two pairs of consecutive runs made with
// these statistics; recomputed from the same trials with a margin of a
// half, in 2 and 1. What still moves at a half are the entries whose own
// trials spread by 2× or more (an open-loop p99 caught by a host stall).
// A lead of 25-50% is
// still in the tables, with its median; it is not a claim.
//
// The noise is estimated from all entries at once (Pooled, a randomized
// complete block design by round): with 5 rounds, per-pair tests have 4
// degrees of freedom and, corrected over 45-66 pairs, separate little (in
// results/2026-12-02T071402-vm they left native and nhooyr, 2.6× apart
// in 1 KiB echo throughput, in one tier).
var Options = stats.Options{Alpha: 0.05, Margin: 0.5, Pooled: true, Beyond: true}

// Ranked is one metric over one column of cells (the same scenario, size,
// connection count and load for every entry): the valid points in tiers,
// the reference rows beside them, and the points that could not be ranked.
type Ranked struct {
	Metric         string
	HigherIsBetter bool
	Stats          stats.Ranking
	// Tier of every ranked entry (1 best).
	Tier map[string]int
	// Members are the ranked entries in tier order (best median first
	// within a tier).
	Members []string
	// References are the ceiling and baseline entries with a valid point,
	// drawn beside the ranking but never in it.
	References []string
	// Invalid maps an entry whose point is not valid to why.
	Invalid map[string]string
	// Valid and Total count the entries that take part in rankings
	// (libraries and our own implementations): Valid of them have a valid
	// point.
	Valid, Total int
	// MinTrials is the fewest trials behind any ranked entry's point.
	MinTrials int
	cells     map[string]*record.Cell
}

// MinRankTrials is the fewest trials an entry needs for its point to be
// tested against another's.
const MinRankTrials = 3

// Enough reports whether the ranking may be shown as one: at least half
// of the entries it concerns have a valid point, and at least two do.
//
// It also needs MinRankTrials trials behind every point: with fewer, no
// test can separate anything, and a smoke run must not read as a tie.
func (r *Ranked) Enough() bool {
	return r.Valid >= 2 && 2*r.Valid >= r.Total && r.MinTrials >= MinRankTrials
}

// TierOf is lib's tier, 0 when it is not ranked.
func (r *Ranked) TierOf(lib string) int { return r.Tier[lib] }

// Leading is the first tier: the entries that no other entry beats.
func (r *Ranked) Leading() []string {
	if !r.Enough() || len(r.Stats.Tiers) == 0 {
		return nil
	}
	return slices.Clone(r.Stats.Tiers[0].Names)
}

// Cell is lib's cell in the column.
func (r *Ranked) Cell(lib string) *record.Cell { return r.cells[lib] }

// Rank ranks cells (one per entry, the same column) on metric key.
func Rank(cells []*record.Cell, key string, higherIsBetter bool) *Ranked {
	r := &Ranked{Metric: key, HigherIsBetter: higherIsBetter, Tier: map[string]int{}, Invalid: map[string]string{}, cells: map[string]*record.Cell{}}
	samples := map[string][]stats.Obs{}
	for _, c := range cells {
		r.cells[c.Lib] = c
		role := RoleOf(c.Lib)
		v := PointValidity(c, key)
		if ranks(role) {
			r.Total++
		}
		if !v.Valid {
			r.Invalid[c.Lib] = v.Why
			continue
		}
		if !ranks(role) {
			r.References = append(r.References, c.Lib)
			continue
		}
		r.Valid++
		samples[c.Lib] = Observations(c, key)
		if n := len(samples[c.Lib]); r.Valid == 1 || n < r.MinTrials {
			r.MinTrials = n
		}
	}
	sort.Strings(r.References)
	r.Stats = stats.Rank(samples, higherIsBetter, Options)
	for _, t := range r.Stats.Tiers {
		for _, n := range t.Names {
			r.Tier[n] = t.Rank
			r.Members = append(r.Members, n)
		}
	}
	return r
}

// Observations are the values of key over c's trials that count, each with
// the round it was measured in (runs recorded before rounds were recorded
// measured trial n of every cell in pass n: the trial's number).
func Observations(c *record.Cell, key string) []stats.Obs {
	m, ok := record.MetricByKey(key)
	if !ok {
		return nil
	}
	var out []stats.Obs
	for _, t := range c.Trials {
		if record.TrialProblem(c.Scenario, t) != "" {
			continue
		}
		if v, ok := m.Get(t.Result); ok && v > 0 {
			round := t.Round
			if round == 0 {
				round = t.N
			}
			out = append(out, stats.Obs{Round: round, Value: v})
		}
	}
	return out
}
