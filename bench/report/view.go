package report

import (
	"slices"
	"sort"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// view indexes a run's cells for the table and chart builders.
type view struct {
	run   *record.Run
	libs  []string
	cells map[cellKey]*record.Cell
}

// cellKey finds a cell: row is the library for the main matrix, the
// library and variant ("rest+sse") for a variant cell; at is an open-loop
// cell's offered load ("50%", "5000/s"), empty for the other scenarios.
type cellKey struct {
	row   string
	sc    config.Scenario
	size  int
	conns int
	at    string
}

// keyOf is c's key.
func keyOf(c *record.Cell) cellKey {
	k := cellKey{c.Row(), c.Scenario, c.PayloadBytes, c.Conns, ""}
	if c.Scenario == config.EchoOpen {
		k.at = config.LoadLabel(c.Load, c.Rate)
	}
	return k
}

func newView(run *record.Run) *view {
	v := &view{run: run, cells: map[cellKey]*record.Cell{}}
	v.libs = slices.Clone(run.Environment.Matrix.Libs)
	for i := range run.Cells {
		c := &run.Cells[i]
		v.cells[keyOf(c)] = c
		if !slices.Contains(v.libs, c.Lib) {
			v.libs = append(v.libs, c.Lib)
		}
	}
	return v
}

// cell is lib's main-matrix cell (not open loop: see openCell).
func (v *view) cell(lib string, sc config.Scenario, size, conns int) *record.Cell {
	return v.cells[cellKey{lib, sc, size, conns, ""}]
}

// openCell is row's open-loop echo cell at offered load at.
func (v *view) openCell(row string, size, conns int, at string) *record.Cell {
	return v.cells[cellKey{row, config.EchoOpen, size, conns, at}]
}

// loadPoint is one offered load of the open-loop ladder.
type loadPoint struct {
	at   string  // cell key: "50%" or "5000/s"
	load float64 // fraction of capacity, 0 for an absolute rate
	rate float64 // absolute rate, 0 for a fraction
}

// loadPoints are the offered loads of the open-loop cells at size and
// conns: fractions of capacity ascending, then absolute rates ascending.
func (v *view) loadPoints(size, conns int) []loadPoint {
	var pts []loadPoint
	seen := map[string]bool{}
	for i := range v.run.Cells {
		c := &v.run.Cells[i]
		if c.Scenario != config.EchoOpen || c.Extra || c.PayloadBytes != size || c.Conns != conns {
			continue
		}
		p := loadPoint{at: keyOf(c).at, load: c.Load}
		if c.Load == 0 {
			p.rate = c.Rate
		}
		if !seen[p.at] {
			seen[p.at] = true
			pts = append(pts, p)
		}
	}
	sort.Slice(pts, func(i, j int) bool {
		a, b := pts[i], pts[j]
		if (a.load > 0) != (b.load > 0) {
			return a.load > 0
		}
		if a.load != b.load {
			return a.load < b.load
		}
		return a.rate < b.rate
	})
	return pts
}

// axes returns the distinct payload sizes and connection counts of sc's
// main-matrix cells, ascending (analysis.Axes).
func (v *view) axes(sc config.Scenario) (sizes, conns []int) { return analysis.Axes(v.run, sc) }

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
func usable(c *record.Cell) bool {
	return c != nil && c.Status != record.StatusFailed && c.Median != nil
}
