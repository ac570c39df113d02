package chatmatrix

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wsbench/wsbench/loadgen/scenario"
)

// The claim for chat: the same rooms over WebSocket and over the REST
// baseline (servers/rest's chat rooms, read by polling, long polling or
// Server-Sent Events), at the same offered rates in every shape, compared
// at equal delivered rate: delivery latency, server CPU per delivered
// message and bytes on the wire per delivered message (HTTP or WebSocket,
// both ways, counted at the load generator's sockets).

// Claim is which cells the comparison runs.
type Claim struct {
	// Rates are the publishes per second per publisher at which every side
	// runs in every shape.
	Rates []float64 `json:"rates"`
	// Libs are the WebSocket libraries of the comparison (those of the run
	// among them; the first library of the run when none is).
	Libs []string `json:"libs"`
	// Variants are the REST subscriber modes (scenario variant names).
	Variants []string `json:"variants"`
	// PollInterval is each REST member's polling period (variant poll).
	PollInterval time.Duration `json:"poll_interval_ns"`
}

// The claim under test: WebSocket is ClaimLow to ClaimHigh times better
// than REST.
const (
	ClaimLow  = 5.0
	ClaimHigh = 10.0
)

// RESTLib is the REST baseline's server, as the matrix runs it.
var RESTLib = Lib{Name: "rest", Proto: "http"}

// ClaimCell is one run of the comparison.
type ClaimCell struct {
	// Side is the library (WebSocket) or the REST variant.
	Side  string `json:"side"`
	REST  bool   `json:"rest"`
	Shape Shape  `json:"shape"`
	Point Point  `json:"point"`
	// Valid: no failure, loss, duplicate or reordering, the load
	// generator on schedule; the latency bound of the search does not
	// apply (the comparison is at equal rate, whatever the latency).
	Valid bool `json:"valid"`
}

func (c Claim) validate() error {
	if len(c.Rates) == 0 {
		return nil
	}
	for _, r := range c.Rates {
		if r <= 0 {
			return fmt.Errorf("claim: rate %g: want positive rates", r)
		}
	}
	for _, v := range c.Variants {
		if vi, ok := scenario.LookupVariant(v); !ok || !vi.Broadcast {
			return fmt.Errorf("claim: %q is not a REST subscriber variant (poll, longpoll, sse)", v)
		}
	}
	if len(c.Variants) > 0 && c.PollInterval <= 0 {
		return fmt.Errorf("claim: want a positive poll interval")
	}
	return nil
}

// claimLibs are the WebSocket sides among libs.
func (c Claim) claimLibs(libs []Lib) []Lib {
	var out []Lib
	for _, l := range libs {
		if slices.Contains(c.Libs, l.Name) {
			out = append(out, l)
		}
	}
	if len(out) == 0 && len(libs) > 0 {
		out = libs[:1]
	}
	return out
}

// claimRuns is how many runs the claim makes with n libraries.
func (c Claim) claimRuns(n, shapes int) int {
	if len(c.Rates) == 0 || n == 0 {
		return 0
	}
	ws := max(1, min(len(c.Libs), n))
	return (ws + len(c.Variants)) * shapes * len(c.Rates)
}

// runClaim runs every cell of the comparison into res.Claim.
func (c Config) runClaim(ctx context.Context, libs []Lib, measure Measure, res *Results, progress func(string), save func()) error {
	if len(c.Claim.Rates) == 0 {
		return nil
	}
	type side struct {
		name    string
		lib     Lib
		variant string
	}
	var sides []side
	for _, l := range c.Claim.claimLibs(libs) {
		sides = append(sides, side{name: l.Name, lib: l})
	}
	for _, v := range c.Claim.Variants {
		sides = append(sides, side{name: v, lib: RESTLib, variant: v})
	}
	noBound := c.Search
	noBound.P99 = time.Duration(math.MaxInt64)
	for _, s := range c.Shapes {
		for _, rate := range c.Claim.Rates {
			for _, sd := range sides {
				lc := c.chatLoadgen(sd.lib, s, rate)
				if sd.variant != "" {
					vi, _ := scenario.LookupVariant(sd.variant)
					vi.Apply(&lc)
					lc.URL = "http://"
					lc.PollInterval = c.Claim.PollInterval
				}
				name := fmt.Sprintf("claim_%s_%s_%s", sd.name, s.Name, strconv.FormatFloat(rate, 'g', -1, 64))
				t := measure(ctx, sd.lib.Name, name, lc, c.RunEstimate(s.Conns()))
				if ctx.Err() != nil {
					return ctx.Err()
				}
				p := Judge(rate, s.Deliveries(rate), t.Result, t.Error, c.Search)
				p.Log, p.WallS = name, t.WallS
				valid := Judge(rate, s.Deliveries(rate), t.Result, t.Error, noBound).Good
				res.Claim = append(res.Claim, ClaimCell{Side: sd.name, REST: sd.variant != "", Shape: s, Point: p, Valid: valid})
				verdict := "valid"
				if !valid {
					verdict = p.Why
				}
				progress(fmt.Sprintf("claim %s %s %g/s per publisher: delivered %.0f/s, p99 %.1f ms, %.0f B and %.1f µs server CPU per delivery: %s (%.1fs)",
					sd.name, s.Name, rate, p.Delivered, p.DeliveryP99US/1e3, p.WireBytesPerMsg, p.ServerCPUUSPerMsg, verdict, p.WallS))
				save()
			}
		}
	}
	return nil
}

// Comparison is one REST variant against WebSocket in one shape at one
// rate: each metric's WebSocket figure (the median of the valid WebSocket
// cells), the REST figure, and REST over WebSocket (WebSocket's advantage;
// 0 where either is missing).
type Comparison struct {
	Shape     string  `json:"shape"`
	Rate      float64 `json:"rate"`
	Variant   string  `json:"variant"`
	WSLibs    int     `json:"ws_libs"`
	Delivered float64 `json:"delivered_per_sec"` // the REST cell's
	WS        Metrics `json:"ws"`
	REST      Metrics `json:"rest"`
	Factor    Metrics `json:"factor"`
}

// Metrics are the compared figures of a cell.
type Metrics struct {
	P50US, P99US, CPUUSPerMsg, WireBytesPerMsg float64
}

// metricNames name Metrics' fields in order, for prose and tables.
var metricNames = []string{"delivery p50", "delivery p99", "server CPU per delivery", "wire bytes per delivery"}

func (m Metrics) values() []float64 {
	return []float64{m.P50US, m.P99US, m.CPUUSPerMsg, m.WireBytesPerMsg}
}

func metricsOf(p Point) Metrics {
	return Metrics{P50US: p.DeliveryP50US, P99US: p.DeliveryP99US, CPUUSPerMsg: p.ServerCPUUSPerMsg, WireBytesPerMsg: p.WireBytesPerMsg}
}

// Compare pairs every valid REST cell with the valid WebSocket cells of
// its shape and rate.
func Compare(cells []ClaimCell) []Comparison {
	var out []Comparison
	for _, rc := range cells {
		if !rc.REST || !rc.Valid {
			continue
		}
		var ws [4][]float64
		n := 0
		for _, wc := range cells {
			if wc.REST || !wc.Valid || wc.Shape.Name != rc.Shape.Name || wc.Point.Rate != rc.Point.Rate {
				continue
			}
			n++
			for i, v := range metricsOf(wc.Point).values() {
				if v > 0 {
					ws[i] = append(ws[i], v)
				}
			}
		}
		if n == 0 {
			continue
		}
		wm := Metrics{median(ws[0]), median(ws[1]), median(ws[2]), median(ws[3])}
		rm := metricsOf(rc.Point)
		var f [4]float64
		for i, w := range wm.values() {
			if r := rm.values()[i]; w > 0 && r > 0 {
				f[i] = r / w
			}
		}
		out = append(out, Comparison{Shape: rc.Shape.Name, Rate: rc.Point.Rate, Variant: rc.Side, WSLibs: n, Delivered: rc.Point.Delivered,
			WS: wm, REST: rm, Factor: Metrics{f[0], f[1], f[2], f[3]}})
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ClaimFindings says, per REST variant and metric, whether WebSocket's
// advantage over the valid comparisons lies within ClaimLow to ClaimHigh
// times, above, below, or across those bounds, with the range measured.
func ClaimFindings(cmps []Comparison, variants []string) []string {
	var out []string
	for _, v := range variants {
		var mine []Comparison
		for _, c := range cmps {
			if c.Variant == v {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			out = append(out, fmt.Sprintf("Chat over REST %s: no comparison (no valid REST cell with a valid WebSocket cell at its shape and rate).", v))
			continue
		}
		groups := map[string][]string{}
		var order []string
		for i, name := range metricNames {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, c := range mine {
				if f := c.Factor.values()[i]; f > 0 {
					lo, hi = min(lo, f), max(hi, f)
				}
			}
			if lo > hi {
				continue
			}
			var g string
			switch {
			case lo >= ClaimLow && hi <= ClaimHigh:
				g = fmt.Sprintf("holds (%g–%g×)", ClaimLow, ClaimHigh)
			case lo > ClaimHigh:
				g = fmt.Sprintf("is exceeded (over %g×)", ClaimHigh)
			case hi < ClaimLow:
				g = fmt.Sprintf("does not hold (under %g×)", ClaimLow)
			default:
				g = fmt.Sprintf("holds in part (across %g–%g×)", ClaimLow, ClaimHigh)
			}
			if _, seen := groups[g]; !seen {
				order = append(order, g)
			}
			groups[g] = append(groups[g], fmt.Sprintf("%s %s", name, factorRange(lo, hi)))
		}
		var parts []string
		for _, g := range order {
			parts = append(parts, fmt.Sprintf("%s for %s", g, strings.Join(groups[g], ", ")))
		}
		shapes := map[string]bool{}
		for _, c := range mine {
			shapes[c.Shape] = true
		}
		out = append(out, fmt.Sprintf("Chat over REST %s vs WebSocket at equal rates (%d comparisons in %d shapes): the claim %s.",
			v, len(mine), len(shapes), strings.Join(parts, "; ")))
	}
	return out
}

func factorRange(lo, hi float64) string {
	if fmt.Sprintf("%.1f", lo) == fmt.Sprintf("%.1f", hi) {
		return fmt.Sprintf("%.1f×", lo)
	}
	return fmt.Sprintf("%.1f–%.1f×", lo, hi)
}
