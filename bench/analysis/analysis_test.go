package analysis

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/result"
)

// echoCell is a closed-loop 1 KiB echo cell of lib whose trial n (round n)
// measured vals[n-1] msgs/s.
func echoCell(lib string, vals ...float64) record.Cell {
	c := record.Cell{ID: lib + "/echo-closed/1024B/1000c", Cell: config.Cell{Lib: lib, Proto: "ws", Scenario: config.EchoClosed, PayloadBytes: 1024, Conns: 1000}, Status: record.StatusOK}
	if lib == "tcp" {
		c.Proto = "tcp"
	}
	c.Median, c.Min, c.Max = map[string]float64{}, map[string]float64{}, map[string]float64{}
	for i, v := range vals {
		r := &result.Result{MsgsPerSec: v, Received: 1000, Server: &result.Proc{CPUUSPerMsg: 1e6 / v}}
		c.Trials = append(c.Trials, record.Trial{N: i + 1, Result: r})
	}
	for _, k := range []string{record.MsgsPerSec, record.ServerCPUUSPerMsg} {
		xs := c.Values(k)
		slices.Sort(xs)
		c.Median[k], c.Min[k], c.Max[k] = record.Median(xs), xs[0], xs[len(xs)-1]
	}
	return c
}

func runOf(cells ...record.Cell) *record.Run {
	return &record.Run{Name: "t", Cells: cells}
}

func TestPointValidity(t *testing.T) {
	c := echoCell("gorilla", 100, 101, 99)
	if v := PointValidity(&c, record.MsgsPerSec); !v.Valid {
		t.Fatalf("an ok cell is not valid: %+v", v)
	}
	c.Status, c.Flags = record.StatusClientBound, []string{record.StatusClientBound}
	if v := PointValidity(&c, record.MsgsPerSec); v.Valid || !strings.HasPrefix(v.Why, "client-bound") {
		t.Errorf("client-bound throughput: %+v", v)
	}
	if v := PointValidity(&c, record.ServerCPUUSPerMsg); !v.Valid {
		t.Errorf("a client-bound cell's CPU per message is still the server's: %+v", v)
	}
	c.Status, c.Flags = record.StatusClientLimited, []string{record.StatusClientLimited}
	if v := PointValidity(&c, record.ServerCPUUSPerMsg); v.Valid {
		t.Error("a client-limited point is valid")
	}
	c.Status, c.Flags, c.Reason = record.StatusFailed, nil, "server died"
	if v := PointValidity(&c, record.MsgsPerSec); v.Valid || v.Why != "failed: server died" {
		t.Errorf("failed: %+v", v)
	}
	if v := PointValidity(nil, record.MsgsPerSec); v.Valid {
		t.Error("a missing cell is valid")
	}
}

// A server that leads every round by 40% leads alone; the ceiling is a
// reference row, never a member; a slow round that hits every entry alike
// separates nobody.
func TestRankAndTitle(t *testing.T) {
	slow := []float64{1, 1, 0.7, 1, 1} // round 3: the machine slows for everyone
	mk := func(lib string, level float64, wobble ...float64) record.Cell {
		vals := make([]float64, 5)
		for i := range vals {
			vals[i] = level * slow[i] * (1 + wobble[i%len(wobble)])
		}
		return echoCell(lib, vals...)
	}
	run := runOf(
		mk("fast", 180, 0.01, -0.01, 0.02, 0, -0.02),
		mk("a", 100, 0.01, 0, -0.01, 0.02, -0.02),
		mk("b", 100, -0.01, 0.01, 0, -0.02, 0.02),
		mk("tcp", 300, 0, 0.01, -0.01, 0, 0),
	)
	m := Build(run)
	f := m.Finding(IDThroughput(1024))
	if f == nil {
		t.Fatal("no throughput finding")
	}
	if !slices.Equal(f.Leading, []string{"fast"}) {
		t.Errorf("leading %v, want [fast]", f.Leading)
	}
	if !strings.HasPrefix(f.Title, "fast leads 1 KiB echo throughput by more than 50%: ") {
		t.Errorf("title %q", f.Title)
	}
	for _, p := range f.Ranking {
		if p.Lib == "tcp" {
			t.Error("the ceiling is ranked")
		}
	}
	if len(f.References) != 1 || f.References[0].Lib != "tcp" || f.References[0].Role != RoleCeiling {
		t.Errorf("references %+v", f.References)
	}
	r := f.Ranked()
	if r.TierOf("a") != r.TierOf("b") || r.TierOf("a") != 2 {
		t.Errorf("a and b differ by noise only, yet tiers %d and %d", r.TierOf("a"), r.TierOf("b"))
	}
	if f.ValidEntries != 3 || f.TotalEntries != 3 {
		t.Errorf("valid %d of %d, want 3 of 3 (the ceiling is not counted)", f.ValidEntries, f.TotalEntries)
	}
}

// With fewer than half of the entries valid, nothing is ranked and the
// title says what could not be measured.
func TestTooFewValidPoints(t *testing.T) {
	cells := []record.Cell{echoCell("a", 100, 100, 100), echoCell("b", 90, 90, 91), echoCell("c", 80, 81, 80)}
	for i := 1; i < 3; i++ {
		cells[i].Status, cells[i].Flags = record.StatusClientBound, []string{record.StatusClientBound}
	}
	f := Build(runOf(cells...)).Finding(IDThroughput(1024))
	if len(f.Ranking) != 0 || len(f.Leading) != 0 {
		t.Errorf("ranked with 1 of 3 valid: %+v", f.Ranking)
	}
	if f.Title != "1 KiB echo throughput: not ranked, 1 of 3 points valid (2 client-bound)" {
		t.Errorf("title %q", f.Title)
	}
	if len(f.NotValid) != 2 {
		t.Errorf("not valid %+v", f.NotValid)
	}
}

// Two runs that agree give no contradiction and no changed finding; a
// leader that moves is a changed finding, and a pair placed in opposite
// tiers is a contradiction.
func TestAgree(t *testing.T) {
	a := Build(runOf(echoCell("x", 200, 201, 199, 200, 202), echoCell("y", 100, 101, 99, 100, 102)))
	same := Build(runOf(echoCell("x", 202, 200, 201, 199, 200), echoCell("y", 99, 100, 101, 102, 100)))
	if ag := Agree(a, same); ag.Contradictions != 0 || len(ag.FindingsChanged) != 0 {
		t.Errorf("identical runs: %+v", ag)
	}
	flipped := Build(runOf(echoCell("x", 100, 101, 99, 100, 102), echoCell("y", 200, 201, 199, 200, 202)))
	ag := Agree(a, flipped)
	if ag.Contradictions == 0 || len(ag.FindingsChanged) == 0 {
		t.Errorf("a flipped run: %+v", ag)
	}
}

func TestFanoutNamesAMaximum(t *testing.T) {
	mk := func(lib string, count int64) record.Cell {
		c := record.Cell{Cell: config.Cell{Lib: lib, Proto: "ws", Variant: config.VariantWS, Scenario: config.Broadcast, PayloadBytes: 1024, Conns: 1000}, Status: record.StatusOK,
			Median: map[string]float64{record.LastP99: 900, record.LastMax: 1000}}
		for n := 1; n <= 4; n++ {
			c.Trials = append(c.Trials, record.Trial{N: n, Result: &result.Result{Received: 1, FanoutLastUS: &result.Latency{Count: count, P99: 900, Max: 1000}}})
		}
		return c
	}
	f := Build(runOf(mk("a", 20), mk("b", 20))).Finding(IDFanout)
	if f.Metric != record.LastMax || !strings.Contains(f.Title, "maximum") {
		t.Errorf("20 samples a trial, yet %s: %q", f.Metric, f.Title)
	}
	f = Build(runOf(mk("a", 400), mk("b", 500))).Finding(IDFanout)
	if f.Metric != record.LastP99 || !strings.Contains(f.Title, "p99") {
		t.Errorf("400 samples a trial, yet %s: %q", f.Metric, f.Title)
	}
	if got := FanoutSamples(nil); got != 0 || math.IsNaN(float64(got)) {
		t.Errorf("no cells: %d", got)
	}
}
