package stats

import (
	"fmt"
	"math"
	"sort"
)

// Obs is one trial's value and the round it was measured in (0 = unknown).
type Obs struct {
	Round int
	Value float64
}

// Options sets the confidence and the practical margin of a ranking.
type Options struct {
	// Alpha is the family-wise significance level over all pairs of the
	// ranking (Holm). Zero means DefaultAlpha.
	Alpha float64
	// Margin is the smallest lead that counts: the better entry's
	// geometric-mean value must be at least 1+Margin times the other's
	// (higher is better) or at most 1/(1+Margin) times it (lower is
	// better). Zero means DefaultMargin; a negative Margin means none.
	Margin float64
	// Pooled estimates the trial noise once from all entries, as in a
	// randomized complete block design (log value = entry + round + noise):
	// on the rounds that every entry has, each pair is t-tested on its mean
	// log difference with the residual variance of all entries,
	// (entries-1)(rounds-1) degrees of freedom instead of rounds-1. It
	// separates far more with few rounds, but it assumes every entry's
	// trial noise has the same size (on a log scale): an entry noisier than
	// the rest is then separated from its neighbours more often than Alpha
	// says (in simulations of 12 equal entries over 5 rounds, one entry
	// with twice the others' noise about doubled the rate of false
	// separations; the per-pair tests kept it). With fewer than
	// MinPairedRounds complete rounds Rank falls back to the per-pair tests.
	Pooled bool
	// Beyond makes a win need evidence that the lead exceeds the margin,
	// not only that it is not zero: each pair's one-sided t-test is of H0
	// "the better entry leads by at most Margin" (on the log scale,
	// |mean log ratio| <= log(1+Margin)), Holm over the pairs as before.
	// A pair whose true lead is near the margin is then rarely called a
	// win, so that which entries lead changes less between two runs of one
	// matrix; a pair whose lead is small is never called one.
	Beyond bool
}

// DefaultAlpha and DefaultMargin are the Options used where they are zero:
// "beats at 95% family-wise confidence, by at least 5%".
const (
	DefaultAlpha  = 0.05
	DefaultMargin = 0.05
)

// MinPairedRounds is the number of rounds two entries must share for their
// test to be paired by round; below it the test is Welch's on all trials.
const MinPairedRounds = 3

// Pair is the test of two entries.
type Pair struct {
	A, B   string
	N      int     // rounds paired (0 when the unpaired fallback was used; with Pooled, the complete rounds)
	Ratio  float64 // geometric-mean ratio A/B of the values (paired rounds, else all trials)
	P      float64 // raw two-sided p-value
	PAdj   float64 // Holm-adjusted over all pairs of the ranking
	Winner string  // A or B when PAdj < Alpha and the better one leads by at least Margin; "" otherwise
}

// Ranking is one metric's entries in tiers.
type Ranking struct {
	HigherIsBetter bool
	Alpha, Margin  float64
	// Method says in words how the pairs were tested, for a report.
	Method string
	// Tiers are the layers described in the package documentation, best
	// first; Names within a tier are best median first.
	Tiers []Tier
	// Pairs holds every pair of ranked entries once; A is the one of
	// better median (ties: the name that sorts first).
	Pairs []Pair
	// Medians is the median of each ranked entry's positive values.
	Medians map[string]float64
}

// entry is one entry's usable values: the logs of its positive values, and
// per known round the mean of its logs in that round.
type entry struct {
	name   string
	logs   []float64
	rounds map[int]float64
	median float64
}

func newEntry(name string, obs []Obs) entry {
	e := entry{name: name, rounds: map[int]float64{}}
	var vals []float64
	sum, cnt := map[int]float64{}, map[int]int{}
	for _, o := range obs {
		if !(o.Value > 0) || math.IsInf(o.Value, 1) {
			continue
		}
		vals = append(vals, o.Value)
		l := math.Log(o.Value)
		e.logs = append(e.logs, l)
		if o.Round != 0 {
			sum[o.Round] += l
			cnt[o.Round]++
		}
	}
	for r, s := range sum {
		e.rounds[r] = s / float64(cnt[r])
	}
	e.median = Median(vals)
	return e
}

// testPair runs the test of the package documentation on a and b.
func testPair(a, b entry) tTest {
	var shared []int
	for r := range a.rounds {
		if _, ok := b.rounds[r]; ok {
			shared = append(shared, r)
		}
	}
	if len(shared) >= MinPairedRounds {
		sort.Ints(shared)
		d := make([]float64, len(shared))
		for i, r := range shared {
			d[i] = a.rounds[r] - b.rounds[r]
		}
		return pairedT(d)
	}
	return welchT(a.logs, b.logs)
}

// Rank tests every pair of entries and builds tiers (see the package
// documentation). Values that are not positive and finite cannot be put
// on a log scale and are skipped; an entry left with no value is not
// ranked at all (it has no median, no pair and no tier).
func Rank(samples map[string][]Obs, higherIsBetter bool, opt Options) Ranking {
	if opt.Alpha == 0 {
		opt.Alpha = DefaultAlpha
	}
	if opt.Margin == 0 {
		opt.Margin = DefaultMargin
	}
	opt.Margin = max(opt.Margin, 0)
	r := Ranking{HigherIsBetter: higherIsBetter, Alpha: opt.Alpha, Margin: opt.Margin, Medians: map[string]float64{}}

	var es []entry
	for name, obs := range samples {
		if e := newEntry(name, obs); len(e.logs) > 0 {
			es = append(es, e)
			r.Medians[name] = e.median
		}
	}
	sort.Slice(es, func(i, j int) bool { return better(es[i], es[j], higherIsBetter) })

	var pl *pool
	if opt.Pooled {
		pl = newPool(es)
	}
	paired := 0
	var ps []float64
	for i := range es {
		for j := i + 1; j < len(es); j++ {
			var t tTest
			if pl != nil {
				t = pl.test(i, j)
			} else {
				t = testPair(es[i], es[j])
			}
			if t.n > 0 {
				paired++
			}
			p := t.p
			if opt.Beyond {
				p = t.pBeyond(math.Log1p(opt.Margin))
			}
			r.Pairs = append(r.Pairs, Pair{A: es[i].name, B: es[j].name, N: t.n, Ratio: math.Exp(t.logDiff), P: p})
			ps = append(ps, p)
		}
	}
	lead := math.Log1p(opt.Margin)
	for i, adj := range holm(ps) {
		p := &r.Pairs[i]
		p.PAdj = adj
		if adj >= opt.Alpha {
			continue
		}
		l := math.Log(p.Ratio)
		if !higherIsBetter {
			l = -l
		}
		switch {
		case l >= lead:
			p.Winner = p.A
		case -l >= lead:
			p.Winner = p.B
		}
	}

	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.name
	}
	var cyclic int
	r.Tiers, cyclic = layer(names, r.beatsSet())
	r.Method = method(len(r.Pairs), paired, opt, pl, cyclic)
	return r
}

// better orders entries best median first, then by name.
func better(a, b entry, higherIsBetter bool) bool {
	if a.median != b.median {
		return (a.median > b.median) == higherIsBetter
	}
	return a.name < b.name
}

func method(pairs, paired int, opt Options, pl *pool, cyclic int) string {
	var s string
	switch {
	case pairs == 0:
		return "fewer than two entries: nothing to test"
	case pl != nil:
		s = fmt.Sprintf("t-tests on mean log differences over %d rounds that every entry has, noise pooled over all entries (%g degrees of freedom)", pl.rounds, pl.df)
	case paired == pairs:
		s = "paired t-test on log ratios over rounds"
	case paired == 0:
		s = "Welch's t-test on log values"
	default:
		s = fmt.Sprintf("paired t-test on log ratios over rounds for %d pairs, Welch's t-test on log values for %d", paired, pairs-paired)
	}
	if opt.Beyond {
		s += fmt.Sprintf(", one-sided against a lead of at most %g%%, Holm over %d pairs at alpha %g; a winner leads by more than %g%%", 100*opt.Margin, pairs, opt.Alpha, 100*opt.Margin)
	} else {
		s += fmt.Sprintf(", Holm over %d pairs at alpha %g; a winner leads by at least %g%%", pairs, opt.Alpha, 100*opt.Margin)
	}
	if cyclic > 0 {
		s += fmt.Sprintf("; %d entries beat one another in a cycle and share the last tier", cyclic)
	}
	return s
}

type beatsKey struct{ winner, loser string }

func (r Ranking) beatsSet() map[beatsKey]bool {
	m := map[beatsKey]bool{}
	for _, p := range r.Pairs {
		switch p.Winner {
		case p.A:
			m[beatsKey{p.A, p.B}] = true
		case p.B:
			m[beatsKey{p.B, p.A}] = true
		}
	}
	return m
}

// layer builds the tiers from names (best median first) and the beats
// relation: each tier is the set of remaining entries that no remaining
// entry beats. If the relation has a cycle (possible only when pairs were
// tested on different rounds), the entries left when no remaining entry is
// unbeaten share one last tier; their count is returned.
func layer(names []string, beats map[beatsKey]bool) ([]Tier, int) {
	var tiers []Tier
	rest := names
	for len(rest) > 0 {
		var top, next []string
		for _, x := range rest {
			beaten := false
			for _, y := range rest {
				if beats[beatsKey{y, x}] {
					beaten = true
					break
				}
			}
			if beaten {
				next = append(next, x)
			} else {
				top = append(top, x)
			}
		}
		if len(top) == 0 {
			tiers = append(tiers, Tier{Rank: len(tiers) + 1, Names: rest})
			return tiers, len(rest)
		}
		tiers = append(tiers, Tier{Rank: len(tiers) + 1, Names: top})
		rest = next
	}
	return tiers, 0
}

// Beats reports whether the ranking's test says a beats b: significant
// after Holm, by at least the margin.
func (r Ranking) Beats(a, b string) bool {
	for _, p := range r.Pairs {
		if (p.A == a && p.B == b || p.A == b && p.B == a) && p.Winner == a {
			return true
		}
	}
	return false
}

// Leading returns tier 1: the entries that no other entry beats, best
// median first (nil for an empty ranking).
func (r Ranking) Leading() []string {
	if len(r.Tiers) == 0 {
		return nil
	}
	return append([]string(nil), r.Tiers[0].Names...)
}
