package record

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/fixture"
	"github.com/wsbench/wsbench/loadgen/result"
)

// synthRun is one closed-loop column measured by entries libraries in
// rounds rounds: entry e's throughput is its own level times the round's
// factor times a small trial noise of at most ±noise. tweak may change a
// value (entry, round, value) before it is recorded.
func synthRun(entries, rounds int, roundFactor func(r int) float64, noise float64, tweak func(e, r int, v float64) float64) *Run {
	rng := rand.New(rand.NewPCG(1, 2))
	run := &Run{Seed: 1}
	for r := 1; r <= rounds; r++ {
		run.Rounds = append(run.Rounds, Round{Index: r})
	}
	for e := range entries {
		lib := fmt.Sprintf("lib%d", e)
		c := CellFrom(config.Cell{Lib: lib, Proto: "ws", Scenario: config.EchoClosed, PayloadBytes: 1024, Conns: 100,
			Window: 1, Duration: time.Second})
		level := 50000 * (1 + float64(e)/float64(entries))
		for r := 1; r <= rounds; r++ {
			res := fixture.Result(fixture.Params{Lib: lib, Scenario: "echo", Mode: "closed", Conns: 100, Size: 1024,
				Duration: time.Second, Trial: r})
			v := level * roundFactor(r) * (1 + noise*(2*rng.Float64()-1))
			if tweak != nil {
				v = tweak(e, r, v)
			}
			res.MsgsPerSec = v
			c.Trials = append(c.Trials, Trial{N: r, Round: r, Result: &res})
		}
		run.Cells = append(run.Cells, c)
	}
	return run
}

// judge calibrates run and summarizes its cells against the floor.
func judge(run *Run) {
	Calibrate(run)
	for i := range run.Cells {
		SummarizeAgainst(&run.Cells[i], 1, len(run.Cells[i].Trials), run.NoiseFloor)
	}
}

func noisyCells(run *Run) []string {
	var out []string
	for _, c := range run.Cells {
		if slices.Contains(c.Flags, StatusNoisy) || c.Status == StatusNoisy {
			out = append(out, c.Lib)
		}
	}
	return out
}

const (
	synthEntries = 8
	synthRounds  = 5
	synthNoise   = 0.02
	slowRound    = 3
	slowFactor   = 0.7 // every entry 30% slower in the slow round
)

func slowDown(r int) float64 {
	if r == slowRound {
		return slowFactor
	}
	return 1
}

// A round in which every entry of a column slowed by 30% is the machine,
// not the libraries: the fixed rule flags every cell, the calibrated one
// none.
func TestSlowRoundIsNotNoise(t *testing.T) {
	run := synthRun(synthEntries, synthRounds, slowDown, synthNoise, nil)
	for i := range run.Cells {
		Summarize(&run.Cells[i], 1, synthRounds)
	}
	if got := noisyCells(run); len(got) != synthEntries {
		t.Fatalf("fixed rule flags %v; the slow round should make every raw spread exceed %g", got, NoisySpread)
	}
	judge(run)
	if got := noisyCells(run); len(got) != 0 {
		t.Errorf("calibrated rule flags %v (floor %v)", got, run.NoiseFloor)
	}
	key := string(config.EchoClosed) + "/" + MsgsPerSec
	floor, ok := run.NoiseFloor[key]
	if !ok {
		t.Fatalf("no floor for %s: %v", key, run.NoiseFloor)
	}
	// What is left is the trial noise: at most twice its amplitude on
	// each side, the slow round's 30% gone.
	if floor > 4*synthNoise {
		t.Errorf("floor %.3f keeps the slow round (trial noise ±%g)", floor, synthNoise)
	}
	for _, c := range run.Cells {
		if c.Spread[MsgsPerSec] <= c.RoundSpread[MsgsPerSec] {
			t.Errorf("%s: raw spread %.3f not above round-adjusted %.3f", c.Lib, c.Spread[MsgsPerSec], c.RoundSpread[MsgsPerSec])
		}
	}
}

// One entry with one wild trial stands out from the floor, even in a run
// with a slow round; the others do not.
func TestWildTrialIsNoise(t *testing.T) {
	const wild, wildRound, wildFactor = 2, 2, 1.5
	run := synthRun(synthEntries, synthRounds, slowDown, synthNoise, func(e, r int, v float64) float64 {
		if e == wild && r == wildRound {
			return v * wildFactor
		}
		return v
	})
	judge(run)
	want := []string{run.Cells[wild].Lib}
	if got := noisyCells(run); !slices.Equal(got, want) {
		t.Errorf("noisy %v, want %v (floor %v)", got, want, run.NoiseFloor)
	}
	if r := run.Cells[wild].Reason; !strings.Contains(r, "noise floor") {
		t.Errorf("reason %q does not name the floor", r)
	}
}

// A run recorded before rounds keeps the fixed rule and has no floor.
func TestNoRoundsFallsBackToFixedRule(t *testing.T) {
	run := synthRun(synthEntries, synthRounds, slowDown, synthNoise, nil)
	run.Rounds = nil
	judge(run)
	if run.NoiseFloor != nil {
		t.Errorf("floor %v without rounds", run.NoiseFloor)
	}
	if got := noisyCells(run); len(got) != synthEntries {
		t.Errorf("fixed rule flags %v, want every cell", got)
	}
}

func TestRoundAdjusted(t *testing.T) {
	// Three entries whose values differ only by a per-round factor: the
	// adjusted values of each entry are equal across rounds.
	levels := []float64{1, 2, 4}
	factors := []float64{1, 0.5, 1.25}
	var obs []Observation
	for e, l := range levels {
		for r, f := range factors {
			obs = append(obs, Observation{Cell: e, Column: "c", Round: r + 1, Value: l * f})
		}
	}
	// A column with two entries in a round has no reference; a value
	// outside a round or not positive is ignored.
	obs = append(obs,
		Observation{Cell: 10, Column: "small", Round: 1, Value: 1},
		Observation{Cell: 11, Column: "small", Round: 1, Value: 2},
		Observation{Cell: 0, Column: "c", Round: 0, Value: 100},
		Observation{Cell: 1, Column: "c", Round: 2, Value: 0},
	)
	adj := RoundAdjusted(obs)
	for e, l := range levels {
		got := adj[e]
		if len(got) != len(factors) {
			t.Fatalf("entry %d: %d adjusted values, want %d", e, len(got), len(factors))
		}
		geo := math.Cbrt(levels[0] * levels[1] * levels[2])
		for _, v := range got {
			if math.Abs(v-l/geo) > 1e-12 {
				t.Errorf("entry %d: adjusted %v, want %v", e, v, l/geo)
			}
		}
	}
	if _, ok := adj[10]; ok {
		t.Error("a column of two entries got a reference")
	}
	spreads := RoundSpreads(obs)
	for e := range levels {
		if s, ok := spreads[e]; !ok || s > 1e-12 {
			t.Errorf("entry %d: round spread %v %v, want 0", e, s, ok)
		}
	}
	if _, ok := FloorOf([]float64{0.1, 0.2}); ok {
		t.Error("a floor from fewer than MinFloorCells spreads")
	}
	if f, _ := FloorOf([]float64{0.3, 0.1, 0.2}); f != 0.2 {
		t.Errorf("floor %v, want the median", f)
	}
}

// NoiseFactor's justification: the range of 4 or 5 draws from one normal
// distribution exceeds NoiseFactor times its median in under 5% of
// draws, so ordinary cells are rarely flagged.
func TestNoiseFactorIsRare(t *testing.T) {
	const draws = 20000
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{4, 5} {
		ranges := make([]float64, draws)
		for i := range ranges {
			lo, hi := math.Inf(1), math.Inf(-1)
			for range n {
				x := rng.NormFloat64()
				lo, hi = min(lo, x), max(hi, x)
			}
			ranges[i] = hi - lo
		}
		med := Median(ranges)
		over := 0
		for _, r := range ranges {
			if r > NoiseFactor*med {
				over++
			}
		}
		if share := float64(over) / draws; share >= 0.05 {
			t.Errorf("%d trials: %.1f%% of ordinary cells exceed %g× the median range", n, share*100, NoiseFactor)
		}
	}
}

// The sample count behind time to the last subscriber is recorded, and a
// tail from fewer than TailSamples samples is called the maximum.
func TestLastCountAndTailName(t *testing.T) {
	res := result.Result{FanoutLastUS: &result.Latency{P99: 10, Count: 20}}
	m, ok := MetricByKey(LastCount)
	if !ok {
		t.Fatal("no last-count metric")
	}
	if v, ok := m.Get(&res); !ok || v != 20 {
		t.Errorf("last count %v %v", v, ok)
	}
	if TailName(20) != "max" || TailName(TailSamples) != "p99" {
		t.Errorf("TailName(20) = %s, TailName(%d) = %s", TailName(20), TailSamples, TailName(TailSamples))
	}
}

// An entry the machine's pace does not move (a poller whose latency is its
// interval) agrees with itself; dividing it by a slow round's reference
// must not make it noisy.
func TestSteadyEntryAmongSlowOnesIsNotNoise(t *testing.T) {
	const steady, steadyValue = 0, 1000.0
	run := synthRun(synthEntries, synthRounds, slowDown, synthNoise, func(e, r int, v float64) float64 {
		if e == steady {
			return steadyValue
		}
		return v
	})
	judge(run)
	c := run.Cells[steady]
	if c.RoundSpread[MsgsPerSec] <= NoiseFactor*run.NoiseFloor[string(config.EchoClosed)+"/"+MsgsPerSec] {
		t.Fatalf("the slow round should widen the steady entry's round-adjusted spread: %v, floor %v", c.RoundSpread, run.NoiseFloor)
	}
	if got := noisyCells(run); len(got) != 0 {
		t.Errorf("noisy %v (floor %v)", got, run.NoiseFloor)
	}
}

// A cell whose figure does not count (here client-bound) is neither part
// of the floor nor judged against it: its status already says why.
func TestNotCountingCellsStayOutOfTheFloor(t *testing.T) {
	const wild, wildRound, wildFactor = 2, 2, 1.5
	run := synthRun(synthEntries, synthRounds, slowDown, synthNoise, func(e, r int, v float64) float64 {
		if e == wild && r == wildRound {
			return v * wildFactor
		}
		return v
	})
	for _, tr := range run.Cells[wild].Trials {
		tr.Result.Server.CPUUtil = SaturationFraction / 2
	}
	for i := range run.Cells {
		Summarize(&run.Cells[i], 1, synthRounds)
	}
	judge(run)
	if c := run.Cells[wild]; c.Status != StatusClientBound || slices.Contains(c.Flags, StatusNoisy) {
		t.Errorf("client-bound cell: status %s flags %v", c.Status, c.Flags)
	}
	if got := noisyCells(run); len(got) != 0 {
		t.Errorf("noisy %v", got)
	}
	if _, ok := run.Cells[wild].RoundSpread[MsgsPerSec]; !ok {
		t.Error("the client-bound cell has no round spread")
	}
}

// Compression cells added to a matrix leave its noise floor as it was.
func TestCompressionCellsStayOutOfTheFloor(t *testing.T) {
	run := synthRun(synthEntries, synthRounds, slowDown, synthNoise, nil)
	Calibrate(run)
	floor := run.NoiseFloor
	wild := synthRun(synthEntries, synthRounds, slowDown, synthNoise, func(e, r int, v float64) float64 {
		return v * (1 + float64(r%2))
	})
	for _, c := range wild.Cells {
		c.Deflate, c.PayloadBytes = "no-context-takeover", 256
		c.ID = c.Cell.ID()
		run.Cells = append(run.Cells, c)
	}
	Calibrate(run)
	if len(floor) == 0 || !maps.Equal(run.NoiseFloor, floor) {
		t.Errorf("floor %v with compression cells, %v without", run.NoiseFloor, floor)
	}
}
