package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/bench/format"
)

// Words: how a finding's title says what its ranking shows. A title names
// the entries of the first tier (no other entry beats them by more than
// the margin) as sharing the top tier, says
// how many entries that is out of how many, and when too few points are
// valid to rank, says that instead of naming anyone.

// maxNamed is the most leaders a title names; more are counted.
const maxNamed = 4

// leadTitle titles a ranking of subject ("1 KiB echo throughput"); f
// formats a median and unit follows it.
func leadTitle(subject string, f func(float64) string, unit string) func(*Ranked) string {
	return func(r *Ranked) string {
		if !r.Enough() {
			return fmt.Sprintf("%s: not ranked, %s", capitalize(subject), validCount(r))
		}
		lead := r.Leading()
		best := r.cells[r.Members[0]].Median[r.Metric]
		value := f(best) + unit
		bound := "from"
		if r.HigherIsBetter {
			bound = "up to"
		}
		switch {
		case len(lead) == 1:
			return fmt.Sprintf("%s leads %s by more than %s: %s", lead[0], subject, format.Percent(Options.Margin), value)
		case len(lead) == r.Valid:
			all := fmt.Sprintf("all %d", r.Valid)
			if r.Valid == 2 {
				all = "both"
			}
			return fmt.Sprintf("No server beats another by more than %s in %s: %s valid points share one tier (%s %s)",
				format.Percent(Options.Margin), subject, all, bound, value)
		case len(lead) <= maxNamed:
			return fmt.Sprintf("%s share the top tier of %s (%s %s; no lead past %s shown)", format.List(lead), subject, bound, value, format.Percent(Options.Margin))
		}
		return fmt.Sprintf("%d of %d servers share the top tier of %s (%s %s; no lead past %s shown)", len(lead), r.Valid, subject, bound, value, format.Percent(Options.Margin))
	}
}

// validCount says how many of a ranking's entries have a valid point and
// why the others do not: "5 of 12 points valid (7 client-bound)".
func validCount(r *Ranked) string {
	why := map[string]int{}
	for lib, w := range r.Invalid {
		if ranks(RoleOf(lib)) {
			why[short(w)]++
		}
	}
	var parts []string
	for w, n := range why {
		parts = append(parts, fmt.Sprintf("%d %s", n, w))
	}
	sort.Strings(parts)
	s := fmt.Sprintf("%d of %d points valid", r.Valid, r.Total)
	if len(parts) > 0 {
		s += " (" + format.List(parts) + ")"
	}
	if r.Valid > 0 && r.MinTrials < MinRankTrials {
		s += fmt.Sprintf(", %s behind a point, too few to test", plural(r.MinTrials, "trial"))
	}
	return s
}

// short is a reason's first words: "failed: server died" -> "failed".
func short(why string) string {
	if i := strings.IndexAny(why, ":("); i > 0 {
		return strings.TrimSpace(why[:i])
	}
	return why
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' || (len(s) > 1 && s[1] >= '0' && s[1] <= '9') {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func sortFunc[T any](xs []T, less func(a, b T) bool) {
	sort.SliceStable(xs, func(i, j int) bool { return less(xs[i], xs[j]) })
}

// curveTitle titles an open-loop point taken at each server's own load:
// how many servers have a valid point there, and the range of their p99;
// it ranks nobody.
func curveTitle(subject string) func(*Ranked) string {
	return func(r *Ranked) string {
		lo, hi := 0.0, 0.0
		for _, lib := range r.Members {
			v := r.cells[lib].Median[r.Metric]
			if lo == 0 || v < lo {
				lo = v
			}
			hi = max(hi, v)
		}
		if r.Valid == 0 {
			return fmt.Sprintf("%s: no valid point, %s", capitalize(subject), validCount(r))
		}
		return fmt.Sprintf("%s: %s, p99 %s to %s", capitalize(subject), validCount(r), format.US(lo), format.US(hi))
	}
}

// plural is "1 trial", "3 trials".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
