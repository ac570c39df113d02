package report

import (
	"fmt"

	"github.com/wsbench/wsbench/bench/results"
)

// ceilingProto is the protocol of the ceiling row: the same echo and
// broadcast over plain TCP, length-prefixed, with no WebSocket at all.
const ceilingProto = "tcp"

// ceiling is the run's ceiling library, "" when it did not run.
func (v *view) ceiling() string {
	for _, lib := range v.libs {
		if l, ok := v.run.Environment.Libraries[lib]; ok && l.Proto == ceilingProto {
			return lib
		}
	}
	for i := range v.run.Cells {
		if v.run.Cells[i].Proto == ceilingProto {
			return v.run.Cells[i].Lib
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
func (v *view) ofCeiling(c *results.Cell, ceil, key string, _ bool) string {
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
