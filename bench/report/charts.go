package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/palette"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/result"
)

// Chart is one SVG written by Charts.
type Chart struct {
	// Note ends the chart's caption: how its numbers were reduced.
	Note    string
	Section string // table ID prefix the chart belongs next to
	File    string // relative to the run directory
	Title   string
}

// Slide geometry: 16:9, large type, a caption strip with machine and date.
const (
	chartW   = 10 * vg.Inch
	chartH   = 5.625 * vg.Inch
	captionH = 0.4 * vg.Inch
)

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// color is lib's colour, the same in every chart and slide (bench/palette).
func (v *view) color(lib string) color.Color { return palette.New(v.libs).Style(lib).Color }

// dashes is lib's line dash, the second channel when colours run out.
func (v *view) dashes(lib string) []vg.Length {
	var d []vg.Length
	for _, x := range palette.New(v.libs).Style(lib).Dash {
		d = append(d, vg.Points(x))
	}
	return d
}

// Charts writes every chart of the run under dir/charts and returns them.
func Charts(run *record.Run, dir string) ([]Chart, error) {
	v := newView(run)
	if err := os.MkdirAll(filepath.Join(dir, "charts"), 0o755); err != nil {
		return nil, err
	}
	var out []Chart
	add := func(c Chart, p *plot.Plot) error {
		if p == nil {
			return nil
		}
		if err := v.save(p, filepath.Join(dir, c.File), c.Note); err != nil {
			return fmt.Errorf("chart %s: %w", c.File, err)
		}
		out = append(out, c)
		return nil
	}
	sizes, conns := v.axes(config.EchoClosed)
	spec := v.spec(config.EchoClosed)
	for _, n := range conns {
		for _, s := range sizes {
			title := fmt.Sprintf("Echo throughput, %s messages, %s connections", fmtSize(s), fmtInt(n))
			p := v.bars(title, "messages per second (higher is better)", record.MsgsPerSec, 1, fmtCount,
				func(lib string) *record.Cell { return v.cell(lib, config.EchoClosed, s, n) })
			name := fmt.Sprintf("charts/echo-throughput-%s-%dc.svg", sizeSlug(s), n)
			if err := add(Chart{Section: fmt.Sprintf("echo-throughput-%d", n), File: name, Note: v.barNote(),
				Title: title + fmt.Sprintf(" (closed loop, %d in flight, HTTP 1)", spec.Window)}, p); err != nil {
				return out, err
			}
		}
	}
	for _, lc := range v.loadCharts() {
		if err := add(lc.chart, lc.plot); err != nil {
			return out, err
		}
	}
	for _, sc := range []config.Scenario{config.EchoClosed} {
		sizes, conns := v.axes(sc)
		for _, n := range conns {
			for _, s := range sizes {
				mode := "closed loop (not a ranking: see the latency table)"
				title := fmt.Sprintf("Echo latency by percentile, %s, %s, %s conns", mode, fmtSize(s), fmtInt(n))
				p := v.curves(title, func(lib string) *record.Cell { return v.cell(lib, sc, s, n) })
				name := fmt.Sprintf("charts/%s-latency-%s-%dc.svg", sc, sizeSlug(s), n)
				note := fmt.Sprintf("the median trial of %d", v.trials())
				if err := add(Chart{Section: fmt.Sprintf("%s-latency-%d-%d", sc, s, n), File: name, Title: title, Note: note}, p); err != nil {
					return out, err
				}
			}
		}
	}
	bsizes, _ := v.axes(config.Broadcast)
	for _, s := range bsizes {
		for _, m := range []struct{ id, key, what string }{
			{"delivery", record.LatP99, "per-delivery p99 latency"},
			{"last", record.LastP99, "p99 time to the last subscriber"},
		} {
			title := fmt.Sprintf("Broadcast %s, %s messages", m.what, fmtSize(s))
			p := v.versusConns(title, m.key, config.Broadcast, s)
			name := fmt.Sprintf("charts/broadcast-%s-%s.svg", m.id, sizeSlug(s))
			note := fmt.Sprintf("median of %d trials", v.trials())
			if err := add(Chart{Section: fmt.Sprintf("broadcast-%s-%d", m.id, s), File: name, Title: title, Note: note}, p); err != nil {
				return out, err
			}
		}
	}
	_, cconns := v.axes(config.Connect)
	for _, n := range cconns {
		title := fmt.Sprintf("Server memory per idle connection, %s connections", fmtInt(n))
		p := v.bars(title, "KiB of RSS per connection (lower is better)", record.ServerRSSPerConn, 1024,
			func(x float64) string { return trim(x, 3) + " KiB" },
			func(lib string) *record.Cell { return v.cell(lib, config.Connect, 0, n) })
		name := fmt.Sprintf("charts/memory-per-conn-%dc.svg", n)
		if err := add(Chart{Section: "memory", File: name, Title: title, Note: v.barNote()}, p); err != nil {
			return out, err
		}
	}
	if cl := BuildClaim(run); cl.Missing == "" {
		if p, note := v.claimChart(cl); p != nil {
			title := "The 5–10× claim: WebSocket (" + cl.Headline + ") against REST and the emulation transports"
			if err := add(Chart{Section: claimChartSection, File: "charts/claim-ratios.svg", Title: title, Note: note}, p); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func sizeSlug(n int) string { return strings.ReplaceAll(fmtSize(n), " ", "") }

// newPlot is a plot with slide-sized type.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 20)
	p.Title.Padding = 0.15 * vg.Inch
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 16)
		a.Tick.Label.Font = font.From(sans, 14)
		a.Padding = 0.1 * vg.Inch
	}
	p.Legend.TextStyle.Font = font.From(sans, 14)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = 0.4 * vg.Inch
	return p
}

// caption is the line under every chart: machine, split, Go, date, and
// note (how the trials were reduced).
func (v *view) caption(note string) string {
	e := v.run.Environment
	date := v.run.StartedAt
	if t, err := time.Parse(time.RFC3339, date); err == nil {
		date = t.Format("2006-01-02")
	}
	split := ""
	if len(e.Split.ServerCPUs) > 0 {
		split = fmt.Sprintf(" (server CPU %s, load generator CPU %s%s)", cpus(e.Split.ServerCPUs), cpus(e.Split.ClientCPUs), map[bool]string{true: "", false: ", not pinned"}[e.Split.Pinned])
	}
	return fmt.Sprintf("%s, %d cores%s · Linux %s · %s · %s · %s · run %s",
		e.CPUModel, e.Cores, split, e.Kernel, e.GoVersion, date, note, v.run.Name)
}

func cpus(c []int) string {
	var s []string
	for _, n := range c {
		s = append(s, fmt.Sprint(n))
	}
	return strings.Join(s, ",")
}

// save draws p above the caption strip and writes an SVG whose text falls
// back to common sans-serif fonts where Liberation Sans is missing.
func (v *view) save(p *plot.Plot, path, note string) error {
	c := vgsvg.New(chartW, chartH)
	dc := draw.New(c)
	p.Draw(draw.Crop(dc, 0, 0, captionH, 0))
	sty := draw.TextStyle{
		Color:   color.Gray{0x55},
		Font:    font.From(sans, 10),
		XAlign:  draw.XCenter,
		YAlign:  draw.YCenter,
		Handler: p.TextHandler,
	}
	// The caption wraps onto a second line when it is wider than the slide.
	lines := wrapCaption(v.caption(note), sty.Width, chartW*8/10) // room for a wider fallback font
	lh := captionH / vg.Length(len(lines)+1)
	for i, line := range lines {
		dc.FillText(sty, vg.Point{X: chartW / 2, Y: captionH - lh*vg.Length(i+1)}, line)
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return err
	}
	out := strings.ReplaceAll(buf.String(), "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	return os.WriteFile(path, []byte(out), 0o644)
}

// wrapCaption splits a " · "-separated caption into lines no wider than
// max, breaking only between its parts.
func wrapCaption(text string, width func(string) vg.Length, max vg.Length) []string {
	var lines []string
	cur := ""
	for _, part := range strings.Split(text, " · ") {
		next := part
		if cur != "" {
			next = cur + " · " + part
		}
		if cur != "" && width(next) > max {
			lines = append(lines, cur)
			next = part
		}
		cur = next
	}
	return append(lines, cur)
}

func (v *view) barNote() string {
	return fmt.Sprintf("median of %d trials, whiskers min–max", v.trials())
}

// bars is one bar per library with min–max whiskers and the median written
// above; failed cells get a "failed" label and no bar. Values are divided by
// unit before plotting and formatting. It returns nil when no library has a
// number.
func (v *view) bars(title, ylabel, key string, unit float64, f func(float64) string, cell func(lib string) *record.Cell) *plot.Plot {
	p := newPlot(title, "", ylabel)
	var names []string
	var lbl plotter.XYLabels
	var errs struct {
		plotter.XYs
		plotter.YErrors
	}
	any := false
	ymax := 0.0
	for i, lib := range v.libs {
		c := cell(lib)
		names = append(names, lib)
		if c == nil {
			continue
		}
		if !usable(c) {
			lbl.XYs = append(lbl.XYs, plotter.XY{X: float64(i), Y: 0})
			lbl.Labels = append(lbl.Labels, c.Status)
			continue
		}
		med, ok := c.Median[key]
		if !ok {
			continue
		}
		med /= unit
		lo, hi := c.Min[key]/unit, c.Max[key]/unit
		any = true
		bar, err := plotter.NewBarChart(plotter.Values{med}, 0.5*vg.Inch)
		if err != nil {
			continue
		}
		bar.XMin = float64(i)
		bar.Color = v.color(lib)
		bar.LineStyle.Width = 0
		if c.Status != record.StatusOK {
			bar.Color = lighten(bar.Color)
		}
		p.Add(bar)
		errs.XYs = append(errs.XYs, plotter.XY{X: float64(i), Y: med})
		errs.YErrors = append(errs.YErrors, struct{ Low, High float64 }{med - lo, hi - med})
		label := f(med)
		if c.Status != record.StatusOK {
			label += "\n" + c.Status
		}
		lbl.XYs = append(lbl.XYs, plotter.XY{X: float64(i), Y: hi})
		lbl.Labels = append(lbl.Labels, label)
		ymax = math.Max(ymax, hi)
	}
	if !any {
		return nil
	}
	if eb, err := plotter.NewYErrorBars(errs); err == nil {
		eb.LineStyle.Width = vg.Points(1.5)
		eb.CapWidth = 0.2 * vg.Inch
		p.Add(eb)
	}
	if l, err := plotter.NewLabels(lbl); err == nil {
		for i := range l.TextStyle {
			l.TextStyle[i].Font = font.From(sans, 13)
			l.TextStyle[i].XAlign = text.XCenter
		}
		l.Offset = vg.Point{Y: 0.08 * vg.Inch}
		p.Add(l)
	}
	p.NominalX(names...)
	// Half a slot of margin each side, so the outer bars and their labels
	// stay inside the plot.
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	p.Y.Min = 0
	p.Y.Max = ymax * 1.18 // room for the labels
	p.Y.Tick.Marker = countTicks{}
	return p
}

func lighten(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(x uint32) uint8 { return uint8((x>>8)/2 + 0x80) }
	return color.RGBA{mix(r), mix(g), mix(b), 0xff}
}

// countTicks labels a linear axis with compact counts (50k, 1.2M).
type countTicks struct{}

func (countTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = fmtCount(ts[i].Value)
		}
	}
	return ts
}

// percentileX maps a percentile (0–100) to the HDR x axis: each 9 adds
// one unit (90% → 1, 99% → 2, 99.9% → 3).
func percentileX(p float64) float64 { return -math.Log10(1 - p/100) }

// curves is the HDR-style latency-by-percentile chart of the median trial
// of each library's cell. It returns nil when no cell has a curve.
func (v *view) curves(title string, cell func(lib string) *record.Cell) *plot.Plot {
	p := newPlot(title, "percentile", "latency (log scale)")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = usTicks{}
	p.Legend.Left = true
	maxX := 0.0
	any := false
	for _, lib := range v.libs {
		c := cell(lib)
		if !usable(c) || c.MedianTrial < 0 || c.MedianTrial >= len(c.Trials) || c.Trials[c.MedianTrial].Result == nil {
			continue
		}
		pts := curvePoints(c.Trials[c.MedianTrial].Result.LatencyCurve)
		if len(pts) < 2 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			continue
		}
		l.Color = v.color(lib)
		l.Dashes = v.dashes(lib)
		l.Width = vg.Points(2.5)
		p.Add(l)
		name := lib
		if c.Status != record.StatusOK {
			name += " (" + c.Status + ")"
		}
		p.Legend.Add(name, l)
		maxX = math.Max(maxX, pts[len(pts)-1].X)
		any = true
	}
	if !any {
		return nil
	}
	p.X.Min = 0
	p.X.Max = math.Max(2, maxX*1.03)
	p.X.Tick.Marker = percentileTicks{}
	return p
}

// curvePoints converts a latency curve to plot points, dropping the 100th
// percentile (infinite on this axis) and non-positive latencies.
func curvePoints(curve []result.Point) plotter.XYs {
	var pts plotter.XYs
	for _, pt := range curve {
		pc := pt.Percentile
		if pc < 0 || pc >= 100 || pt.US <= 0 {
			continue
		}
		x := percentileX(pc)
		if len(pts) > 0 && x <= pts[len(pts)-1].X {
			continue
		}
		pts = append(pts, plotter.XY{X: x, Y: pt.US})
	}
	return pts
}

type percentileTicks struct{}

func (percentileTicks) Ticks(min, max float64) []plot.Tick {
	labels := []string{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"}
	var ts []plot.Tick
	for i, l := range labels {
		if float64(i) > max {
			break
		}
		ts = append(ts, plot.Tick{Value: float64(i), Label: l})
	}
	return ts
}

// usTicks labels a log axis of microseconds with units (10 µs, 1 ms): at
// 1, 2 and 5 times each power of ten when the axis spans few decades, at
// powers of ten only otherwise.
type usTicks struct{}

func (usTicks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= min {
		return plot.LogTicks{}.Ticks(math.Max(min, 1e-3), math.Max(max, 1))
	}
	dense := math.Log10(max/min) <= 2.5
	var ts []plot.Tick
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		for _, m := range []float64{1, 2, 3, 4, 5, 6, 7, 8, 9} {
			val := m * math.Pow(10, e)
			if val < min || val > max {
				continue
			}
			t := plot.Tick{Value: val}
			if m == 1 || (dense && (m == 2 || m == 5)) {
				t.Label = fmtUS(val)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// versusConns plots key against the connection count, one line per
// library, both axes logarithmic.
func (v *view) versusConns(title, key string, sc config.Scenario, size int) *plot.Plot {
	_, conns := v.axes(sc)
	if len(conns) == 0 {
		return nil
	}
	p := newPlot(title, "subscribers", "latency (log scale)")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = usTicks{}
	p.Legend.Left = true
	if len(conns) > 1 {
		p.X.Scale = plot.LogScale{}
	}
	var ticks []plot.Tick
	for _, n := range conns {
		ticks = append(ticks, plot.Tick{Value: float64(n), Label: fmtInt(n)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	any := false
	for _, lib := range v.libs {
		var pts plotter.XYs
		for _, n := range conns {
			c := v.cell(lib, sc, size, n)
			if !usable(c) {
				continue
			}
			if y, ok := c.Median[key]; ok && y > 0 {
				pts = append(pts, plotter.XY{X: float64(n), Y: y})
			}
		}
		if len(pts) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			continue
		}
		l.Color, s.Color = v.color(lib), v.color(lib)
		l.Dashes = v.dashes(lib)
		l.Width = vg.Points(2.5)
		s.Radius = vg.Points(4)
		s.Shape = draw.CircleGlyph{}
		p.Add(l, s)
		p.Legend.Add(lib, l, s)
		any = true
	}
	if !any {
		return nil
	}
	if len(conns) == 1 {
		p.X.Min, p.X.Max = float64(conns[0])*0.5, float64(conns[0])*1.5
	} else {
		p.X.Min, p.X.Max = float64(conns[0])/1.3, float64(conns[len(conns)-1])*1.3
	}
	return p
}
