package report

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// Latency against offered load: the open-loop ladder of every library
// (fractions of its own closed-loop capacity, and rates common to all) as
// tables and one chart per payload size.

// Latency budgets of the sustainable-rate table.
var latencyBudgets = []float64{1000, 10000} // µs

// openAxes are the payload sizes and connection counts of the open-loop
// cells.
func (v *view) openAxes() (sizes, conns []int) { return v.axes(config.EchoOpen) }

// curvePoint is one measured point of a library's curve.
type curvePoint struct {
	at     string
	rate   float64 // offered msgs/s
	cell   *record.Cell
	server bool // the server set the pace (not client-limited)
}

// curve is lib's usable open-loop points at size and conns, by offered rate.
func (v *view) curve(lib string, size, conns int) []curvePoint {
	var pts []curvePoint
	for _, lp := range v.loadPoints(size, conns) {
		c := v.openCell(lib, size, conns, lp.at)
		if !usable(c) || c.Rate <= 0 {
			continue
		}
		pts = append(pts, curvePoint{at: lp.at, rate: c.Rate, cell: c, server: !hasFlag(c, record.StatusClientLimited)})
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].rate < pts[j].rate })
	return pts
}

// loadTables are the open-loop tables: latency at each common rate (tiered
// by p99), the highest load each library sustained within each latency
// budget, and server CPU per message along the ladder.
func (v *view) loadTables() []Table {
	if !v.has(config.EchoOpen) {
		return nil
	}
	sizes, conns := v.openAxes()
	var ts []Table
	for _, n := range conns {
		for _, s := range sizes {
			for _, lp := range v.loadPoints(s, n) {
				if lp.load == 0 {
					ts = append(ts, v.equalRateTable(s, n, lp))
				}
			}
			ts = append(ts, v.sustainableTable(s, n), v.cpuByLoadTable(s, n))
		}
	}
	return ts
}

// equalRateTable compares every library at one offered rate.
func (v *view) equalRateTable(size, conns int, lp loadPoint) Table {
	t := Table{
		ID: fmt.Sprintf("echo-open-latency-%d-%d-%s", size, conns, slug(lp.at)),
		Title: fmt.Sprintf("Echo latency at %s msgs/s offered to every library, open loop: %s, %s connections",
			fmtCount(lp.rate), fmtSize(size), fmtInt(conns)),
		Note: "Latency from each message's intended send time (coordinated omission corrected), median of trials; server CPU per message at this load. " +
			"*client-limited*: the load generator did not keep its schedule (it sent more than 1% short of the offered rate, or its send lag p99 exceeded the larger of 500 µs and one interval of the whole offered schedule; older runs: the rule they were recorded with), so the point is not ranked." +
			tierNote(v, "by p99, lower is better"),
		Header: []string{"library", "tier", "p50", "p90", "p99", "p99.9", "max", "server CPU µs/msg", "sent/s", "status"},
	}
	cells := map[string]*record.Cell{}
	for _, lib := range v.libs {
		if c := v.openCell(lib, size, conns, lp.at); c != nil {
			cells[lib] = c
		}
	}
	tiers := tierCells(cells, record.LatP99, false)
	for _, lib := range tiers.order(v.libs) {
		c := cells[lib]
		if c == nil {
			continue
		}
		row := []string{lib, tiers.label(lib)}
		for _, k := range []string{record.LatP50, record.LatP90, record.LatP99, record.LatP999, record.LatMax} {
			row = append(row, plain(c, k, fmtUS))
		}
		row = append(row, plain(c, record.ServerCPUUSPerMsg, fmtCPU), plain(c, record.RateAchieved, fmtCount), status(c))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// sustainableTable is each library's highest offered rate whose p99 stayed
// within each budget, among the points where the server set the pace.
func (v *view) sustainableTable(size, conns int) Table {
	t := Table{
		ID:    fmt.Sprintf("echo-sustainable-%d-%d", size, conns),
		Title: fmt.Sprintf("Highest offered load within a latency budget, open loop: %s, %s connections", fmtSize(size), fmtInt(conns)),
		Note: "For each library, the highest offered rate among its measured points (fractions of its own closed-loop capacity and the common rates) " +
			"whose median p99 stayed under the budget; client-limited points are left out. A library's true limit lies between this point and its next one. " +
			"Capacity is its closed-loop throughput at the same size and connections (several messages in flight).",
		Header: []string{"library", "capacity msgs/s"},
	}
	for _, b := range latencyBudgets {
		t.Header = append(t.Header, "p99 < "+fmtUS(b))
	}
	t.Header = append(t.Header, "points (client-limited)")
	for _, lib := range v.libs {
		pts := v.curve(lib, size, conns)
		if len(pts) == 0 {
			continue
		}
		row := []string{lib, plain(v.cell(lib, config.EchoClosed, size, conns), record.MsgsPerSec, fmtCount)}
		for _, b := range latencyBudgets {
			best := "none"
			for _, p := range pts {
				if p.server && p.cell.Median[record.LatP99] < b {
					best = fmtCount(p.rate) + " (" + p.at + ")"
				}
			}
			row = append(row, best)
		}
		limited := 0
		for _, p := range pts {
			if !p.server {
				limited++
			}
		}
		row = append(row, fmt.Sprintf("%d (%d)", len(pts), limited))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// cpuByLoadTable is server CPU per message at every point of the ladder:
// it falls as load rises, because a busy server handles several messages
// per wake-up and system call.
func (v *view) cpuByLoadTable(size, conns int) Table {
	pts := v.loadPoints(size, conns)
	t := Table{
		ID:    fmt.Sprintf("echo-cpu-by-load-%d-%d", size, conns),
		Title: fmt.Sprintf("Server CPU µs per message against offered load, open loop: %s, %s connections", fmtSize(size), fmtInt(conns)),
		Note: "Server CPU time per echoed message (median of trials) at each point, with the offered rate for the points given as a fraction of the library's capacity. " +
			"It falls as the load rises: a busy server handles several messages per wake-up. Compare libraries at the same column.",
		Header: []string{"library"},
	}
	for _, lp := range pts {
		if lp.load > 0 {
			t.Header = append(t.Header, lp.at+" of capacity")
		} else {
			t.Header = append(t.Header, "at "+fmtCount(lp.rate)+"/s")
		}
	}
	for _, lib := range v.libs {
		row := []string{lib}
		any := false
		for _, lp := range pts {
			c := v.openCell(lib, size, conns, lp.at)
			txt := plain(c, record.ServerCPUUSPerMsg, fmtCPU)
			if usable(c) {
				any = true
				if lp.load > 0 {
					txt += " at " + fmtCount(c.Rate) + "/s"
				}
				if hasFlag(c, record.StatusClientLimited) {
					txt += " *client-limited*"
				}
			}
			row = append(row, txt)
		}
		if any {
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

func slug(at string) string {
	out := []rune{}
	for _, r := range at {
		switch {
		case r == '%':
			out = append(out, []rune("pct")...)
		case r == '/':
			out = append(out, []rune("-per-")...)
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// loadChart plots p99 (solid) and p50 (dashed) latency against offered
// rate, one colour per library; hollow markers are client-limited points.
func (v *view) loadChart(title string, size, conns int) *plot.Plot {
	p := newPlot(title, "offered load (msgs/s)", "latency (log scale)")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = usTicks{}
	p.X.Tick.Marker = countTicks{}
	p.Legend.Left = true
	any := false
	xmax := 0.0
	for _, lib := range v.libs {
		pts := v.curve(lib, size, conns)
		if len(pts) == 0 {
			continue
		}
		for _, q := range []struct {
			key    string
			dashed bool
		}{{record.LatP99, false}, {record.LatP50, true}} {
			var xy plotter.XYs
			var filled, hollow plotter.XYs
			for _, pt := range pts {
				y := pt.cell.Median[q.key]
				if y <= 0 {
					continue
				}
				xy = append(xy, plotter.XY{X: pt.rate, Y: y})
				if pt.server {
					filled = append(filled, plotter.XY{X: pt.rate, Y: y})
				} else {
					hollow = append(hollow, plotter.XY{X: pt.rate, Y: y})
				}
				xmax = math.Max(xmax, pt.rate)
			}
			if len(xy) == 0 {
				continue
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				continue
			}
			l.Color = v.color(lib)
			l.Width = vg.Points(2)
			if q.dashed {
				l.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
				l.Width = vg.Points(1.5)
			}
			p.Add(l)
			for _, g := range []struct {
				pts   plotter.XYs
				shape draw.GlyphDrawer
			}{{filled, draw.CircleGlyph{}}, {hollow, draw.RingGlyph{}}} {
				if len(g.pts) == 0 {
					continue
				}
				s, err := plotter.NewScatter(g.pts)
				if err != nil {
					continue
				}
				s.Color, s.Shape, s.Radius = v.color(lib), g.shape, vg.Points(4)
				p.Add(s)
			}
			if !q.dashed {
				p.Legend.Add(lib, l)
			}
			any = true
		}
	}
	if !any {
		return nil
	}
	p.X.Min, p.X.Max = 0, xmax*1.05
	return p
}

// loadCharts are the latency-against-load charts, one per payload size and
// connection count.
func (v *view) loadCharts() []struct {
	chart Chart
	plot  *plot.Plot
} {
	var out []struct {
		chart Chart
		plot  *plot.Plot
	}
	sizes, conns := v.openAxes()
	for _, n := range conns {
		for _, s := range sizes {
			title := fmt.Sprintf("Echo latency against offered load, %s, %s connections", fmtSize(s), fmtInt(n))
			pl := v.loadChart(title, s, n)
			if pl == nil {
				continue
			}
			out = append(out, struct {
				chart Chart
				plot  *plot.Plot
			}{Chart{
				Section: fmt.Sprintf("echo-sustainable-%d-%d", s, n),
				File:    fmt.Sprintf("charts/latency-vs-load-%s-%dc.svg", sizeSlug(s), n),
				Title:   title + " (p99 solid, p50 dashed; hollow: client-limited)",
				Note:    fmt.Sprintf("open loop, median of %s; hollow points client-limited", v.trialsText()),
			}, pl})
		}
	}
	return out
}
