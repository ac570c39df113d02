package report

import (
	"fmt"
	"github.com/wsbench/wsbench/bench/analysis"
	"math"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// The prose of the claim section: the introduction and the generated
// summary, and the plain-English names of the sides.

// sideName is the non-WebSocket way of c in plain English.
func sideName(c *record.Cell) string {
	v := c.VariantOrDefault()
	s := v.Describe()
	if v == config.VariantPoll {
		if ms := pollMS(c); ms > 0 {
			s += " every " + fmtUS(ms*1000)
		}
	}
	if !analysis.RoleOf(c.Lib).Reference() && c.Proto != "sockjs" {
		s += " (" + c.Lib + ")"
	}
	return s
}

// sideShort names the non-WebSocket side in a reversed verdict.
func sideShort(c *record.Cell) string {
	return strings.TrimSuffix(sideName(c), " (WebSocket emulation)")
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
	case cl.Headline == config.ClaimLib:
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
				"(holds in %d, exceeded in %d).", cl.Fastest, fmtRatio2(record.Median(q)), cl.Headline, fn[VerdictHolds], fn[VerdictStronger])
		}
	}
	limited := 0
	for _, r := range cl.Rows {
		if t := r.Refs[hi].Text; strings.Contains(t, "client-bound") || strings.Contains(t, "client-limited") {
			limited++
		}
	}
	if limited > 0 {
		fmt.Fprintf(&b, " %d ratio(s) are left out because the load generator, not the server, set the figure on one side (client-bound or client-limited).", limited)
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
doing the same job without a WebSocket against WebSocket, with the same load generator, CPU split, payload size and
connection count, on equal footing: for request/response, HTTP POST /echo over a kept-alive HTTP/1.1 connection and
with a new TCP connection per request, against WebSocket echo with the same single message in flight per connection
(closed loop), and at the same offered rate (open loop); for server push, one publisher at a fixed rate to N
subscribers receiving by REST polling, long polling, Server-Sent Events or the SockJS emulation transports, against
WebSocket broadcast.

- The **ratio** is oriented so that **above 1 WebSocket is better**: WebSocket ÷ REST for throughput, REST ÷ WebSocket
  for latency, bytes on the wire and server CPU. It is the ratio of the two cells' medians, rounded to 3 significant digits.
- **Verdict**: *holds* for 5× to 10× (both included), *stronger* above 10×, *short* from 1× up to 5×: WebSocket better, short of the claim (with the factor
  reached), *reversed* below 1× (the other side is better, by the factor shown). A ratio within 5% of 1 is noted as no
  real difference. *no data*: a cell failed or was not measured, or the load generator rather than the server set one
  side's figure (a *client-bound* maximum throughput, a *client-limited* open-loop point): such a figure gives no ratio.
- Maximum throughput is a closed-loop figure with one message in flight per connection on both sides: HTTP/1.1 clients
  do not pipeline, so WebSocket is measured the same way (gorilla, the common choice; the other libraries' closed-loop
  cells carry several messages in flight and are not compared with REST). Latency and server CPU are also compared in
  open loop at the same offered rate, against the fastest WebSocket library of the run (highest closed-loop echo
  throughput, geometric mean over sizes) and gorilla.
- Bytes on the wire count both directions at the load generator's sockets per message (per delivered message for push:
  polls, headers and framing included, TCP handshakes not). Server CPU is user + system time of the server process
  per message (per delivered message for push).

`
