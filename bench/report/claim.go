package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/results"
)

// The claim section tests "WebSockets are 5-10x faster than REST" row by
// row: every cell that delivers the same job without a WebSocket (HTTP
// echo with keep-alive or a new connection per request, polling, long
// polling, Server-Sent Events, the SockJS emulation transports) is set
// against the WebSocket cells of the same scenario, payload size,
// connection count and rate. Every figure comes from the run's cells.

// The band the claim states.
const (
	ClaimLow  = 5.0
	ClaimHigh = 10.0
)

// Verdicts of one ratio.
const (
	VerdictHolds    = "holds"    // 5× to 10×
	VerdictStronger = "stronger" // above 10×
	VerdictWeaker   = "weaker"   // 1× to 5×
	VerdictReversed = "reversed" // below 1×: the other side is better
	VerdictNoData   = "no data"  // a cell is missing or failed
)

// VerdictOf classifies a ratio oriented so that above 1 WebSocket is
// better. The band is inclusive: exactly 5 and exactly 10 hold.
func VerdictOf(ratio float64) string {
	switch {
	case math.IsNaN(ratio) || math.IsInf(ratio, 0) || ratio <= 0:
		return VerdictNoData
	case ratio > ClaimHigh:
		return VerdictStronger
	case ratio >= ClaimLow:
		return VerdictHolds
	case ratio >= 1:
		return VerdictWeaker
	default:
		return VerdictReversed
	}
}

// roundRatio rounds to the 3 significant digits shown, so that the
// verdict agrees with the figure a reader sees.
func roundRatio(r float64) float64 {
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return r
	}
	p := math.Pow(10, 2-math.Floor(math.Log10(r)))
	return math.Round(r*p) / p
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return "–"
	}
	return trim(r, 3) + "×"
}

// claimMetric is one compared figure.
type claimMetric struct {
	key    string
	label  string
	short  string // for the summary and the chart
	higher bool   // higher is better (throughput); else lower is better
	format func(float64) string
}

var (
	cmThroughput = claimMetric{results.MsgsPerSec, "throughput (msgs/s), closed loop", "throughput", true, fmtCount}
	cmOpenP50    = claimMetric{results.LatP50, "latency p50, open loop", "latency", false, fmtUS}
	cmOpenP99    = claimMetric{results.LatP99, "latency p99, open loop", "latency", false, fmtUS}
	cmEchoBytes  = claimMetric{results.BytesPerMsg, "bytes on the wire per message", "bytes", false, fmtWire}
	cmEchoCPU    = claimMetric{results.ServerCPUUSPerMsg, "server CPU µs per message", "CPU", false, fmtCPU}
	cmPushP50    = claimMetric{results.LatP50, "delivery latency p50", "latency", false, fmtUS}
	cmPushP99    = claimMetric{results.LatP99, "delivery latency p99", "latency", false, fmtUS}
	cmPushLast   = claimMetric{results.LastP99, "p99 to the last subscriber", "latency", false, fmtUS}
	cmPushBytes  = claimMetric{results.BytesPerMsg, "bytes on the wire per delivered message", "bytes", false, fmtWire}
	cmPushCPU    = claimMetric{results.ServerCPUUSPerMsg, "server CPU µs per delivered message", "CPU", false, fmtCPU}
)

// scMetric is a metric taken from cells of one scenario.
type scMetric struct {
	sc config.Scenario
	m  claimMetric
}

// claimGroup is one kind of job: request/response or server push.
type claimGroup struct {
	id, title, other string
	metrics          []scMetric
}

var claimGroups = []claimGroup{
	{"claim-request-response", "Request/response: HTTP POST /echo against WebSocket echo", "REST", []scMetric{
		// Closed-loop latency is not compared: WebSocket connections carry
		// several echoes in flight and HTTP/1.1 ones a single request, so at
		// saturation it measures queue depth, not the protocol (it is in the
		// detail table). Latency is compared in open loop, at one offered rate.
		{config.EchoClosed, cmThroughput},
		{config.EchoOpen, cmOpenP50}, {config.EchoOpen, cmOpenP99},
		{config.EchoClosed, cmEchoBytes}, {config.EchoClosed, cmEchoCPU},
	}},
	{"claim-push", "Server push: one publisher at a fixed rate to N subscribers, against WebSocket broadcast", "REST or emulation", []scMetric{
		{config.Broadcast, cmPushP50}, {config.Broadcast, cmPushP99}, {config.Broadcast, cmPushLast},
		{config.Broadcast, cmPushBytes}, {config.Broadcast, cmPushCPU},
	}},
}

func (g claimGroup) has(sc config.Scenario) bool {
	return slices.ContainsFunc(g.metrics, func(m scMetric) bool { return m.sc == sc })
}

// ClaimRatio is one row's comparison with one WebSocket library.
type ClaimRatio struct {
	Lib     string
	Value   string  // the WebSocket figure as shown
	Ratio   float64 // oriented (>1: WebSocket better), rounded to 3 digits; NaN without data
	Verdict string  // one of the Verdict constants
	Text    string  // the verdict with how much and the caveats
}

// ClaimRow is one comparison and metric under its conditions.
type ClaimRow struct {
	Group      string // claimGroup id
	Side       string // the non-WebSocket way, e.g. "REST long polling"
	Metric     string
	Short      string // the metric in a word: throughput, latency, bytes, CPU
	Conditions string
	Other      string // the non-WebSocket figure as shown
	OtherCell  *results.Cell
	Refs       []ClaimRatio // one per Claim.Refs, same order
	headline   bool         // shown in the chart
}

// Claim is the whole comparison.
type Claim struct {
	// Refs are the WebSocket libraries compared with: the fastest of the
	// run (by closed-loop echo throughput), then gorilla, the common
	// choice, when it is not the fastest.
	Refs    []string
	Fastest string
	// Headline is the reference of the chart and of the summary: gorilla
	// when it ran, else the fastest.
	Headline string
	Rows     []ClaimRow
	// Missing says why there is nothing to compare ("" when there is).
	Missing string
	wsLibs  int // WebSocket libraries in the run
}

// BuildClaim computes the claim section of run.
func BuildClaim(run *results.Run) *Claim {
	v := newView(run)
	cl := &Claim{}
	for _, lib := range v.libs {
		if v.isWS(lib) {
			cl.wsLibs++
		}
	}
	cl.Fastest = v.fastestWS()
	if cl.Fastest != "" {
		cl.Refs = append(cl.Refs, cl.Fastest)
	}
	if cl.Fastest != "gorilla" && v.isWS("gorilla") {
		cl.Refs = append(cl.Refs, "gorilla")
	}
	switch {
	case len(cl.Refs) == 0:
		cl.Missing = "no WebSocket library ran"
		return cl
	case slices.Contains(cl.Refs, "gorilla"):
		cl.Headline = "gorilla"
	default:
		cl.Headline = cl.Refs[0]
	}
	for _, g := range claimGroups {
		cl.Rows = append(cl.Rows, v.claimRows(g, cl.Refs)...)
	}
	if len(cl.Rows) == 0 {
		cl.Missing = "no REST or WebSocket-emulation cell ran next to a WebSocket one"
	}
	return cl
}

// isWS reports whether lib ran over plain WebSocket.
func (v *view) isWS(lib string) bool {
	for _, c := range v.run.Cells {
		if c.Lib == lib {
			return c.Proto == "ws"
		}
	}
	return false
}

// fastestWS picks the WebSocket library with the most usable closed-loop
// echo cells and, among those, the highest geometric mean of their
// throughput; without echo cells it falls back to the first WebSocket
// library.
func (v *view) fastestWS() string {
	type score struct {
		lib string
		n   int
		geo float64
	}
	var best *score
	first := ""
	for _, lib := range v.libs {
		if !v.isWS(lib) {
			continue
		}
		if first == "" {
			first = lib
		}
		s := score{lib: lib}
		logSum := 0.0
		for _, c := range v.run.Cells {
			if c.Lib != lib || c.Extra || c.Scenario != config.EchoClosed || !usable(&c) {
				continue
			}
			if x := c.Median[results.MsgsPerSec]; x > 0 {
				s.n++
				logSum += math.Log(x)
			}
		}
		if s.n == 0 {
			continue
		}
		s.geo = math.Exp(logSum / float64(s.n))
		if best == nil || s.n > best.n || (s.n == best.n && s.geo > best.geo) {
			best = &s
		}
	}
	if best == nil {
		return first
	}
	return best.lib
}

// isOther reports whether c does the job without a WebSocket: any HTTP
// cell, or a SockJS emulation transport.
func isOther(c *results.Cell) bool {
	switch c.VariantOrDefault() {
	case config.VariantWS, config.VariantSockJSWebSocket:
		return false
	}
	return true
}

// variantOrder sorts the non-WebSocket sides: by variant in
// config.Variants order, then polling interval, then library.
func variantOrder(a, b *results.Cell) int {
	ia := slices.Index(config.Variants, a.VariantOrDefault())
	ib := slices.Index(config.Variants, b.VariantOrDefault())
	if ia != ib {
		return ia - ib
	}
	if pa, pb := pollMS(a), pollMS(b); pa != pb {
		if pa < pb {
			return -1
		}
		return 1
	}
	return strings.Compare(a.Lib, b.Lib)
}

// pollMS is a polling cell's interval in ms, from the cell or else from
// its trials (the load generator's default when the matrix left it).
func pollMS(c *results.Cell) float64 {
	if c.PollIntervalMS > 0 {
		return c.PollIntervalMS
	}
	for _, t := range c.Trials {
		if t.Result != nil && t.Result.PollInterval > 0 {
			return t.Result.PollInterval
		}
	}
	return 0
}

// sideName is the non-WebSocket way of c in plain English.
func sideName(c *results.Cell) string {
	v := c.VariantOrDefault()
	s := v.Describe()
	if v == config.VariantPoll {
		if ms := pollMS(c); ms > 0 {
			s += " every " + fmtUS(ms*1000)
		}
	}
	if c.Lib != "rest" && c.Lib != "sockjs" {
		s += " (" + c.Lib + ")"
	}
	return s
}

// sideShort names the non-WebSocket side in a reversed verdict.
func sideShort(c *results.Cell) string {
	return strings.TrimSuffix(sideName(c), " (WebSocket emulation)")
}

// claimTags marks a figure that needs care: client-bound applies to
// closed-loop throughput only, noisy to every figure of the cell.
func claimTags(c *results.Cell, m claimMetric) string {
	if !usable(c) {
		return ""
	}
	var t []string
	if m.key == results.MsgsPerSec && hasFlag(c, results.StatusClientBound) {
		t = append(t, "*"+results.StatusClientBound+"*")
	}
	if hasFlag(c, results.StatusNoisy) {
		t = append(t, "*"+results.StatusNoisy+"*")
	}
	if len(t) == 0 {
		return ""
	}
	return " " + strings.Join(t, " ")
}

// conditions states what a row's cells share.
func (v *view) conditions(c *results.Cell) string {
	parts := []string{fmtSize(c.PayloadBytes)}
	switch c.Scenario {
	case config.EchoClosed:
		parts = append(parts, fmtInt(c.Conns)+" conns", fmt.Sprintf("in flight per connection: HTTP %d, WebSocket %d", max(c.Window, 1), v.wsWindow()))
	case config.EchoOpen:
		parts = append(parts, fmtInt(c.Conns)+" conns", fmtCount(c.Rate)+" msgs/s offered")
	case config.Broadcast:
		parts = append(parts, fmtInt(c.Conns)+" subscribers", fmtCount(c.Rate)+" msgs/s published")
		if c.VariantOrDefault() == config.VariantPoll {
			if ms := pollMS(c); ms > 0 {
				parts = append(parts, "poll every "+fmtUS(ms*1000))
			}
		}
	}
	return strings.Join(parts, ", ")
}

// wsWindow is the closed-loop window of the run's WebSocket echo cells.
func (v *view) wsWindow() int {
	for i := range v.run.Cells {
		c := &v.run.Cells[i]
		if c.Scenario == config.EchoClosed && v.isWS(c.Lib) && c.Window > 0 {
			return c.Window
		}
	}
	return 1
}

// claimRows are the rows of group g: for each non-WebSocket side, each
// metric, each size and connection count.
func (v *view) claimRows(g claimGroup, refs []string) []ClaimRow {
	var others []*results.Cell
	for i := range v.run.Cells {
		c := &v.run.Cells[i]
		if g.has(c.Scenario) && isOther(c) {
			others = append(others, c)
		}
	}
	sort.SliceStable(others, func(i, j int) bool {
		a, b := others[i], others[j]
		if d := variantOrder(a, b); d != 0 {
			return d < 0
		}
		if a.PayloadBytes != b.PayloadBytes {
			return a.PayloadBytes < b.PayloadBytes
		}
		return a.Conns < b.Conns
	})
	var sides []string
	bySide := map[string][]*results.Cell{}
	for _, c := range others {
		name := sideName(c)
		if _, ok := bySide[name]; !ok {
			sides = append(sides, name)
		}
		bySide[name] = append(bySide[name], c)
	}
	// The chart shows each side's first metric at the largest connection
	// count: throughput for request/response, p50 delivery for push.
	maxConns := 0
	for _, c := range others {
		maxConns = max(maxConns, c.Conns)
	}
	var rows []ClaimRow
	for _, side := range sides {
		for mi, sm := range g.metrics {
			for _, c := range bySide[side] {
				if c.Scenario != sm.sc {
					continue
				}
				row := ClaimRow{
					Group:      g.id,
					Side:       side,
					Metric:     sm.m.label,
					Short:      sm.m.short,
					Conditions: v.conditions(c),
					Other:      plain(c, sm.m.key, sm.m.format) + claimTags(c, sm.m),
					OtherCell:  c,
					headline:   mi == 0 && c.Conns == maxConns,
				}
				for _, lib := range refs {
					ws := v.cell(lib, c.Scenario, c.PayloadBytes, c.Conns)
					if ws != nil && ws.Rate != c.Rate {
						ws = nil // another offered rate is not the same measurement
					}
					row.Refs = append(row.Refs, compare(sm.m, c, ws, lib))
				}
				rows = append(rows, row)
			}
		}
	}
	return rows
}

// compare is one ratio with its verdict and caveats.
func compare(m claimMetric, other, ws *results.Cell, lib string) ClaimRatio {
	r := ClaimRatio{Lib: lib, Value: plain(ws, m.key, m.format), Ratio: math.NaN()}
	if usable(ws) {
		r.Value += claimTags(ws, m)
	}
	o, okO := metricOf(other, m.key)
	w, okW := metricOf(ws, m.key)
	if !okO || !okW {
		r.Verdict = VerdictNoData
		var why []string
		for _, x := range []struct {
			c    *results.Cell
			ok   bool
			name string
		}{{other, okO, other.ID}, {ws, okW, lib}} {
			switch {
			case x.ok:
			case x.c == nil:
				why = append(why, x.name+" not measured")
			case x.c.Status == results.StatusFailed:
				why = append(why, x.c.ID+" failed")
			default:
				why = append(why, x.c.ID+" has no "+m.short+" figure")
			}
		}
		r.Text = VerdictNoData + ": " + strings.Join(why, ", ")
		return r
	}
	if m.higher {
		r.Ratio = roundRatio(w / o)
	} else {
		r.Ratio = roundRatio(o / w)
	}
	r.Verdict = VerdictOf(r.Ratio)
	switch r.Verdict {
	case VerdictWeaker:
		r.Text = fmt.Sprintf("weaker: %s instead of 5–10×", fmtRatio(r.Ratio))
	case VerdictReversed:
		r.Text = fmt.Sprintf("reversed: %s %s better", sideShort(other), fmtRatio(roundRatio(1/r.Ratio)))
	case VerdictNoData:
		r.Text = VerdictNoData
	default:
		r.Text = r.Verdict
	}
	var notes []string
	if r.Ratio > 1/1.05 && r.Ratio < 1.05 {
		notes = append(notes, "within 5%: no real difference")
	}
	if m.key == results.MsgsPerSec {
		wb, ob := hasFlag(ws, results.StatusClientBound), hasFlag(other, results.StatusClientBound)
		switch {
		case wb && ob:
			notes = append(notes, "both client-bound: neither is a server's limit")
		case wb:
			notes = append(notes, "at least: "+lib+" client-bound")
		case ob:
			notes = append(notes, "at most: "+other.Row()+" client-bound")
		}
	}
	if hasFlag(ws, results.StatusNoisy) || hasFlag(other, results.StatusNoisy) {
		notes = append(notes, "noisy")
	}
	for _, c := range []*results.Cell{other, ws} {
		if c.Scenario != config.Broadcast && rateShort(c) {
			notes = append(notes, c.Row()+" fell short of the offered rate")
		}
	}
	if len(notes) > 0 {
		r.Text += " (" + strings.Join(notes, "; ") + ")"
	}
	return r
}

// metricOf is a usable cell's median of key.
func metricOf(c *results.Cell, key string) (float64, bool) {
	if !usable(c) {
		return 0, false
	}
	x, ok := c.Median[key]
	return x, ok && x > 0 && !math.IsNaN(x) && !math.IsInf(x, 0)
}

func hasFlag(c *results.Cell, flag string) bool {
	return c != nil && (c.Status == flag || slices.Contains(c.Flags, flag))
}

// rateShort reports whether an open-loop trial of c sent well below its
// offered rate.
func rateShort(c *results.Cell) bool {
	for _, t := range c.Trials {
		if t.Result != nil && t.Result.RateShort {
			return true
		}
	}
	return false
}

// Tables are the ratio tables, one per group.
func (cl *Claim) Tables() []Table {
	var ts []Table
	for _, g := range claimGroups {
		t := Table{
			ID:     g.id,
			Title:  g.title,
			Header: []string{"comparison", "metric", "conditions", g.other},
			Text:   true,
		}
		for _, lib := range cl.Refs {
			name := lib
			if lib == cl.Fastest && len(cl.Refs) > 1 {
				name += " (fastest)"
			}
			t.Header = append(t.Header, name, "ratio", "verdict")
		}
		for _, r := range cl.Rows {
			if r.Group != g.id {
				continue
			}
			row := []string{r.Side + " vs WebSocket", r.Metric, r.Conditions, r.Other}
			for _, x := range r.Refs {
				row = append(row, x.Value, fmtRatio(x.Ratio), x.Text)
			}
			t.Rows = append(t.Rows, row)
		}
		if len(t.Rows) > 0 {
			ts = append(ts, t)
		}
	}
	return ts
}

// tally counts the verdicts of the rows against reference i.
func (cl *Claim) tally(i int) map[string]int {
	n := map[string]int{}
	for _, r := range cl.Rows {
		n[r.Refs[i].Verdict]++
	}
	return n
}

// Summary is the plain-English paragraph: how often the claim holds
// against the headline library, the range of ratios of each way of doing
// without WebSocket, where 5× or more shows, and how the fastest library
// changes that. Every figure is computed from the rows.
func (cl *Claim) Summary() string {
	if cl.Missing != "" {
		return "The 5–10× claim could not be tested in this run: " + cl.Missing + "."
	}
	hi := slices.Index(cl.Refs, cl.Headline)
	var why string
	switch {
	case cl.Headline != cl.Fastest:
		why = "the common choice"
	case cl.wsLibs == 1:
		why = "the only WebSocket library of this run"
	case cl.Headline == "gorilla":
		why = "the common choice, and the fastest WebSocket library of this run by closed-loop echo throughput"
	default:
		why = "the fastest WebSocket library of this run by closed-loop echo throughput"
	}
	n := cl.tally(hi)
	total := len(cl.Rows) - n[VerdictNoData]
	var b strings.Builder
	fmt.Fprintf(&b, "Against %s (%s), the claim that WebSocket is 5–10× faster than REST holds for %d of %d ratios "+
		"(one per metric, payload size and connection count), is exceeded (more than 10×) for %d, falls short (1–5×) for %d "+
		"and is reversed (the other side better) for %d",
		cl.Headline, why, n[VerdictHolds], total, n[VerdictStronger], n[VerdictWeaker], n[VerdictReversed])
	if n[VerdictNoData] > 0 {
		fmt.Fprintf(&b, "; %d more have no data", n[VerdictNoData])
	}
	b.WriteString(".")

	// Ranges per side, in row order.
	for _, g := range claimGroups {
		var parts []string
		for _, side := range cl.sides(g.id) {
			lo, hiR, ok := cl.sideRange(g.id, side, hi)
			side = strings.TrimSuffix(side, " (WebSocket emulation)")
			if !ok {
				parts = append(parts, side+" no data")
				continue
			}
			if lo == hiR {
				parts = append(parts, fmt.Sprintf("%s %s", side, fmtRatio2(lo)))
			} else {
				parts = append(parts, fmt.Sprintf("%s %s–%s", side, trim(lo, 2), fmtRatio2(hiR)))
			}
		}
		if len(parts) > 0 {
			label := "Request/response"
			if g.id == "claim-push" {
				label = "Server push"
			}
			fmt.Fprintf(&b, " %s ratios (all metrics and sizes): %s.", label, strings.Join(parts, "; "))
		}
	}

	// Where 5× or more shows.
	var where []string
	for _, g := range claimGroups {
		for _, side := range cl.sides(g.id) {
			var ms []string
			for _, r := range cl.Rows {
				if r.Group == g.id && r.Side == side && (r.Refs[hi].Verdict == VerdictHolds || r.Refs[hi].Verdict == VerdictStronger) &&
					!slices.Contains(ms, r.Short) {
					ms = append(ms, r.Short)
				}
			}
			if len(ms) > 0 {
				where = append(where, fmt.Sprintf("%s (%s)", strings.TrimSuffix(side, " (WebSocket emulation)"), strings.Join(ms, ", ")))
			}
		}
	}
	if len(where) == 0 {
		b.WriteString(" WebSocket is not 5× better on any metric here.")
	} else {
		fmt.Fprintf(&b, " WebSocket is 5× better or more only for: %s.", strings.Join(where, "; "))
	}

	// The fastest library against the headline one.
	if fi := slices.Index(cl.Refs, cl.Fastest); fi >= 0 && fi != hi {
		var q []float64
		for _, r := range cl.Rows {
			a, h := r.Refs[fi].Ratio, r.Refs[hi].Ratio
			if a > 0 && h > 0 {
				q = append(q, a/h)
			}
		}
		if len(q) > 0 {
			fn := cl.tally(fi)
			fmt.Fprintf(&b, " Against %s, the fastest WebSocket library of this run, the ratios are a median %s those against %s "+
				"(holds in %d, exceeded in %d).", cl.Fastest, fmtRatio2(results.Median(q)), cl.Headline, fn[VerdictHolds], fn[VerdictStronger])
		}
	}
	bounds := 0
	for _, r := range cl.Rows {
		if strings.Contains(r.Refs[hi].Text, "client-bound") {
			bounds++
		}
	}
	if bounds > 0 {
		fmt.Fprintf(&b, " %d throughput ratio(s) involve a client-bound cell and are bounds, not exact figures.", bounds)
	}
	return b.String()
}

func fmtRatio2(r float64) string { return trim(r, 2) + "×" }

// sides lists group g's non-WebSocket sides in row order.
func (cl *Claim) sides(group string) []string {
	var out []string
	for _, r := range cl.Rows {
		if r.Group == group && !slices.Contains(out, r.Side) {
			out = append(out, r.Side)
		}
	}
	return out
}

// sideRange is the smallest and largest ratio of a side against
// reference i.
func (cl *Claim) sideRange(group, side string, i int) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range cl.Rows {
		if r.Group != group || r.Side != side || r.Refs[i].Verdict == VerdictNoData {
			continue
		}
		lo, hi, ok = math.Min(lo, r.Refs[i].Ratio), math.Max(hi, r.Refs[i].Ratio), true
	}
	return lo, hi, ok
}

// claimIntro explains the section; it holds no figure.
const claimIntro = `A talk claims that WebSockets communicate 5–10× faster than HTTP REST. Each row below sets one way of
doing the same job without a WebSocket against WebSocket, with the same load generator, CPU split, payload size,
connection count and offered rate: for request/response, HTTP POST /echo over a kept-alive HTTP/1.1 connection and
with a new TCP connection per request, against WebSocket echo; for server push, one publisher at a fixed rate to N
subscribers receiving by REST polling, long polling, Server-Sent Events or the SockJS emulation transports, against
WebSocket broadcast.

- The **ratio** is oriented so that **above 1 WebSocket is better**: WebSocket ÷ REST for throughput, REST ÷ WebSocket
  for latency, bytes on the wire and server CPU. It is the ratio of the two cells' medians, rounded to 3 significant digits.
- **Verdict**: *holds* for 5× to 10× (both included), *stronger* above 10×, *weaker* from 1× up to 5× (with the factor
  reached), *reversed* below 1× (the other side is better, by the factor shown). A ratio within 5% of 1 is noted as no
  real difference. *no data*: a cell failed or was not measured; failed cells never give a ratio.
- WebSocket is compared with two libraries: the fastest of the run (highest closed-loop echo throughput, geometric mean
  over sizes) and gorilla, the common choice. A throughput ratio with a *client-bound* cell is a bound, as noted.
- Bytes on the wire count both directions at the load generator's sockets per message (per delivered message for push:
  polls, headers and framing included, TCP handshakes not). Server CPU is user + system time of the server process
  per message (per delivered message for push).

`

// Markdown writes the claim section: intro, summary, chart, ratio tables
// and the detail tables with every figure behind them.
func (cl *Claim) Markdown(w io.Writer, run *results.Run, charts []Chart) {
	fmt.Fprintf(w, "## The 5–10× claim\n\n")
	if cl.Missing != "" {
		fmt.Fprintf(w, "%s\n\n", cl.Summary())
		return
	}
	fmt.Fprint(w, claimIntro)
	fmt.Fprintf(w, "**Summary.** %s\n\n", cl.Summary())
	for _, c := range charts {
		if c.Section == claimChartSection {
			fmt.Fprintf(w, "![%s](%s)\n\n", c.Title, c.File)
		}
	}
	for _, t := range cl.Tables() {
		t.Markdown(w)
	}
	v := newView(run)
	for _, t := range v.claimDetailTables(cl) {
		t.Markdown(w)
	}
}

// Terminal prints the ratio tables and the summary.
func (cl *Claim) Terminal(w io.Writer) {
	for _, t := range cl.Tables() {
		t.Markdown(w)
	}
	fmt.Fprintf(w, "The 5–10× claim: %s\n\n", cl.Summary())
}
