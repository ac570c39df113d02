package slides

import (
	"slices"

	"github.com/wsbench/wsbench/bench/record"
)

// index lists a run's entries in run order.
type index struct {
	run  *record.Run
	libs []string
}

func newIndex(run *record.Run) *index {
	x := &index{run: run, libs: slices.Clone(run.Environment.Matrix.Libs)}
	for _, c := range run.Cells {
		if !slices.Contains(x.libs, c.Lib) {
			x.libs = append(x.libs, c.Lib)
		}
	}
	return x
}

func usable(c *record.Cell) bool {
	return c != nil && c.Status != record.StatusFailed && c.Median != nil
}

// offeredRate is an open-loop cell's offered rate.
func offeredRate(c *record.Cell) float64 {
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
