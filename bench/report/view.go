package report

import (
	"slices"
	"sort"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/results"
)

// view indexes a run's cells for the table and chart builders.
type view struct {
	run   *results.Run
	libs  []string
	cells map[cellKey]*results.Cell
}

// cellKey finds a cell: row is the library for the main matrix, the
// library and variant ("rest+sse") for a variant cell.
type cellKey struct {
	row   string
	sc    config.Scenario
	size  int
	conns int
}

func newView(run *results.Run) *view {
	v := &view{run: run, cells: map[cellKey]*results.Cell{}}
	v.libs = slices.Clone(run.Environment.Matrix.Libs)
	for i := range run.Cells {
		c := &run.Cells[i]
		v.cells[cellKey{c.Row(), c.Scenario, c.PayloadBytes, c.Conns}] = c
		if !slices.Contains(v.libs, c.Lib) {
			v.libs = append(v.libs, c.Lib)
		}
	}
	return v
}

// cell is lib's main-matrix cell.
func (v *view) cell(lib string, sc config.Scenario, size, conns int) *results.Cell {
	return v.cells[cellKey{lib, sc, size, conns}]
}

// axes returns the distinct payload sizes and connection counts of sc's
// main-matrix cells, ascending.
func (v *view) axes(sc config.Scenario) (sizes, conns []int) {
	for _, c := range v.run.Cells {
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

// has reports whether any main-matrix cell of sc exists.
func (v *view) has(sc config.Scenario) bool {
	for _, c := range v.run.Cells {
		if c.Scenario == sc && !c.Extra {
			return true
		}
	}
	return false
}

// spec returns the matrix spec of sc (rates, window...) or a zero Spec.
func (v *view) spec(sc config.Scenario) config.Spec {
	m := v.run.Environment.Matrix
	if s := m.Spec(sc); s != nil {
		return *s
	}
	return config.Spec{Scenario: sc}
}

// trials is the planned number of trials per cell.
func (v *view) trials() int { return v.run.Environment.Matrix.Trials }

// usable reports whether c has numbers to show.
func usable(c *results.Cell) bool {
	return c != nil && c.Status != results.StatusFailed && c.Median != nil
}
