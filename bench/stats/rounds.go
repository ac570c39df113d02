package stats

import (
	"math"
	"sort"
)

// RoundAdjusted removes from each value what its round shared with the
// other entries of that round, for a noise floor: each value is divided by
// the geometric mean, over the entries that have a value in the same
// round, of that entry's values in the round (an entry with several values
// in a round counts once, by their geometric mean). A slow minute that hit
// every entry of a round then no longer shows in an entry's spread.
//
// A value whose round is unknown (0) or has fewer than two entries cannot
// be adjusted that way; it is divided by its entry's overall geometric
// mean instead, then multiplied by the geometric mean of the entry's
// round-adjusted values when it has any, so that all of an entry's
// adjusted values stay on one scale. Values that are not positive and
// finite are skipped. Entries are keyed as in samples; an entry with no
// usable value is left out.
func RoundAdjusted(samples map[string][]Obs) map[string][]float64 {
	es := map[string]entry{}
	roundSum, roundCnt := map[int]float64{}, map[int]int{}
	for name, obs := range samples {
		e := newEntry(name, obs)
		if len(e.logs) == 0 {
			continue
		}
		es[name] = e
		for r, l := range e.rounds {
			roundSum[r] += l
			roundCnt[r]++
		}
	}
	out := map[string][]float64{}
	for name, obs := range samples {
		e, ok := es[name]
		if !ok {
			continue
		}
		own, _ := meanVar(e.logs)
		// Each value's log, less its round's (or its entry's) log level;
		// isRound marks those adjusted by their round.
		logs := make([]float64, 0, len(e.logs))
		var isRound []bool
		var adj []float64
		for _, o := range obs {
			if !(o.Value > 0) || math.IsInf(o.Value, 1) {
				continue
			}
			l := math.Log(o.Value)
			byRound := o.Round != 0 && roundCnt[o.Round] >= 2
			if byRound {
				l -= roundSum[o.Round] / float64(roundCnt[o.Round])
				adj = append(adj, l)
			} else {
				l -= own
			}
			logs = append(logs, l)
			isRound = append(isRound, byRound)
		}
		level := 0.0
		if len(adj) > 0 {
			level, _ = meanVar(adj)
		}
		vs := make([]float64, len(logs))
		for i, l := range logs {
			if !isRound[i] {
				l += level
			}
			vs[i] = math.Exp(l)
		}
		out[name] = vs
	}
	return out
}

// Spread is (max - min) / median of xs: the width of the trials relative
// to their middle. It is NaN for no values or a zero median.
func Spread(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := Median(s)
	if m == 0 {
		return math.NaN()
	}
	return (s[len(s)-1] - s[0]) / m
}
