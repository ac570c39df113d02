package chatmatrix

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/loadgen/scenario"
	"github.com/wsbench/wsbench/loadgen/wire"
)

func claimCell(side string, rest bool, shape Shape, rate float64, valid bool, m Metrics) ClaimCell {
	return ClaimCell{Side: side, REST: rest, Shape: shape, Valid: valid, Point: Point{Rate: rate, Delivered: shape.Deliveries(rate),
		DeliveryP50US: m.P50US, DeliveryP99US: m.P99US, ServerCPUUSPerMsg: m.CPUUSPerMsg, WireBytesPerMsg: m.WireBytesPerMsg}}
}

func scale(m Metrics, k float64) Metrics {
	return Metrics{m.P50US * k, m.P99US * k, m.CPUUSPerMsg * k, m.WireBytesPerMsg * k}
}

func TestCompare(t *testing.T) {
	big, small := Default().Shapes[0], Default().Shapes[1]
	a := Metrics{P50US: 400, P99US: 2000, CPUUSPerMsg: 3, WireBytesPerMsg: 150}
	b := scale(a, 3)
	k := ClaimLow + 1
	cells := []ClaimCell{
		claimCell("gorilla", false, big, 10, true, a),
		claimCell("gws", false, big, 10, true, b),
		claimCell("coder", false, big, 10, false, scale(a, 100)),   // invalid: left out of the median
		claimCell("gorilla", false, small, 10, true, scale(a, 50)), // another shape
		claimCell("poll", true, big, 10, true, scale(a, 2*k)),
		claimCell("sse", true, big, 10, false, a),    // invalid REST cell: no comparison
		claimCell("longpoll", true, big, 2, true, a), // no WebSocket cell at its rate
	}
	got := Compare(cells)
	if len(got) != 1 {
		t.Fatalf("comparisons %+v: want the poll cell's only", got)
	}
	c := got[0]
	wantWS := scale(a, (1+3)/2.0) // median of gorilla and gws
	if c.Variant != "poll" || c.Shape != big.Name || c.Rate != 10 || c.WSLibs != 2 || c.WS != wantWS {
		t.Fatalf("comparison %+v, want WebSocket %+v", c, wantWS)
	}
	for i, f := range c.Factor.values() {
		if want := c.REST.values()[i] / c.WS.values()[i]; f != want {
			t.Errorf("%s: factor %g, want %g", metricNames[i], f, want)
		}
	}
	// A metric missing on one side has no factor.
	cells[4].Point.ServerCPUUSPerMsg = 0
	if f := Compare(cells)[0].Factor.CPUUSPerMsg; f != 0 {
		t.Fatalf("factor %g without the REST CPU figure", f)
	}
}

func TestClaimFindings(t *testing.T) {
	ws := Metrics{P50US: 500, P99US: 1000, CPUUSPerMsg: 2, WireBytesPerMsg: 200}
	in := (ClaimLow + ClaimHigh) / 2
	over, under := ClaimHigh*2, ClaimLow/2
	cmp := func(shape string, f Metrics) Comparison {
		return Comparison{Shape: shape, Rate: 10, Variant: "poll", WSLibs: 1, WS: ws, Factor: f}
	}
	cmps := []Comparison{
		cmp("big-group", Metrics{in, over, under, in}),
		cmp("small-group", Metrics{in, over, under, over}),
	}
	got := ClaimFindings(cmps, []string{"poll", "sse"})
	if len(got) != 2 {
		t.Fatalf("findings %q", got)
	}
	wants := []string{
		"Chat over REST poll vs WebSocket at equal rates (2 comparisons in 2 shapes)",
		fmt.Sprintf("holds (%g–%g×) for delivery p50 %.1f×", ClaimLow, ClaimHigh, in),
		fmt.Sprintf("is exceeded (over %g×) for delivery p99 %.1f×", ClaimHigh, over),
		fmt.Sprintf("does not hold (under %g×) for server CPU per delivery %.1f×", ClaimLow, under),
		fmt.Sprintf("holds in part (across %g–%g×) for wire bytes per delivery %.1f–%.1f×", ClaimLow, ClaimHigh, in, over),
	}
	for _, w := range wants {
		if !strings.Contains(got[0], w) {
			t.Errorf("finding %q lacks %q", got[0], w)
		}
	}
	if !strings.Contains(got[1], "sse: no comparison") {
		t.Errorf("finding for a variant without comparisons: %q", got[1])
	}
}

// TestRunClaim: the matrix runs every side of the claim in every shape at
// every rate, the REST sides with the REST server and their variant, and
// the summary compares them.
func TestRunClaim(t *testing.T) {
	c := Default()
	c.Crowd = Crowd{}
	c.Search.MaxPoints = 1
	libs := []Lib{{"gorilla", "ws"}, {"sockjs", "sockjs"}}
	type ask struct {
		lib string
		lc  scenario.Config
	}
	var asked []ask
	measure := func(_ context.Context, lib, _ string, lc scenario.Config, _ time.Duration) record.Trial {
		asked = append(asked, ask{lib, lc})
		d := &result.Latency{P50: 1000, P99: 2000, Count: 1000}
		bytes := result.Bytes{TX: 20, RX: 100}
		if lc.Proto == wire.HTTP {
			d = &result.Latency{P50: 50000, P99: 99000, Count: 1000}
			bytes = result.Bytes{TX: 300, RX: 400}
		}
		return record.Trial{Result: &result.Result{Scenario: lc.Scenario, RateTarget: lc.Rate, RateAchieved: lc.Rate, SendLagUS: &result.Latency{},
			DeliveredMsgsPerSec: lc.Rate * 2000, DeliveryUS: d, LatencyUS: *d, BytesPerMsg: bytes, Server: &result.Proc{CPUUSPerMsg: 4}}}
	}
	res := &Results{Seed: 1, Config: c}
	if err := c.Run(context.Background(), libs, measure, res, func(string) {}, func() {}); err != nil {
		t.Fatal(err)
	}
	// gorilla is the only claim library among those run.
	sides := 1 + len(c.Claim.Variants)
	if want := sides * len(c.Shapes) * len(c.Claim.Rates); len(res.Claim) != want || !res.Complete {
		t.Fatalf("%d claim cells, want %d", len(res.Claim), want)
	}
	rest := 0
	for _, a := range asked {
		if a.lc.Proto != wire.HTTP {
			continue
		}
		rest++
		lc := a.lc
		lc.URL += "127.0.0.1:9"
		if err := lc.Check(); err != nil || a.lib != RESTLib.Name || lc.Variant() == "" || !strings.HasPrefix(lc.URL, "http://") {
			t.Errorf("REST run of %s: %v (variant %q, %s)", a.lib, err, lc.Variant(), lc.URL)
		}
	}
	if want := len(c.Claim.Variants) * len(c.Shapes) * len(c.Claim.Rates); rest != want {
		t.Fatalf("%d REST runs, want %d", rest, want)
	}
	for _, cell := range res.Claim {
		if !cell.Valid || cell.Point.WireBytesPerMsg <= 0 {
			t.Fatalf("cell %+v", cell)
		}
	}
	var sb strings.Builder
	Summary(&sb, res)
	for _, want := range []string{"## The claim for chat", "| REST poll | big-group |", "| gorilla (WebSocket) |", "Chat over REST sse vs WebSocket"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sb.String())
		}
	}
}

func TestClaimValidate(t *testing.T) {
	for name, mut := range map[string]func(*Claim){
		"negative rate":  func(c *Claim) { c.Rates = []float64{-1} },
		"echo variant":   func(c *Claim) { c.Variants = []string{scenario.VariantHTTPKeepAlive} },
		"no poll period": func(c *Claim) { c.PollInterval = 0 },
	} {
		c := Default()
		mut(&c.Claim)
		if err := c.Validate(chatLibs()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
