package report

import (
	"fmt"
	"github.com/wsbench/wsbench/bench/analysis"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/palette"
)

// claimChartSection marks the claim chart: it goes into the claim section,
// not next to a results table.
const claimChartSection = "claim"

// claimChart is one horizontal bar per headline row (each side's first
// metric at the largest connection count: closed-loop throughput for
// request/response, p50 delivery latency for push) against the headline
// library: the ratio on a log axis from 1×, coloured and labelled by its
// verdict, with the claimed 5–10× band shaded. It returns nil when no row
// has a ratio.
func (v *view) claimChart(cl *Claim) (*plot.Plot, string) {
	hi := slices.Index(cl.Refs, cl.Headline)
	if hi < 0 {
		return nil, ""
	}
	rows := cl.HeadlineRows()
	lo, top := 0.5, 20.0
	any := false
	for _, r := range rows {
		if x := r.Refs[hi].Ratio; x > 0 && !math.IsInf(x, 0) {
			lo, top = math.Min(lo, x/1.5), math.Max(top, x*1.5)
			any = true
		}
	}
	if !any {
		return nil, ""
	}
	p := newPlot("Is WebSocket 5–10× faster than REST? Ratios against "+cl.Headline,
		"ratio (log scale), > 1: WebSocket better", "")
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = ratioTicks{}
	n := len(rows)
	ymin, ymax := -0.6, float64(n)-0.4

	if band, err := plotter.NewPolygon(plotter.XYs{{X: ClaimLow, Y: ymin}, {X: ClaimHigh, Y: ymin}, {X: ClaimHigh, Y: ymax}, {X: ClaimLow, Y: ymax}}); err == nil {
		band.Color = color.NRGBA{0x00, 0x9E, 0x73, 0x38}
		band.LineStyle.Width = 0
		p.Add(band)
	}
	if one, err := plotter.NewLine(plotter.XYs{{X: 1, Y: ymin}, {X: 1, Y: ymax}}); err == nil {
		one.Color = color.Gray{0x44}
		one.Width = vg.Points(1.5)
		p.Add(one)
	}
	names := make([]string, n)
	var lbl plotter.XYLabels
	var align []text.XAlignment
	for i, r := range rows {
		y := float64(n - 1 - i) // first row on top
		names[n-1-i] = chartName(r)
		x, verdict := r.Refs[hi].Ratio, r.Refs[hi].Verdict
		if verdict == VerdictNoData {
			lbl.XYs = append(lbl.XYs, plotter.XY{X: 1, Y: y})
			lbl.Labels = append(lbl.Labels, "  no data")
			align = append(align, text.XLeft)
			continue
		}
		bar, err := plotter.NewPolygon(plotter.XYs{{X: 1, Y: y - 0.32}, {X: x, Y: y - 0.32}, {X: x, Y: y + 0.32}, {X: 1, Y: y + 0.32}})
		if err != nil {
			continue
		}
		bar.LineStyle.Width = 0
		bar.Color = verdictColor(verdict)
		p.Add(bar)
		// Labels start right of the bar, or of the 1× line for a reversed
		// one, so that none needs room left of the axis.
		lbl.XYs = append(lbl.XYs, plotter.XY{X: math.Max(x, 1), Y: y})
		lbl.Labels = append(lbl.Labels, " "+fmtRatio(x)+" "+verdict)
		align = append(align, text.XLeft)
	}
	if l, err := plotter.NewLabels(lbl); err == nil {
		for i := range l.TextStyle {
			l.TextStyle[i].Font = font.From(sans, 12)
			l.TextStyle[i].XAlign = align[i]
			l.TextStyle[i].YAlign = text.YCenter
		}
		p.Add(l)
	}
	p.NominalY(names...)
	p.Y.Tick.Label.Font = font.From(sans, 12)
	p.X.Min, p.X.Max = lo, top
	p.Y.Min, p.Y.Max = ymin, ymax
	note := fmt.Sprintf("green band: the claimed 5–10×; ratio of medians of %d trials; %s", v.trials(), headlineNote(rows))
	return p, note
}

// verdictColor is a bar's colour (Okabe–Ito): blue stronger, green
// holds, orange short of the claim (WebSocket ahead by less than 5×), vermillion reversed.
func verdictColor(verdict string) color.Color {
	switch verdict {
	case VerdictStronger:
		return palette.Blue
	case VerdictHolds:
		return palette.BluishGreen
	case VerdictWeaker:
		return palette.Orange
	default:
		return palette.Vermillion
	}
}

// chartName is a bar's label: the side in a few words, the size and the
// metric.
func chartName(r ClaimRow) string {
	c := r.OtherCell
	var side string
	switch c.VariantOrDefault() {
	case config.VariantHTTPKeepAlive:
		side = "REST keep-alive"
	case config.VariantHTTPNewConn:
		side = "REST new conn per request"
	case config.VariantPoll:
		side = "REST poll"
		if ms := pollMS(c); ms > 0 {
			side += " every " + fmtUS(ms*1000)
		}
	case config.VariantLongPoll:
		side = "REST long poll"
	case config.VariantSSE:
		side = "SSE"
	case config.VariantSockJSXHRStreaming:
		side = "SockJS xhr-streaming"
	case config.VariantSockJSXHRPolling:
		side = "SockJS xhr-polling"
	default:
		side = c.Row()
	}
	if !analysis.RoleOf(c.Lib).Reference() && c.Proto != "sockjs" {
		side += " (" + c.Lib + ")"
	}
	what := "throughput"
	if c.Scenario == config.Broadcast {
		what = "p50 delivery"
	}
	return fmt.Sprintf("%s · %s · %s", side, fmtSize(c.PayloadBytes), what)
}

// headlineNote states the conditions of the charted rows.
func headlineNote(rows []ClaimRow) string {
	var parts []string
	seen := map[string]bool{}
	for _, r := range rows {
		c := r.OtherCell
		var s string
		if c.Scenario == "broadcast" {
			s = fmt.Sprintf("push: p50 delivery, %s subscribers, %s msgs/s", fmtInt(c.Conns), fmtCount(c.Rate))
		} else {
			s = fmt.Sprintf("echo: closed-loop msgs/s, %s conns", fmtInt(c.Conns))
		}
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// ratioTicks labels a log axis of ratios at 1, 2 and 5 times the powers
// of ten when it spans few decades, else at the powers of ten and 5×.
type ratioTicks struct{}

func (ratioTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	steps := []float64{1, 2, 5}
	if math.Log10(max/min) > 2.5 {
		steps = []float64{1}
	}
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		for _, m := range steps {
			val := m * math.Pow(10, e)
			if val < min || val > max {
				continue
			}
			ts = append(ts, plot.Tick{Value: val, Label: trim(val, 3) + "×"})
		}
	}
	return ts
}
