package stats

import (
	"math"
	"sort"
)

// pool is the blocked analysis of Options.Pooled: the entries' log values
// on the rounds that every entry has (a complete block design), with the
// trial noise estimated once from all entries' residuals.
type pool struct {
	rounds int       // complete rounds
	mean   []float64 // each entry's mean log over those rounds
	mse    float64   // residual mean square of entry + round effects
	df     float64   // its degrees of freedom, (entries-1)(rounds-1)
}

// newPool returns the pool of es, or nil when they share fewer than
// MinPairedRounds complete rounds.
func newPool(es []entry) *pool {
	if len(es) < 2 {
		return nil
	}
	var rounds []int
	for r := range es[0].rounds {
		all := true
		for _, e := range es[1:] {
			if _, ok := e.rounds[r]; !ok {
				all = false
				break
			}
		}
		if all {
			rounds = append(rounds, r)
		}
	}
	if len(rounds) < MinPairedRounds {
		return nil
	}
	sort.Ints(rounds)
	k, n := len(es), len(rounds)
	p := &pool{rounds: n, mean: make([]float64, k), df: float64((k - 1) * (n - 1))}
	col := make([]float64, n)
	grand := 0.0
	for i, e := range es {
		for c, r := range rounds {
			y := e.rounds[r]
			p.mean[i] += y / float64(n)
			col[c] += y / float64(k)
			grand += y / float64(k*n)
		}
	}
	sse := 0.0
	for i, e := range es {
		for c, r := range rounds {
			res := e.rounds[r] - p.mean[i] - col[c] + grand
			sse += res * res
		}
	}
	p.mse = sse / p.df
	return p
}

// test compares entries i and j: a t-test of their mean log difference
// over the complete rounds, with the pooled noise.
func (p *pool) test(i, j int) tTest {
	d := p.mean[i] - p.mean[j]
	r := tTest{p: 1, logDiff: d, n: p.rounds}
	se := math.Sqrt(2 * p.mse / float64(p.rounds))
	switch {
	case se == 0 || math.IsNaN(se):
		if d != 0 {
			r.p = 0
		}
	default:
		r.se, r.df = se, p.df
		r.p = studentTwoSided(d/se, p.df)
	}
	return r
}
