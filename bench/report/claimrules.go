package report

import (
	"fmt"
	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/format"
	"math"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// The rules of the 5-10x comparison: the band, the verdicts, what is
// compared with what, and how one ratio is judged.

// The band the claim states.
const (
	ClaimLow  = 5.0
	ClaimHigh = 10.0
)

// Verdicts of one ratio.
const (
	VerdictHolds    = "holds"    // 5× to 10×
	VerdictStronger = "stronger" // above 10×
	VerdictWeaker   = "short"    // 1× to 5×: WebSocket better, but short of the claim
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

var fmtRatio = format.Ratio

// claimMetric is one compared figure.
type claimMetric struct {
	key    string
	label  string
	short  string // for the summary and the chart
	higher bool   // higher is better (throughput); else lower is better
	format func(float64) string
}

var (
	cmThroughput = claimMetric{record.MsgsPerSec, "maximum throughput (msgs/s), closed loop", "throughput", true, fmtCount}
	cmOpenP50    = claimMetric{record.LatP50, "latency p50, open loop", "latency", false, fmtUS}
	cmOpenP99    = claimMetric{record.LatP99, "latency p99, open loop", "latency", false, fmtUS}
	cmEchoBytes  = claimMetric{record.BytesPerMsg, "bytes on the wire per message", "bytes", false, fmtWire}
	cmEchoCPU    = claimMetric{record.ServerCPUUSPerMsg, "server CPU µs per message, closed loop", "CPU", false, fmtCPU}
	cmOpenCPU    = claimMetric{record.ServerCPUUSPerMsg, "server CPU µs per message, open loop", "CPU", false, fmtCPU}
	cmPushP50    = claimMetric{record.LatP50, "delivery latency p50", "latency", false, fmtUS}
	cmPushP99    = claimMetric{record.LatP99, "delivery latency p99", "latency", false, fmtUS}
	cmPushLast   = claimMetric{record.LastP99, "p99 to the last subscriber", "latency", false, fmtUS}
	cmPushBytes  = claimMetric{record.BytesPerMsg, "bytes on the wire per delivered message", "bytes", false, fmtWire}
	cmPushCPU    = claimMetric{record.ServerCPUUSPerMsg, "server CPU µs per delivered message", "CPU", false, fmtCPU}
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
	{"claim-request-response", "Request/response: HTTP POST /echo against WebSocket echo, on equal footing", "REST", []scMetric{
		// Equal footing: closed loop with one message in flight per
		// connection on both sides (HTTP/1.1 clients do not pipeline, so the
		// WebSocket side is measured the same way), and open loop at the
		// same offered rate. Closed-loop latency is not compared (at
		// saturation it measures queue depth); maximum throughput counts
		// only where neither side is client-bound.
		{config.EchoClosed, cmThroughput}, {config.EchoClosed, cmEchoBytes}, {config.EchoClosed, cmEchoCPU},
		{config.EchoOpen, cmOpenP50}, {config.EchoOpen, cmOpenP99}, {config.EchoOpen, cmOpenCPU},
	}},
	{"claim-push", "Server push: one publisher at a fixed rate to N subscribers, against WebSocket broadcast", "REST or emulation", []scMetric{
		{config.Broadcast, cmPushP50}, {config.Broadcast, cmPushP99}, {config.Broadcast, cmPushLast},
		{config.Broadcast, cmPushBytes}, {config.Broadcast, cmPushCPU},
	}},
}

func (g claimGroup) has(sc config.Scenario) bool {
	return slices.ContainsFunc(g.metrics, func(m scMetric) bool { return m.sc == sc })
}

// compare is one ratio with its verdict and caveats.
func compare(m claimMetric, other, ws *record.Cell, lib string) ClaimRatio {
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
			c    *record.Cell
			ok   bool
			name string
		}{{other, okO, other.ID}, {ws, okW, lib}} {
			switch {
			case x.ok:
			case x.c == nil:
				why = append(why, x.name+" not measured")
			case x.c.Status == record.StatusFailed:
				why = append(why, x.c.ID+" failed")
			default:
				why = append(why, x.c.ID+" has no "+m.short+" figure")
			}
		}
		r.Text = VerdictNoData + ": " + strings.Join(why, ", ")
		return r
	}
	// A figure the load generator set is not the server's: no ratio (the
	// one validity rule, bench/analysis).
	for _, x := range []*record.Cell{other, ws} {
		if v := analysis.PointValidity(x, m.key); !v.Valid {
			r.Verdict, r.Text = VerdictNoData, VerdictNoData+": "+x.Row()+" "+v.Why
			return r
		}
	}
	if m.higher {
		r.Ratio = roundRatio(w / o)
	} else {
		r.Ratio = roundRatio(o / w)
	}
	r.Verdict = VerdictOf(r.Ratio)
	switch r.Verdict {
	case VerdictWeaker:
		r.Text = fmt.Sprintf("short: WebSocket %s better (claim: 5–10×)", fmtRatio(r.Ratio))
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
	if hasFlag(ws, record.StatusNoisy) || hasFlag(other, record.StatusNoisy) {
		notes = append(notes, "noisy")
	}
	for _, c := range []*record.Cell{other, ws} {
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
func metricOf(c *record.Cell, key string) (float64, bool) {
	if !usable(c) {
		return 0, false
	}
	x, ok := c.Median[key]
	return x, ok && x > 0 && !math.IsNaN(x) && !math.IsInf(x, 0)
}

func hasFlag(c *record.Cell, flag string) bool {
	return c != nil && (c.Status == flag || slices.Contains(c.Flags, flag))
}

// rateShort reports whether an open-loop trial of c sent well below its
// offered rate.
func rateShort(c *record.Cell) bool {
	for _, t := range c.Trials {
		if t.Result != nil && t.Result.RateShort {
			return true
		}
	}
	return false
}
