package chatmatrix

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/loadgen/scenario"
	"github.com/wsbench/wsbench/servers/registry"
)

func chatLibs() []string {
	var out []string
	for _, l := range registry.All() {
		if l.Chat {
			out = append(out, l.Name)
		}
	}
	return out
}

func TestDefault(t *testing.T) {
	c := Default()
	if err := c.Validate(chatLibs()); err != nil {
		t.Fatal(err)
	}
	// Both shapes hold the same connections and offer the same deliveries
	// at one rate, so that their capacities compare.
	if len(c.Shapes) != 2 || c.Shapes[0].Conns() != c.Shapes[1].Conns() || c.Shapes[0].Deliveries(1) != c.Shapes[1].Deliveries(1) {
		t.Fatalf("shapes %+v: want two of equal connections and deliveries", c.Shapes)
	}
	n := len(chatLibs())
	if budget, claim := 15*time.Minute, c.ClaimEstimate(n); c.Estimate(n)-claim > budget || claim > 4*time.Minute || claim <= 0 {
		t.Fatalf("estimate %v for %d libraries (the claim %v) over %v and 4m for the claim", c.Estimate(n), n, claim, budget)
	}
	if got := c.Crowd.ChatShape(); got.Conns() != c.Crowd.Conns || float64(got.Rooms)/float64(got.Conns()) != c.Crowd.Active {
		t.Fatalf("crowd chat shape %+v: want all %d connections, %g of them publishing", got, c.Crowd.Conns, c.Crowd.Active)
	}
}

func TestValidateRefuses(t *testing.T) {
	for name, mut := range map[string]func(*Config){
		"unknown lib":   func(c *Config) { c.Libs = []string{"rest"} },
		"no publishers": func(c *Config) { c.Shapes[0].Publishers = 0 },
		"factor 1":      func(c *Config) { c.Search.Factor = 1 },
		"no duration":   func(c *Config) { c.Duration = 0 },
		"active 0":      func(c *Config) { c.Crowd.Active = 0 },
		"uneven rooms":  func(c *Config) { c.Crowd.ChatMembers = c.Crowd.Conns/2 + 1 },
		"nothing":       func(c *Config) { c.Shapes = nil; c.Crowd = Crowd{} },
	} {
		c := Default()
		mut(&c)
		if err := c.Validate(chatLibs()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// walk runs a search against a server whose capacity is limit
// publishes/s per publisher.
func walk(s Search, limit float64) []Point {
	var pts []Point
	for {
		r, ok := s.Next(pts)
		if !ok {
			return pts
		}
		p := Point{Rate: r, Good: r <= limit, Delivered: r * 2000, DeliveryCount: 1}
		pts = append(pts, p)
	}
}

func rates(pts []Point) []float64 {
	var out []float64
	for _, p := range pts {
		out = append(out, p.Rate)
	}
	return out
}

func TestSearchWalk(t *testing.T) {
	s := Default().Search
	pts := walk(s, 35)
	if want := []float64{10, 20, 40, 30, 35}; !slices.Equal(rates(pts), want) {
		t.Fatalf("walked %v, want %v", rates(pts), want)
	}
	if c := CapacityOf(pts); c.Rate != 35 || c.Delivered != 35*2000 || c.Limit != "p99" || !c.Ranked {
		t.Fatalf("capacity %+v", c)
	}
	// Every point good: MaxPoints, a lower bound, not ranked.
	pts = walk(s, 1e9)
	if len(pts) != s.MaxPoints || pts[len(pts)-1].Rate != s.Start*32 {
		t.Fatalf("walked %v", rates(pts))
	}
	if c := CapacityOf(pts); c.Limit != "none" || c.Ranked {
		t.Fatalf("capacity %+v: want a lower bound, unranked", c)
	}
	// The first point fails: bisect below it.
	pts = walk(s, 3)
	if want := []float64{10, 5, 2.5}; !slices.Equal(rates(pts), want) {
		t.Fatalf("walked %v, want %v", rates(pts), want)
	}
}

func TestJudge(t *testing.T) {
	bound := Default().Search
	good := func() *result.Result {
		return &result.Result{RateTarget: 100, RateAchieved: 100, SendLagUS: &result.Latency{P99: 50},
			DeliveredMsgsPerSec: 2e4, DeliveryUS: &result.Latency{P99: 5000, Count: 20000}}
	}
	if p := Judge(10, 2e4, good(), "", bound); !p.Good || p.Why != "" || p.Delivered != 2e4 {
		t.Fatalf("good run judged %+v", p)
	}
	slow := good()
	slow.DeliveryUS.P99 = 150000
	if p := Judge(10, 2e4, slow, "", bound); p.Good || p.Behind || !strings.Contains(p.Why, "p99 150.0 ms") {
		t.Fatalf("p99 over the bound judged %+v", p)
	}
	// Off schedule within the bound: latency counts from the schedule, so
	// the bound held for the server; the point is good.
	behind := good()
	behind.RateAchieved, behind.RateShort = 50, true
	behind.DeliveredMsgsPerSec = 1e4
	if p := Judge(10, 2e4, behind, "", bound); !p.Good || p.Behind || p.Delivered != 1e4 {
		t.Fatalf("load generator behind within the bound judged %+v", p)
	}
	late := good()
	late.SendLagUS.P99 = 2 * float64(bound.Lag.Microseconds())
	if p := Judge(10, 2e4, late, "", bound); !p.Good || p.SendLagP99US != late.SendLagUS.P99 {
		t.Fatalf("late within the bound judged %+v", p)
	}
	// Over the bound and off schedule, the server not saturated: the load
	// generator's miss.
	serverCPUs := 1.0
	slowLate := func(util float64) *result.Result {
		r := good()
		r.DeliveryUS.P99 = 150000
		r.SendLagUS.P99 = 2 * float64(bound.Lag.Microseconds())
		r.ServerCPUs, r.Server = serverCPUs, &result.Proc{CPUUtil: util}
		return r
	}
	idle := slowLate(result.SaturationFraction * serverCPUs / 2)
	if p := Judge(10, 2e4, idle, "", bound); p.Good || !p.Behind || !strings.Contains(p.Why, "send lag") {
		t.Fatalf("over the bound, late, server not saturated judged %+v", p)
	}
	shortIdle := good()
	shortIdle.DeliveryUS.P99, shortIdle.RateShort = 150000, true
	if p := Judge(10, 2e4, shortIdle, "", bound); !p.Behind {
		t.Fatalf("over the bound, short, server CPU unknown judged %+v", p)
	}
	// The same with the server saturated: the server's miss.
	busy := slowLate(result.SaturationFraction * serverCPUs)
	if p := Judge(10, 2e4, busy, "", bound); p.Good || p.Behind || !strings.Contains(p.Why, "server saturated") {
		t.Fatalf("over the bound, late, server saturated judged %+v", p)
	}
	if c := CapacityOf([]Point{{Rate: 10, Good: true, Delivered: 2e4, DeliveryCount: 1}, Judge(20, 4e4, busy, "", bound)}); c.Limit != "p99" || !c.Ranked {
		t.Fatalf("a search ended by a saturated server: %+v", c)
	}
	lost := good()
	lost.Lost = 1
	if p := Judge(10, 2e4, lost, "", bound); p.Good || !strings.Contains(p.Why, "lost 1") {
		t.Fatalf("a loss judged %+v", p)
	}
	if p := Judge(10, 2e4, nil, "server exited", bound); p.Good || p.Why != "server exited" {
		t.Fatalf("a failed run judged %+v", p)
	}
	if c := CapacityOf([]Point{{Rate: 10, Good: true, Delivered: 2e4, DeliveryCount: 1}, Judge(20, 4e4, idle, "", bound)}); c.Limit != "client" || c.Ranked {
		t.Fatalf("a search ended by the load generator: %+v", c)
	}
}

// TestRun drives the matrix with a fake server of capacity 30/s per
// publisher: every search, every crowd run, the configurations asked for.
func TestRun(t *testing.T) {
	c := Default()
	libs := []Lib{{"gorilla", "ws"}, {"sockjs", "sockjs"}}
	var asked []scenario.Config
	measure := func(_ context.Context, lib, name string, lc scenario.Config, _ time.Duration) record.Trial {
		asked = append(asked, lc)
		rate := lc.Rate
		d := &result.Latency{P50: 1000, P99: 2000, Count: 1000}
		if lc.Scenario == scenario.Chat && lc.Rooms == 10 && rate > 30 {
			d.P99 = 2e5
		}
		return record.Trial{Result: &result.Result{Scenario: lc.Scenario, RateTarget: rate, RateAchieved: rate,
			SendLagUS: &result.Latency{}, DeliveredMsgsPerSec: rate * 2000, DeliveryUS: d, LatencyUS: *d, Connected: int64(lc.Conns)}}
	}
	res := &Results{Seed: 7}
	saves := 0
	if err := c.Run(context.Background(), libs, measure, res, func(string) {}, func() { saves++ }); err != nil {
		t.Fatal(err)
	}
	if !res.Complete || len(res.Capacity) != 4 || len(res.Crowd) != 4 || saves != len(asked) {
		t.Fatalf("complete %v, %d searches, %d crowd runs, %d saves of %d runs", res.Complete, len(res.Capacity), len(res.Crowd), saves, len(asked))
	}
	if slices.Sorted(slices.Values(res.Order))[0] != "gorilla" || len(res.Order) != 2 {
		t.Fatalf("order %v: want both libraries", res.Order)
	}
	for _, sr := range res.Capacity {
		big := sr.Shape.Name == "big-group"
		if big && (sr.Capacity.Rate != 30 || !sr.Capacity.Ranked) || !big && sr.Capacity.Limit != "none" {
			t.Errorf("%s %s: capacity %+v after %v", sr.Lib, sr.Shape.Name, sr.Capacity, rates(sr.Points))
		}
	}
	for _, cr := range res.Crowd {
		if !cr.Good || cr.Conns != c.Crowd.Conns || cr.Active != c.Crowd.ActiveConns() {
			t.Errorf("crowd %+v", cr)
		}
	}
	var sawSockJS, sawActive bool
	for _, lc := range asked {
		sawSockJS = sawSockJS || lc.Proto == "sockjs"
		sawActive = sawActive || (lc.Scenario == scenario.Echo && lc.Active == c.Crowd.Active && lc.Conns == c.Crowd.Conns)
		lc.URL += "127.0.0.1:9" // as the runner does
		if err := lc.Check(); err != nil && !strings.Contains(err.Error(), "open files") {
			t.Errorf("the load generator would refuse %+v: %v", lc.Args(), err)
		}
	}
	if !sawSockJS || !sawActive {
		t.Fatalf("sockjs runs %v, echo crowd with an active fraction %v", sawSockJS, sawActive)
	}

	// A crowd measure of its own gets every crowd run, over the crowd's
	// duration, and nothing else.
	var crowdAsked []scenario.Config
	c.CrowdMeasure = func(ctx context.Context, lib, name string, lc scenario.Config, est time.Duration) record.Trial {
		crowdAsked = append(crowdAsked, lc)
		tr := measure(ctx, lib, name, lc, est)
		asked = asked[:len(asked)-1] // measure's record of it
		return tr
	}
	asked = nil
	if err := c.Run(context.Background(), libs, measure, &Results{}, func(string) {}, func() {}); err != nil {
		t.Fatal(err)
	}
	if len(crowdAsked) != 2*len(libs) {
		t.Fatalf("%d crowd runs measured by the crowd's measure, want %d", len(crowdAsked), 2*len(libs))
	}
	for _, lc := range crowdAsked {
		if lc.Duration != c.Crowd.Duration || lc.Rooms*lc.Members+lc.Conns == 0 {
			t.Errorf("crowd run %+v: duration %v, want %v", lc.Args(), lc.Duration, c.Crowd.Duration)
		}
	}
	for _, lc := range asked {
		if lc.Duration != c.Duration {
			t.Errorf("search run with duration %v, want %v", lc.Duration, c.Duration)
		}
	}
	c.CrowdMeasure = nil

	// Interrupted: the error comes back and the results are incomplete.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res = &Results{}
	if err := c.Run(ctx, libs, measure, res, func(string) {}, func() {}); err == nil || res.Complete {
		t.Fatalf("interrupted run: %v, complete %v", err, res.Complete)
	}
}

func TestSaveAndSummary(t *testing.T) {
	dir := t.TempDir()
	res := &Results{Name: "x", Config: Default(), Capacity: []ShapeResult{{Lib: "gorilla", Shape: Default().Shapes[0],
		Points: []Point{{Rate: 10, Good: true, Delivered: 2e4}, {Rate: 20, Why: "p99"}}, Capacity: Capacity{Delivered: 2e4, Rate: 10, Limit: "p99", Ranked: true}}},
		Crowd: []CrowdResult{{Lib: "gorilla", Kind: "echo", Why: "a | b"}}}
	if err := Save(dir, res); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	Summary(&sb, res)
	for _, want := range []string{"Incomplete run", "| gorilla | big-group (10×100, 2 pub.) | 20000 | 10 | p99 | 10 → 20000, 0.0 ✓; 20 → 0, 0.0 ✗ |", "a / b |"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sb.String())
		}
	}
	if strings.Contains(sb.String(), "Other processes") {
		t.Errorf("summary of runs alone on their CPUs speaks of other processes:\n%s", sb.String())
	}
	// Other processes on the CPUs in one run of three: said, with the mean
	// over all runs and the highest.
	busy := 3 * foreignCPUThreshold
	res.Crowd[0].ForeignCPUUtil = busy
	sb.Reset()
	Summary(&sb, res)
	if want := fmt.Sprintf("during 1 of the runs: %.2f CPUs on average over all runs, up to %.2f", busy/3, busy); !strings.Contains(sb.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, sb.String())
	}
	if p := Judge(10, 2e4, &result.Result{Foreign: &result.Foreign{CPUUtil: busy}}, "", Default().Search); p.ForeignCPUUtil != busy {
		t.Errorf("point's foreign CPU %v, want %v", p.ForeignCPUUtil, busy)
	}
}

func TestFindings(t *testing.T) {
	c := Default()
	sr := func(lib string, shape int, delivered float64, limit string) ShapeResult {
		return ShapeResult{Lib: lib, Shape: c.Shapes[shape], Capacity: Capacity{Delivered: delivered, Limit: limit, Ranked: limit == "p99"}}
	}
	res := &Results{Config: c, Capacity: []ShapeResult{
		sr("a", 0, 1000, "p99"), sr("b", 0, 3000, "p99"), sr("c", 0, 2000, "client"),
		sr("a", 1, 1000, "client"), sr("b", 1, 3000, "client"), sr("c", 1, 2000, "p99"),
	}, Crowd: []CrowdResult{
		{Lib: "a", Kind: "echo", Good: true, Conns: 19000, Active: 950, RSSPerConnBytes: 2048, P99US: 3000},
		{Lib: "b", Kind: "echo", Good: true, Conns: 19000, Active: 950, RSSPerConnBytes: 1024, P99US: 5000},
		{Lib: "a", Kind: "chat", Behind: true}, {Lib: "b", Kind: "chat", Behind: true},
	}}
	got := Findings(res)
	want := []string{
		"big-group (10 rooms × 100): capacity at delivery p99 ≤ 100ms, deliveries/s: b 3000, a 1000 (2 of 3 ranked; one search each: an order, not tiers).",
		"small-group (100 rooms × 10): no capacity finding: 1 of 3 libraries ranked (limit: client 2, p99 1); one search per library on this machine.",
		"Idle crowd, echo (19000 connections, 950 active): server memory 1.0 KiB per connection (b) to 2.0 KiB (a); p99 of the active 3.0 ms (a) to 5.0 ms (b); 2 of 2 runs good.",
		"Idle crowd, chat: no finding: 0 of 2 runs good (the others failed or the load generator fell behind).",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("findings\n%q\nwant\n%q", got, want)
	}
}
