package analysis

import (
	"fmt"
	"slices"
	"sort"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// Column is one column of the matrix: the cells of every entry that
// differ only by the entry (main matrix only; variant cells are the
// claim's).
type Column struct {
	Scenario config.Scenario
	Size     int
	Conns    int
	// At is an open-loop cell's offered load ("50%", "5000/s"), empty
	// otherwise.
	At string
}

// String names the column: echo-closed/1024B/1000c, echo-open/1024B/1000c@50%.
func (k Column) String() string {
	if k.Scenario == config.Connect {
		return fmt.Sprintf("%s/%dc", k.Scenario, k.Conns)
	}
	s := fmt.Sprintf("%s/%dB/%dc", k.Scenario, k.Size, k.Conns)
	if k.At != "" {
		s += "@" + k.At
	}
	return s
}

// ColumnOf is c's column.
func ColumnOf(c *record.Cell) Column {
	k := Column{Scenario: c.Scenario, Size: c.PayloadBytes, Conns: c.Conns}
	if c.Scenario == config.EchoOpen {
		k.At = config.LoadLabel(c.Load, c.Rate)
	}
	return k
}

// Cells are run's main-matrix cells of column k, one per entry.
func Cells(run *record.Run, k Column) []*record.Cell {
	var out []*record.Cell
	for i := range run.Cells {
		c := &run.Cells[i]
		if !c.Extra && ColumnOf(c) == k {
			out = append(out, c)
		}
	}
	return out
}

// Axes are the distinct sizes and connection counts of sc's main-matrix
// cells, ascending.
func Axes(run *record.Run, sc config.Scenario) (sizes, conns []int) {
	for _, c := range run.Cells {
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

// PreferredSize is 1 KiB when sizes has it, else the size nearest to it:
// the size of the findings that name one size.
func PreferredSize(sizes []int) int {
	best := 0
	for i, s := range sizes {
		if i == 0 || absInt(s-1024) < absInt(best-1024) {
			best = s
		}
	}
	return best
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Build derives the model of run. Extra findings (the claim, the
// conformance run), made by packages that know them, are appended as given.
func Build(run *record.Run, extra ...*Finding) *Model {
	m := &Model{Run: run.Name, Commit: run.Environment.GitCommit, Alpha: Options.Alpha, Margin: Options.Margin,
		Method: methodText, NoiseFloor: run.NoiseFloor, Quiet: quietOf(run), run: run}
	libs := slices.Clone(run.Environment.Matrix.Libs)
	for i := range run.Cells {
		if c := &run.Cells[i]; !slices.Contains(libs, c.Lib) {
			libs = append(libs, c.Lib)
		}
	}
	m.Trials[0], m.Trials[1] = TrialRange(run)
	for _, l := range libs {
		m.Entries = append(m.Entries, EntryRole{Lib: l, Role: RoleOf(l)})
	}
	for _, r := range rules {
		m.Findings = append(m.Findings, r(run)...)
	}
	for _, f := range extra {
		if f != nil {
			m.Findings = append(m.Findings, f)
		}
	}
	return m
}

// methodText states how every ranking is made.
var methodText = fmt.Sprintf("every pair of entries compared on the ratio of their trials measured in the same round "+
	"(log values = entry + round + noise, the noise estimated from all entries of the ranking at once), "+
	"one entry beats another when a one-sided t-test shows its lead exceeds %.0f%%, Holm-corrected over all pairs of the ranking at %.0f%% family-wise confidence; "+
	"tier 1 is the entries no other entry beats, tier 2 those no remaining entry beats, and so on; "+
	"the ceiling and baselines are reference rows, never tier members; only valid points are ranked, and only when at least half of the entries have one",
	Options.Margin*100, (1-Options.Alpha)*100)

// finding makes the finding of ranking r.
func finding(id, metric string, k Column, r *Ranked, title func(*Ranked) string) *Finding {
	f := &Finding{ID: id, Metric: metric, Column: k.String(), HigherIsBetter: r.HigherIsBetter,
		ValidEntries: r.Valid, TotalEntries: r.Total, Ranking: []Place{}, ranked: r}
	if r.Enough() {
		f.Leading = r.Leading()
		for _, lib := range r.Members {
			f.Ranking = append(f.Ranking, place(r, lib, r.Tier[lib]))
		}
	}
	for _, lib := range r.References {
		f.References = append(f.References, place(r, lib, 0))
	}
	var bad []string
	for lib := range r.Invalid {
		bad = append(bad, lib)
	}
	sort.Strings(bad)
	for _, lib := range bad {
		f.NotValid = append(f.NotValid, Excluded{Lib: lib, Why: r.Invalid[lib]})
	}
	f.Title = title(r)
	return f
}

func place(r *Ranked, lib string, tier int) Place {
	c := r.cells[lib]
	return Place{Lib: lib, Role: RoleOf(lib), Tier: tier, Median: c.Median[r.Metric], Min: c.Min[r.Metric], Max: c.Max[r.Metric],
		Trials: CountedTrials(c), Valid: true, Noisy: hasFlag(c, record.StatusNoisy)}
}

// Method states how every ranking is made, for a report's notes.
func Method() string { return methodText }

// TrialRange is the fewest and the most trials any cell of run counted,
// leaving out the compression cells (their trials are the compression
// section's business) unless the run has nothing else.
func TrialRange(run *record.Run) (lo, hi int) {
	others := slices.ContainsFunc(run.Cells, func(c record.Cell) bool { return c.Deflate == "" && len(c.Trials) > 0 })
	for i := range run.Cells {
		c := &run.Cells[i]
		if len(c.Trials) == 0 || others && c.Deflate != "" {
			continue
		}
		n := CountedTrials(c)
		if lo == 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	return lo, hi
}
