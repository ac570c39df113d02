package report

import (
	"fmt"
	"github.com/wsbench/wsbench/bench/analysis"

	"github.com/wsbench/wsbench/bench/record"
)

// ceiling is the run's ceiling entry (its registry role: the same echo
// and broadcast over plain TCP, with no WebSocket at all), "" when it did
// not run.
func (v *view) ceiling() string {
	for _, lib := range v.libs {
		if analysis.RoleOf(lib) == analysis.RoleCeiling {
			return lib
		}
	}
	return ""
}

// ceilingNote explains the percentages of a table with a ceiling row.
func (v *view) ceilingNote(ceil string) string {
	if ceil == "" {
		return ""
	}
	return fmt.Sprintf(" *%% of %s*: the library's figure as a percentage of %s's, the same job over plain TCP with no WebSocket (the ceiling).", ceil, ceil)
}

// ofCeiling is " · 62% of tcp": c's median of key against the ceiling
// row's cell of the same scenario, size, connections and load; "" when
// either has no figure or c is the ceiling itself.
func (v *view) ofCeiling(c *record.Cell, ceil, key string, _ bool) string {
	if ceil == "" || !usable(c) || c.Lib == ceil {
		return ""
	}
	k := keyOf(c)
	k.row = ceil
	ref := v.cells[k]
	if !usable(ref) {
		return ""
	}
	a, b := c.Median[key], ref.Median[key]
	if a <= 0 || b <= 0 {
		return ""
	}
	return fmt.Sprintf(" · %s%% of %s", trim(a/b*100, 2), ceil)
}
