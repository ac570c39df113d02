package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/format"
	"github.com/wsbench/wsbench/bench/record"
)

// findingsSection lists the run's findings (bench/analysis), the same
// sentences the deck's titles state, each with what it rests on.
func findingsSection(w io.Writer, m *analysis.Model) {
	if len(m.Findings) == 0 {
		return
	}
	fmt.Fprintf(w, "## Findings\n\n")
	fmt.Fprintf(w, "Each finding is derived once from results.json (findings.json holds them with their rankings); the deck's titles are these sentences. "+
		"Rankings: %s.\n\n", analysis.Method())
	if len(m.NoiseFloor) > 0 {
		var parts []string
		for _, k := range sortedKeys(m.NoiseFloor) {
			parts = append(parts, fmt.Sprintf("%s %s", k, format.Percent(m.NoiseFloor[k])))
		}
		fmt.Fprintf(w, "This machine's noise floor in this run (the median spread, max−min over median, of a cell's trials after removing each round's common speed): %s.\n\n", strings.Join(parts, ", "))
	}
	if q := m.Quiet; q != nil {
		fmt.Fprintf(w, "Other processes on the measured CPUs: %s per trial at the median, %s at most, over %d trials; %d trials were run again because another process took more than %s of their CPUs, %d kept a reading over it.\n\n",
			format.Trim(q.MedianCPU, 2)+" CPU", format.Trim(q.MaxCPU, 2)+" CPU", q.Trials, q.Rerun, format.Trim(record.DisturbedCPU, 2)+" CPU", q.Disturbed)
	}
	for _, f := range m.Findings {
		fmt.Fprintf(w, "- **%s**", f.Title)
		var on []string
		if f.Column != "" {
			on = append(on, "cells "+f.Column)
		}
		if f.TotalEntries > 0 {
			on = append(on, fmt.Sprintf("%d of %d points valid", f.ValidEntries, f.TotalEntries))
		}
		if len(f.Ranking) > 0 {
			if n := f.Ranking[len(f.Ranking)-1].Tier; n == 1 {
				on = append(on, "1 tier")
			} else {
				on = append(on, fmt.Sprintf("%d tiers", n))
			}
		}
		if len(on) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(on, "; "))
		}
		fmt.Fprintln(w)
		for _, n := range f.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	fmt.Fprintln(w)
}

func sortedKeys(m map[string]float64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
