package report

import (
	"fmt"
	"slices"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/record"
)

// tiering is the ranking of one table column, made by bench/analysis (the
// one place tiers and validity are decided): the table only renders it.
type tiering struct {
	r *analysis.Ranked
}

// tierCells ranks cells (library -> cell) on key.
func tierCells(cells map[string]*record.Cell, key string, higher bool) tiering {
	var cs []*record.Cell
	for _, c := range cells {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b *record.Cell) int { return compareStrings(a.Lib, b.Lib) })
	return tiering{analysis.Rank(cs, key, higher)}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// label is lib's tier as shown in a table: "T1"; "ref" for the ceiling and
// baselines; "–" when its point is not valid or too few points are.
func (t tiering) label(lib string) string {
	if slices.Contains(t.r.References, lib) {
		return "ref"
	}
	if r := t.r.TierOf(lib); r > 0 && t.r.Enough() {
		return fmt.Sprintf("T%d", r)
	}
	return "–"
}

// order sorts libs: ranked ones in tier order, then the reference rows,
// then the rest in the given order.
func (t tiering) order(libs []string) []string {
	out := slices.Clone(libs)
	pos := map[string]int{}
	for _, n := range t.r.Members {
		pos[n] = len(pos)
	}
	for _, n := range t.r.References {
		pos[n] = len(pos)
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
	return fmt.Sprintf(" **Tier** (%s, %s): %s. \"ref\" marks the ceiling and baselines; \"–\" a point that is not valid (failed, or set by the load generator rather than the server).",
		what, v.trialsText(), analysis.Method())
}

// trialsText says how many trials the cells counted.
func (v *view) trialsText() string {
	lo, hi := analysis.TrialRange(v.run)
	if lo == hi {
		return fmt.Sprintf("%d trials per cell", hi)
	}
	return fmt.Sprintf("%d–%d trials per cell", lo, hi)
}
