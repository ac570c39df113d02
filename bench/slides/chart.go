package slides

import (
	"fmt"
	"hash/fnv"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/wsbench/wsbench/bench/palette"
)

// Charts are drawn as inline SVG in a fixed coordinate space; the deck
// scales them with the slide. Type sizes are in that space: at 1280×720
// the chart box is about 0.74 of it, so 22 units are about 16 px.
const (
	chartW       = 1600.0
	chartH       = 680.0
	titleSize    = 28.0
	labelSize    = 24.0
	tickSize     = 22.0
	charW        = 0.56 // average glyph width per unit of type size (sans-serif)
	plotTop      = 64.0
	axisBelow    = 96.0 // room for ticks and the x label under the plot
	legendSwatch = 30.0
)

// bar is one row of a horizontal bar chart.
type bar struct {
	Label  string
	Value  float64
	Lo, Hi float64 // whiskers (min–max); both 0 for none
	Color  string
	Dashed bool   // second channel: a hatched bar
	Text   string // written right of the bar
	Tier   int    // 0: no tier
}

// barChart is one horizontal bar per row, top to bottom.
type barChart struct {
	Title, XLabel, YLabel string
	Rows                  []bar
	LogX                  bool
	Band                  [2]float64 // shaded interval of the value axis (0,0: none)
	RefLine               float64    // a vertical reference line (0: none)
	Ticks                 func(lo, hi float64) []float64
	Fmt                   func(float64) string
}

// point and series make a line chart.
type point struct {
	X, Y   float64
	Hollow bool
}

type series struct {
	Name   string
	Style  palette.Style
	Points []point
}

type lineChart struct {
	Title, XLabel, YLabel string
	Series                []series
	LogY                  bool
	FmtX, FmtY            func(float64) string
	Note                  string // one line under the legend
}

// segment and stackRow make a stacked bar chart.
type segment struct {
	Key   string
	Value float64
}

type stackRow struct {
	Label    string
	Segments []segment
}

type stackChart struct {
	Title, XLabel, YLabel string
	Keys                  []string // legend order
	Colors                map[string]string
	Rows                  []stackRow
}

type svgBuf struct {
	strings.Builder
	hatch string // ID of the hatch pattern
}

func (b *svgBuf) f(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

func (b *svgBuf) text(x, y, size float64, class, anchor, s string, extra ...string) {
	b.f(`<text class="%s" x="%.1f" y="%.1f" font-size="%.0f" text-anchor="%s"%s>%s</text>`,
		class, x, y, size, anchor, strings.Join(extra, ""), html.EscapeString(s))
}

func open(title string) *svgBuf {
	h := fnv.New32a()
	h.Write([]byte(title))
	// IDs are per chart: a pattern in another (hidden) slide's SVG would
	// not be drawn.
	b := &svgBuf{hatch: fmt.Sprintf("hatch-%08x", h.Sum32())}
	b.f(`<svg class="chart" viewBox="0 0 %.0f %.0f" preserveAspectRatio="xMidYMid meet" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		chartW, chartH, html.EscapeString(title))
	b.f(`<defs><pattern id="%s" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="10" fill="white" fill-opacity="0.55"/></pattern></defs>`, b.hatch)
	b.text(chartW/2, 32, titleSize, "title", "middle", title, ` font-weight="bold"`)
	return b
}

func (b *svgBuf) close() template.HTML {
	b.f(`</svg>`)
	return template.HTML(b.String())
}

func textWidth(s string, size float64) float64 { return float64(len([]rune(s))) * size * charW }

// axis maps values to a pixel range, linear or logarithmic.
type axis struct {
	lo, hi, p0, p1 float64
	log            bool
}

func (a axis) at(v float64) float64 {
	if a.log {
		v, lo, hi := math.Log10(math.Max(v, a.lo)), math.Log10(a.lo), math.Log10(a.hi)
		return a.p0 + (v-lo)/(hi-lo)*(a.p1-a.p0)
	}
	return a.p0 + (v-a.lo)/(a.hi-a.lo)*(a.p1-a.p0)
}

// linearTicks are about n round values from 0 to hi.
func linearTicks(lo, hi float64) []float64 {
	if hi <= lo {
		return []float64{lo}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ts []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		ts = append(ts, v)
	}
	return ts
}

// logTicks are 1, 2 and 5 times the powers of ten within [lo, hi], only
// the powers of ten when that makes more than 8.
func logTicks(lo, hi float64) []float64 {
	var all, tens []float64
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo*0.999 && v <= hi*1.001 {
				all = append(all, v)
				if m == 1 {
					tens = append(tens, v)
				}
			}
		}
	}
	if len(all) > 8 && len(tens) >= 2 {
		return tens
	}
	return all
}

// bars draws c.
func (c barChart) svg() template.HTML {
	b := open(c.Title)
	labelW := 0.0
	for _, r := range c.Rows {
		labelW = math.Max(labelW, textWidth(r.Label, tickSize))
	}
	textW := 0.0
	for _, r := range c.Rows {
		textW = math.Max(textW, textWidth(r.Text, tickSize))
	}
	left := 110 + labelW + 16
	right := chartW - 40 - textW - 12
	top, bottom := plotTop+8, chartH-axisBelow
	lo, hi := 0.0, 0.0
	for _, r := range c.Rows {
		hi = math.Max(hi, math.Max(r.Value, r.Hi))
	}
	if c.LogX {
		lo = math.Inf(1)
		for _, r := range c.Rows {
			if r.Value > 0 {
				lo = math.Min(lo, r.Value)
			}
		}
		lo = math.Min(lo/1.5, 0.5)
		if c.Band[1] > 0 {
			hi = math.Max(hi, c.Band[1])
		}
		hi *= 1.5
	} else {
		hi *= 1.08
	}
	if hi <= lo {
		hi = lo + 1
	}
	x := axis{lo: lo, hi: hi, p0: left, p1: right, log: c.LogX}
	n := float64(len(c.Rows))
	rowH := (bottom - top) / math.Max(n, 1)
	// Tier bands: alternate shading, the tier written at the right edge of
	// the plot.
	for i := 0; i < len(c.Rows); {
		j := i
		for j < len(c.Rows) && c.Rows[j].Tier == c.Rows[i].Tier {
			j++
		}
		if c.Rows[i].Tier > 0 {
			if c.Rows[i].Tier%2 == 1 {
				b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#eef2f7"/>`, 8.0, top+float64(i)*rowH, chartW-16, float64(j-i)*rowH)
			}
			b.text(64, top+float64(i)*rowH+tickSize+4, tickSize, "tick tier", "start", fmt.Sprintf("T%d", c.Rows[i].Tier), ` fill="#445"`)
		}
		i = j
	}
	if c.Band[1] > 0 {
		b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#009E73" fill-opacity="0.18"/>`, x.at(c.Band[0]), top, x.at(c.Band[1])-x.at(c.Band[0]), bottom-top)
	}
	ticks := c.Ticks
	if ticks == nil {
		ticks = linearTicks
		if c.LogX {
			ticks = logTicks
		}
	}
	for _, t := range ticks(lo, hi) {
		px := x.at(t)
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ccc" stroke-width="1"/>`, px, top, px, bottom)
		b.text(px, bottom+28, tickSize, "tick", "middle", c.Fmt(t))
	}
	if c.RefLine > 0 {
		px := x.at(c.RefLine)
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444" stroke-width="2.5"/>`, px, top, px, bottom)
	}
	for i, r := range c.Rows {
		y := top + float64(i)*rowH
		mid := y + rowH/2
		b.text(left-12, mid+tickSize*0.35, tickSize, "tick rowlabel", "end", r.Label)
		if r.Value > 0 {
			x0 := x.at(lo)
			if c.RefLine > 0 {
				x0 = x.at(c.RefLine)
			}
			x1 := x.at(r.Value)
			if x1 < x0 {
				x0, x1 = x1, x0
			}
			h := math.Min(rowH*0.62, 44)
			b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x0, mid-h/2, math.Max(x1-x0, 1), h, r.Color)
			if r.Dashed {
				b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="url(#%s)"/>`, x0, mid-h/2, math.Max(x1-x0, 1), h, b.hatch)
			}
			if r.Hi > r.Lo && r.Hi > 0 {
				w0, w1 := x.at(r.Lo), x.at(r.Hi)
				b.f(`<path d="M%.1f %.1fv%.1fM%.1f %.1fH%.1fM%.1f %.1fv%.1f" stroke="#222" stroke-width="2" fill="none"/>`,
					w0, mid-h/4, h/2, w0, mid, w1, w1, mid-h/4, h/2)
			}
		}
		end := x.at(math.Max(math.Max(r.Value, r.Hi), lo))
		if c.RefLine > 0 && r.Value < c.RefLine {
			end = x.at(c.RefLine)
		}
		b.text(end+10, mid+tickSize*0.35, tickSize, "value", "start", r.Text)
	}
	b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#222" stroke-width="2"/>`, left, bottom, right, bottom)
	b.text((left+right)/2, chartH-20, labelSize, "xlabel", "middle", c.XLabel)
	b.text(34, (top+bottom)/2, labelSize, "ylabel", "middle", c.YLabel, fmt.Sprintf(` transform="rotate(-90 34 %.1f)"`, (top+bottom)/2))
	return b.close()
}

// marker draws a palette marker at (x, y).
func marker(b *svgBuf, m palette.Marker, x, y, r float64, color string, hollow bool) {
	fill := color
	if hollow {
		fill = "white"
	}
	attrs := fmt.Sprintf(`fill="%s" stroke="%s" stroke-width="3"`, fill, color)
	cls := "marker"
	if hollow {
		cls += " hollow"
	}
	switch m {
	case palette.Square:
		b.f(`<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" %s/>`, cls, x-r, y-r, 2*r, 2*r, attrs)
	case palette.Triangle:
		b.f(`<path class="%s" d="M%.1f %.1fL%.1f %.1fL%.1f %.1fZ" %s/>`, cls, x, y-r*1.2, x+r*1.1, y+r*0.8, x-r*1.1, y+r*0.8, attrs)
	case palette.Diamond:
		b.f(`<path class="%s" d="M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ" %s/>`, cls, x, y-r*1.3, x+r*1.3, y, x, y+r*1.3, x-r*1.3, y, attrs)
	case palette.Cross:
		b.f(`<path class="%s" d="M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f" stroke="%s" stroke-width="4" fill="none"/>`, cls, x-r, y-r, x+r, y+r, x-r, y+r, x+r, y-r, color)
	default:
		b.f(`<circle class="%s" cx="%.1f" cy="%.1f" r="%.1f" %s/>`, cls, x, y, r, attrs)
	}
}

func dashAttr(s palette.Style) string {
	if len(s.Dash) == 0 {
		return ""
	}
	var parts []string
	for _, d := range s.Dash {
		parts = append(parts, fmt.Sprintf("%.0f", d*1.5))
	}
	return fmt.Sprintf(` stroke-dasharray="%s"`, strings.Join(parts, " "))
}

// svg draws c: one line per series with its markers, a legend on the
// right in series order.
func (c lineChart) svg() template.HTML {
	b := open(c.Title)
	legendW := 0.0
	for _, s := range c.Series {
		legendW = math.Max(legendW, textWidth(s.Name, tickSize))
	}
	legendW += legendSwatch + 60
	left, right := 150.0, chartW-legendW-30
	top, bottom := plotTop+16, chartH-axisBelow
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			xlo, xhi = math.Min(xlo, p.X), math.Max(xhi, p.X)
			ylo, yhi = math.Min(ylo, p.Y), math.Max(yhi, p.Y)
		}
	}
	pad := (xhi - xlo) * 0.05
	if pad == 0 {
		pad = math.Max(xlo*0.1, 1)
	}
	xlo, xhi = math.Max(0, xlo-pad), xhi+pad
	if c.LogY {
		ylo, yhi = ylo/1.4, yhi*1.4
	} else {
		ylo, yhi = 0, yhi*1.1
	}
	x := axis{lo: xlo, hi: xhi, p0: left, p1: right}
	y := axis{lo: ylo, hi: yhi, p0: bottom, p1: top, log: c.LogY}
	for _, t := range linearTicks(xlo, xhi) {
		px := x.at(t)
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, px, top, px, bottom)
		b.text(px, bottom+28, tickSize, "tick", "middle", c.FmtX(t))
	}
	yt := linearTicks(ylo, yhi)
	if c.LogY {
		yt = logTicks(ylo, yhi)
	}
	for _, t := range yt {
		py := y.at(t)
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, left, py, right, py)
		b.text(left-10, py+tickSize*0.35, tickSize, "tick", "end", c.FmtY(t))
	}
	b.f(`<path d="M%.1f %.1fV%.1fH%.1f" stroke="#222" stroke-width="2" fill="none"/>`, left, top, bottom, right)
	for _, s := range c.Series {
		col := s.Style.Hex()
		var d strings.Builder
		for i, p := range s.Points {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%.1f %.1f", cmd, x.at(p.X), y.at(p.Y))
		}
		b.f(`<path class="series" d="%s" stroke="%s" stroke-width="4" fill="none"%s/>`, d.String(), col, dashAttr(s.Style))
		for _, p := range s.Points {
			marker(b, s.Style.Marker, x.at(p.X), y.at(p.Y), 8, col, p.Hollow)
		}
	}
	// Legend.
	lx := right + 40
	for i, s := range c.Series {
		ly := top + 10 + float64(i)*(tickSize+14)
		col := s.Style.Hex()
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="4"%s/>`, lx, ly, lx+legendSwatch+10, ly, col, dashAttr(s.Style))
		marker(b, s.Style.Marker, lx+(legendSwatch+10)/2, ly, 7, col, false)
		b.text(lx+legendSwatch+22, ly+tickSize*0.35, tickSize, "tick legend", "start", s.Name)
	}
	if c.Note != "" {
		ly := top + 10 + float64(len(c.Series))*(tickSize+14) + 10
		marker(b, palette.Circle, lx+(legendSwatch+10)/2, ly, 7, "#444", true)
		b.text(lx+legendSwatch+22, ly+tickSize*0.35, tickSize, "tick legend", "start", c.Note)
	}
	b.text((left+right)/2, chartH-20, labelSize, "xlabel", "middle", c.XLabel)
	b.text(40, (top+bottom)/2, labelSize, "ylabel", "middle", c.YLabel, fmt.Sprintf(` transform="rotate(-90 40 %.1f)"`, (top+bottom)/2))
	return b.close()
}

// svg draws c: one stacked bar per row, segments in Keys order, a legend
// above the plot.
func (c stackChart) svg() template.HTML {
	b := open(c.Title)
	labelW := 0.0
	for _, r := range c.Rows {
		labelW = math.Max(labelW, textWidth(r.Label, tickSize))
	}
	left, right := 60+labelW+16, chartW-40
	top, bottom := plotTop+56, chartH-axisBelow
	// Legend in one row.
	lx := left
	for _, k := range c.Keys {
		b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, lx, plotTop+4, legendSwatch, tickSize, c.Colors[k])
		b.text(lx+legendSwatch+8, plotTop+4+tickSize*0.85, tickSize, "tick legend", "start", k)
		lx += legendSwatch + 8 + textWidth(k, tickSize*1.25) + 30 // capitals are wide
	}
	hi := 0.0
	for _, r := range c.Rows {
		t := 0.0
		for _, s := range r.Segments {
			t += s.Value
		}
		hi = math.Max(hi, t)
	}
	if hi == 0 {
		hi = 1
	}
	x := axis{lo: 0, hi: hi, p0: left, p1: right}
	for _, t := range linearTicks(0, hi) {
		px := x.at(t)
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, px, top, px, bottom)
		b.text(px, bottom+28, tickSize, "tick", "middle", trim(t, 3))
	}
	rowH := (bottom - top) / math.Max(float64(len(c.Rows)), 1)
	for i, r := range c.Rows {
		mid := top + float64(i)*rowH + rowH/2
		h := math.Min(rowH*0.62, 44)
		b.text(left-12, mid+tickSize*0.35, tickSize, "tick rowlabel", "end", r.Label)
		acc := 0.0
		for _, s := range r.Segments {
			if s.Value <= 0 {
				continue
			}
			b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
				x.at(acc), mid-h/2, x.at(acc+s.Value)-x.at(acc), h, c.Colors[s.Key], html.EscapeString(s.Key), trim(s.Value, 3))
			acc += s.Value
		}
	}
	b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#222" stroke-width="2"/>`, left, bottom, right, bottom)
	b.text((left+right)/2, chartH-20, labelSize, "xlabel", "middle", c.XLabel)
	b.text(34, (top+bottom)/2, labelSize, "ylabel", "middle", c.YLabel, fmt.Sprintf(` transform="rotate(-90 34 %.1f)"`, (top+bottom)/2))
	return b.close()
}
