package record

import (
	"math"
	"slices"
	"strings"
)

// The noise floor: how much the trials of one cell disagree on this
// machine once a slow period common to a round is taken out, measured in
// the same run, and the rule that flags a cell whose trials disagree
// more than that.
//
// A VM slows down for minutes at a time. The runner measures in rounds,
// each column's entries back to back in a fresh random order, so that a
// slow minute hits every entry of a column in the same round. Dividing a
// trial by the geometric mean of the same column's trials in the same
// round removes that common factor; what is left is the noise of the
// entry itself. A cell's noise is the smaller of its raw spread and the
// spread of these round-adjusted values (NoiseOf). The floor of a
// scenario's metric is the median noise of the cells whose figures count:
// the typical cell. A cell is noisy when its noise stands out from the
// floor by NoiseFactor.
const (
	// MinRoundEntries is the fewest entries of a column with a valid
	// trial in a round for that round's reference to be taken: with two,
	// each entry would be half its own reference.
	MinRoundEntries = 3
	// MinFloorCells is the fewest cells with a round-adjusted spread for
	// a scenario's metric to have a noise floor.
	MinFloorCells = 3
	// NoiseFactor: a cell is noisy when its noise exceeds this multiple
	// of the floor. The spread of n trials is their range
	// over their median; for n of 4 or 5 trials drawn from one normal
	// distribution, the range exceeds twice its own median in under 5% of
	// cells (TestNoiseFactorIsRare simulates it), so a cell of ordinary
	// noise is rarely flagged, and one wild trial among the usual ones,
	// which widens the range by its own distance, is.
	NoiseFactor = 2.0
	// MinNoisySpread is the smallest noise ever flagged:
	// on a quiet machine the floor can be a few per cent, and a cell at
	// twice a small floor still repeats within what the report resolves.
	MinNoisySpread = 0.05
)

// Observation is one trial's value of one metric, placed in the matrix:
// which cell (any key unique per cell), which column, which round.
type Observation struct {
	Cell   int
	Column string
	Round  int
	Value  float64
	// Aside keeps the observation out of its round's reference (a cell
	// whose figure does not count); it is still adjusted by it.
	Aside bool
}

// RoundAdjusted divides each observation by the geometric mean of the
// observations of the same column and round that are not Aside, its own
// included, and returns the adjusted values per cell, in the order given.
// Observations whose column and round have fewer than MinRoundEntries
// such positive values have no reference and are left out, as are
// non-positive values and observations outside a round (Round 0).
func RoundAdjusted(obs []Observation) map[int][]float64 {
	type key struct {
		col   string
		round int
	}
	sum := map[key]float64{}
	n := map[key]int{}
	for _, o := range obs {
		if o.Aside || o.Round <= 0 || !(o.Value > 0) || math.IsInf(o.Value, 0) {
			continue
		}
		k := key{o.Column, o.Round}
		sum[k] += math.Log(o.Value)
		n[k]++
	}
	out := map[int][]float64{}
	for _, o := range obs {
		if o.Round <= 0 || !(o.Value > 0) || math.IsInf(o.Value, 0) {
			continue
		}
		k := key{o.Column, o.Round}
		if n[k] < MinRoundEntries {
			continue
		}
		ref := math.Exp(sum[k] / float64(n[k]))
		out[o.Cell] = append(out[o.Cell], o.Value/ref)
	}
	return out
}

// SpreadOf is (max-min)/median of vals, and false for fewer than two
// values or a zero median.
func SpreadOf(vals []float64) (float64, bool) {
	if len(vals) < 2 {
		return 0, false
	}
	med := Median(vals)
	if med == 0 || math.IsNaN(med) {
		return 0, false
	}
	return (slices.Max(vals) - slices.Min(vals)) / math.Abs(med), true
}

// RoundSpreads is each cell's spread of its round-adjusted values (see
// RoundAdjusted); cells with fewer than two adjusted values have none.
func RoundSpreads(obs []Observation) map[int]float64 {
	out := map[int]float64{}
	for cell, vals := range RoundAdjusted(obs) {
		if s, ok := SpreadOf(vals); ok {
			out[cell] = s
		}
	}
	return out
}

// FloorOf is the noise floor of a set of cells' spreads: their median,
// and false for fewer than MinFloorCells spreads.
func FloorOf(spreads []float64) (float64, bool) {
	if len(spreads) < MinFloorCells {
		return 0, false
	}
	return Median(spreads), true
}

// NoiseOf is a cell's noise from its raw and round-adjusted spreads: the
// smaller. The round reference takes out a slow period that every entry
// of a column shares; an entry the machine's pace does not move (a REST
// poller whose latency is its polling interval) agrees with itself
// already, and dividing it by the round's other entries would only lend
// it their noise.
func NoiseOf(raw, adjusted float64) float64 { return min(raw, adjusted) }

// StandsOut reports whether a cell's noise (NoiseOf) marks it noisy
// against the floor.
func StandsOut(noise, floor float64) bool {
	return noise > NoiseFactor*floor && noise > MinNoisySpread
}

// FloorKey names a noise floor: "echo-closed/msgs_per_sec".
func FloorKey(c *Cell, metric string) string { return string(c.Scenario) + "/" + metric }

// Column is the cell's ID without its row (see config.Cell.Column): the
// cells of one column differ only by their library or variant.
func (c *Cell) Column() string {
	if col, ok := strings.CutPrefix(c.ID, c.Row()+"/"); ok {
		return col
	}
	_, col, _ := strings.Cut(c.ID, "/")
	return col
}

// Calibrate measures the run's noise floor: it sets every cell's
// RoundSpread from the trials that count, round by round, and
// run.NoiseFloor, the median over the cells of a scenario of their noise
// (NoiseOf: the smaller of the raw and the round-adjusted spread). Only
// cells whose figures count (not failed, client-bound or client-limited,
// as their last summary says) make the round references and the floor: a
// point where the load generator set the pace measures its queueing, not
// the machine's pace; such cells still get a RoundSpread. Compression
// cells (Deflate set) stay out of the floor too: the reference matrix's
// library cells keep the floor they had without them, and the compression
// cells are judged against it. A run recorded without rounds is left as it is (its cells keep
// the fixed NoisySpread rule). It decides no status: SummarizeAgainst
// does, given the floor.
func Calibrate(run *Run) {
	run.NoiseFloor = nil
	for i := range run.Cells {
		run.Cells[i].RoundSpread = nil
	}
	if len(run.Rounds) == 0 {
		return
	}
	// Every (scenario, key metric) pair with its observations.
	obs := map[string][]Observation{}
	var keys []string
	for i := range run.Cells {
		c := &run.Cells[i]
		col := c.Column()
		aside := !counts(c)
		for _, k := range KeyMetrics(c.Scenario) {
			m, ok := MetricByKey(k)
			if !ok {
				continue
			}
			fk := FloorKey(c, k)
			if _, seen := obs[fk]; !seen {
				keys = append(keys, fk)
				obs[fk] = nil
			}
			for _, t := range c.Trials {
				if t.Round <= 0 || TrialProblem(c.Scenario, t) != "" {
					continue
				}
				if v, ok := m.Get(t.Result); ok {
					obs[fk] = append(obs[fk], Observation{Cell: i, Column: col, Round: t.Round, Value: v, Aside: aside})
				}
			}
		}
	}
	for _, fk := range keys {
		metric := fk[strings.LastIndex(fk, "/")+1:]
		raw := map[int][]float64{}
		for _, o := range obs[fk] {
			raw[o.Cell] = append(raw[o.Cell], o.Value)
		}
		spreads := RoundSpreads(obs[fk])
		var all []float64
		for i, s := range spreads {
			c := &run.Cells[i]
			if c.RoundSpread == nil {
				c.RoundSpread = map[string]float64{}
			}
			c.RoundSpread[metric] = s
			if r, ok := SpreadOf(raw[i]); ok {
				s = NoiseOf(r, s)
			}
			if counts(c) && c.Deflate == "" {
				all = append(all, s)
			}
		}
		if f, ok := FloorOf(all); ok {
			if run.NoiseFloor == nil {
				run.NoiseFloor = map[string]float64{}
			}
			run.NoiseFloor[fk] = f
		}
	}
}

// counts reports whether c's figures count: its summary flags it neither
// failed, client-bound nor client-limited.
func counts(c *Cell) bool { return countingFlags(append([]string{c.Status}, c.Flags...)) }

// countingFlags reports whether flags leave a cell's figures counting:
// none of failed, client-bound, client-limited.
func countingFlags(flags []string) bool {
	for _, f := range flags {
		if f == StatusFailed || f == StatusClientBound || f == StatusClientLimited {
			return false
		}
	}
	return true
}
